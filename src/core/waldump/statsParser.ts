// Reads the table printed by `pg_waldump --stats` (one row per rmgr) and `--stats=record`
// (one row per rmgr/record type):
//   WAL statistics between 0/90013D8 and 0/9FFE188:
//   Type       N      (%)   Record size      (%)   FPI size      (%)   Combined size      (%)
//   ----       -      ---   -----------      ---   --------      ---   -------------      ---
//   Heap2    534 (  3.79)         41418 (  3.89)          0 (  0.00)           41418 (  0.25)
//                --------      --------      --------      --------
//   Total  14078                1066040 [6.39%]    15621744 [93.61%]  16687784 [100%]
// Row names are padded to 27 columns and may hold a blank (`XLOG/UNKNOWN (70)`), so rows are
// read from the right. pg_waldump messages in the same text (the end-of-WAL error) are kept.
import { parseLsn } from './lsn';
import type { WaldumpMessageLine } from './waldumpLine';
import { parseMessageLine } from './waldumpMessageLine';

export interface WalStatsRow {
  /** The first column as printed: `Heap` or `Heap/INSERT+INIT`. */
  readonly name: string;
  readonly rmgr: string;
  /** Record type for `--stats=record`; undefined for per-rmgr rows. */
  readonly recordType: string | undefined;
  readonly count: number;
  readonly countPct: number;
  readonly recordSize: number;
  readonly recordPct: number;
  readonly fpiSize: number;
  readonly fpiPct: number;
  readonly combinedSize: number;
  readonly combinedPct: number;
  /** Line index in the text. */
  readonly line: number;
}

export interface WalStatsTotal {
  readonly count: number;
  readonly recordSize: number;
  /** Share of record data in the combined size, in percent. */
  readonly recordPct: number;
  readonly fpiSize: number;
  readonly fpiPct: number;
  readonly combinedSize: number;
  readonly line: number;
}

export interface WalStats {
  readonly startLsn: bigint | undefined;
  readonly endLsn: bigint | undefined;
  /** True when the rows are per record type (`--stats=record`). */
  readonly perRecord: boolean;
  readonly rows: readonly WalStatsRow[];
  readonly total: WalStatsTotal | undefined;
  readonly messages: readonly WaldumpMessageLine[];
  /** Lines that are none of the above, with their index. */
  readonly unparsed: readonly { readonly line: number; readonly text: string }[];
}

const HEADER = /^WAL statistics between ([0-9A-Fa-f]+\/[0-9A-Fa-f]+) and ([0-9A-Fa-f]+\/[0-9A-Fa-f]+):$/;
const NUM_PCT = String.raw`(\d+) \(\s*(\d+(?:\.\d+)?)\)`;
const ROW = new RegExp(String.raw`^(\S.*?)\s+${NUM_PCT}\s+${NUM_PCT}\s+${NUM_PCT}\s+${NUM_PCT}\s*$`);
const TOTAL = /^Total\s+(\d+)\s+(\d+) \[(\d+(?:\.\d+)?)%\]\s+(\d+) \[(\d+(?:\.\d+)?)%\]\s+(\d+) \[100%\]\s*$/;
const COLUMNS = /^Type\s+N\s+\(%\)\s+Record size\s+\(%\)\s+FPI size\s+\(%\)\s+Combined size\s+\(%\)\s*$/;
const RULES = /^[-\s]+$/;

export function parseWalStats(text: string): WalStats {
  let startLsn: bigint | undefined;
  let endLsn: bigint | undefined;
  let total: WalStatsTotal | undefined;
  const rows: WalStatsRow[] = [];
  const messages: WaldumpMessageLine[] = [];
  const unparsed: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '' || RULES.test(raw) || COLUMNS.test(raw)) return;
    const header = HEADER.exec(raw);
    if (header) {
      startLsn = parseLsn(header[1] ?? '');
      endLsn = parseLsn(header[2] ?? '');
      return;
    }
    const t = TOTAL.exec(raw);
    if (t) {
      total = {
        count: Number(t[1]), recordSize: Number(t[2]), recordPct: Number(t[3]),
        fpiSize: Number(t[4]), fpiPct: Number(t[5]), combinedSize: Number(t[6]), line: index,
      };
      return;
    }
    const r = ROW.exec(raw);
    if (r) {
      const name = r[1] ?? '';
      const slash = name.indexOf('/');
      rows.push({
        name,
        rmgr: slash < 0 ? name : name.slice(0, slash),
        recordType: slash < 0 ? undefined : name.slice(slash + 1),
        count: Number(r[2]), countPct: Number(r[3]),
        recordSize: Number(r[4]), recordPct: Number(r[5]),
        fpiSize: Number(r[6]), fpiPct: Number(r[7]),
        combinedSize: Number(r[8]), combinedPct: Number(r[9]),
        line: index,
      });
      return;
    }
    const m = parseMessageLine(raw);
    if (m) {
      messages.push(m);
      return;
    }
    unparsed.push({ line: index, text: raw });
  });
  return {
    startLsn, endLsn, total, rows, messages, unparsed,
    perRecord: rows.length > 0 && rows.every((r) => r.recordType !== undefined),
  };
}
