// The real inputs the fuzz targets start from: the recorded tool output in the shared fixtures
// (read through fixture()), cut into the units each parser reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../support/paths';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Deterministic pick of at most `n` items spread over the list. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

export interface Corpus {
  /** Every JSON output of pg_probackup (show, show --archive, show-config). */
  readonly probackupJson: readonly string[];
  /** Every text log of pg_probackup (stderr of its runs), whole. */
  readonly probackupLogs: readonly string[];
  /** Single lines of those logs. */
  readonly probackupLines: readonly string[];
  /** Single pg_waldump output lines (15 and 17), record lines and the others. */
  readonly waldumpLines: readonly string[];
  /** Windows of consecutive pg_waldump lines (for the index). */
  readonly waldumpWindows: readonly string[];
  /** Whole --stats outputs. */
  readonly waldumpStats: readonly string[];
  /** LSNs and WAL file names seen in the fixtures. */
  readonly lsns: readonly string[];
  readonly walFileNames: readonly string[];
}

let cached: Corpus | undefined;

export function loadCorpus(): Corpus {
  if (cached) return cached;
  const pb = filesUnder(fixture('pg_probackup-2.5.16-pg15'));
  const wd = filesUnder(fixture('pg_waldump'));
  const read = (f: string): string => readFileSync(f, 'utf8');
  const probackupJson = pb.filter((f) => f.endsWith('.json')).map(read);
  const logTexts = pb.filter((f) => f.endsWith('.txt')).map(read);
  // Long runs (thousands of progress lines) are cut into windows: the head, the tail and a few
  // from the middle keep every kind of line while a run stays quick.
  const probackupLogs = logTexts.flatMap((t) => {
    if (t.length <= 16384) return [t];
    const lines = t.split('\n');
    const w = 120;
    const starts = [0, Math.floor(lines.length / 3), Math.floor((2 * lines.length) / 3), Math.max(0, lines.length - w)];
    return starts.map((a) => lines.slice(a, a + w).join('\n'));
  });
  const probackupLines = [...new Set(logTexts.flatMap((t) => t.split('\n')))].filter((l) => l !== '');

  const dumps = wd.filter((f) => !/stats|version|rmgr_list/.test(path.basename(f))).map(read);
  const allLines = dumps.flatMap((t) => t.split('\n'));
  // Many thousands of lines: a spread sample keeps every kind (records, blkref lines, messages).
  const waldumpLines = spread([...new Set(allLines)], 4000);
  const waldumpWindows: string[] = [];
  for (const t of dumps) {
    const lines = t.split('\n');
    for (let i = 0; i < lines.length && waldumpWindows.length < 400; i += Math.max(200, Math.floor(lines.length / 20))) {
      waldumpWindows.push(lines.slice(i, i + 150).join('\n'));
    }
  }
  const waldumpStats = wd.filter((f) => /stats/.test(path.basename(f))).map(read);
  const everything = [...logTexts, ...probackupJson, ...dumps.map((d) => d.slice(0, 200_000))].join('\n');
  const lsns = spread([...new Set(everything.match(/\b[0-9A-F]{1,8}\/[0-9A-F]{1,8}\b/g) ?? [])], 500);
  const walFileNames = spread([...new Set(everything.match(/\b[0-9A-F]{24}(?:\.(?:gz|lz4|zst|partial))?\b/g) ?? [])], 300);
  cached = { probackupJson, probackupLogs, probackupLines, waldumpLines, waldumpWindows, waldumpStats, lsns, walFileNames };
  return cached;
}
