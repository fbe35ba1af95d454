// Lists records with the built-in WAL reader as pg_waldump lines, for when no pg_waldump of the
// segment's major is installed or no program may run. Applies the same filters pg_waldump would,
// and yields to the event loop every few thousand records so a window never freezes.
import { formatBuiltinRecord } from './viewerRecordFormat';
import type { DumpSource, WaldumpFilters } from './viewerRange';
import { WalReader } from './walReader';
import { fileSegmentSource } from './walReaderSource';
import type { WalReadEnd, WalRecord } from './walReaderTypes';

export interface BuiltinDumpOptions {
  /** Segment files in order: the first is where reading starts. */
  readonly files: readonly string[];
  readonly source: DumpSource;
  readonly filters?: WaldumpFilters;
  /** Only the records that start in the first file (one segment opened alone). */
  readonly singleSegment?: boolean;
  readonly signal?: AbortSignal;
  readonly onLine: (line: string) => void;
}

export interface BuiltinDumpResult {
  readonly records: number;
  readonly end: WalReadEnd | undefined;
  readonly major: number | undefined;
}

/** Whether a decoded record passes pg_waldump-style filters. */
export function builtinRecordMatches(r: WalRecord, f: WaldumpFilters): boolean {
  if (f.rmgr !== undefined && r.rmgr.toLowerCase() !== f.rmgr.toLowerCase()) return false;
  if (f.xid !== undefined && r.xid !== f.xid) return false;
  if (f.relation !== undefined || f.block !== undefined || f.fork !== undefined || f.fpw) {
    return r.blocks.some((b) =>
      (f.relation === undefined || `${b.spcOid}/${b.dbOid}/${b.relNumber}` === f.relation) &&
      (f.block === undefined || b.block === f.block) &&
      (f.fork === undefined || b.forkName === f.fork) &&
      (!f.fpw || b.image !== undefined));
  }
  return true;
}

const YIELD_EVERY = 5000;

export async function builtinDump(options: BuiltinDumpOptions): Promise<BuiltinDumpResult> {
  const reader = new WalReader(fileSegmentSource(options.files), options.singleSegment ? { singleSegment: true } : {});
  const filters = options.filters ?? {};
  const start = options.source.startLsn;
  const end = options.source.endLsn;
  let records = 0;
  let n = 0;
  for (;;) {
    if (options.signal?.aborted) {
      reader.close();
      break;
    }
    const r = reader.next();
    if (r === undefined) break;
    if (++n % YIELD_EVERY === 0) await new Promise((res) => setImmediate(res));
    if (start !== undefined && r.lsn < start) continue;
    if (end !== undefined && r.lsn >= end) {
      reader.close();
      break;
    }
    if (!builtinRecordMatches(r, filters)) continue;
    options.onLine(formatBuiltinRecord(r));
    records++;
  }
  return { records, end: reader.end, major: reader.info?.major };
}
