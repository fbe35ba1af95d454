// Opens a whole busy 16 MB segment in the WAL viewer's model (pg_waldump streamed line by line
// into the pager, pages spooled to temp files, the first page read back and indexed for hovers)
// and compares it with pg_waldump alone on the same segment (stdout drained, nothing kept).
// Prints sizes, times and ratios; it asserts nothing (benchmarks are never tests).
//   npx tsc -p tsconfig.json && node out/bench/viewerOpen.js [SEGMENT_FILE] [rounds]
// Without a segment it makes one with pgbench -N on a throwaway PostgreSQL 15 cluster.
import { chmodSync, statSync, closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import { debianInstallation, programPath } from '../src/core/postgres/installations';
import type { PgInstallation } from '../src/core/postgres/installations';
import { run } from '../src/core/process/runner';
import { WaldumpIndex } from '../src/core/waldump/dumpIndex';
import { DEFAULT_PAGE_LIMITS, DumpPager } from '../src/core/waldump/viewerPaging';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function makeSegment(inst: PgInstallation, outDir: string): Promise<string> {
  const base = mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-viewerbench-'));
  chmodSync(base, 0o755);
  const cluster = await createCluster({ installation: inst, baseDir: base, settings: { max_wal_size: '1GB', wal_keep_size: '1GB', checkpoint_timeout: '1h', synchronous_commit: 'off', fsync: 'off' } });
  try {
    const pgbench = programPath(inst, 'pgbench');
    const env = { ...cluster.env };
    const init = await run(pgbench, ['-i', '-s', '1', '-q'], { env, ...cluster.runAs });
    if (init.exitCode !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
    const [start] = await cluster.query<{ f: string; lsn: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f, pg_current_wal_lsn()::text AS lsn');
    for (let i = 0; i < 40; i++) {
      const b = await run(pgbench, ['-N', '-c', '4', '-T', '3'], { env, ...cluster.runAs });
      if (b.exitCode !== 0) throw new Error(`pgbench failed: ${b.stderr}`);
      const [d] = await cluster.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d', [start?.lsn]);
      if (Number(d?.d) > 4 * 16 * 1024 * 1024) break;
    }
    // The segment before the current one: wholly written by pgbench -N.
    const [full] = await cluster.query<{ f: string }>("SELECT pg_walfile_name(pg_current_wal_lsn() - 16777216) AS f");
    const walDir = path.join(cluster.dataDir, 'pg_wal');
    const pick = full?.f;
    if (pick === undefined || !readdirSync(walDir).includes(pick)) throw new Error('no full WAL segment was written');
    const dest = path.join(outDir, pick);
    copyFileSync(path.join(walDir, pick), dest);
    return dest;
  } finally {
    await cluster.remove();
    rmSync(base, { recursive: true, force: true });
  }
}

interface ViewerRun { ms: number; records: number; lines: number; chars: number; pages: number; firstPageIndexMs: number }

/** What the viewer does to open a segment, without the editor. */
async function viewerOpen(pgWaldump: string, segment: string, spool: string): Promise<ViewerRun> {
  const t0 = performance.now();
  const fds = new Map<number, number>();
  const file = (p: number): string => path.join(spool, `page-${p}.txt`);
  const pager = new DumpPager({
    write: (p, text) => {
      let fd = fds.get(p);
      if (fd === undefined) fds.set(p, (fd = openSync(file(p), 'w')));
      writeSync(fd, text);
    },
    pageDone: (p) => {
      const fd = fds.get(p.index);
      if (fd !== undefined) closeSync(fd);
      fds.delete(p.index);
    },
  });
  const stderr: string[] = [];
  await run(pgWaldump, [segment], { collectStdout: false, onStdoutLine: (l) => pager.addLine(l), onStderrLine: (l) => stderr.push(l) });
  for (const l of stderr) pager.addLine(l);
  pager.end();
  const t1 = performance.now();
  // The editor shows page 1: read it back and index it (what the first hover or go-to needs).
  WaldumpIndex.of(readFileSync(file(0), 'utf8'));
  const t2 = performance.now();
  const chars = pager.pages.reduce((n, p) => n + p.chars, 0);
  return { ms: t2 - t0, records: pager.recordCount, lines: pager.lineCount, chars, pages: pager.pages.length, firstPageIndexMs: t2 - t1 };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[3] ?? '5');
  const inst = await debianInstallation(15);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-viewerbench-'));
  try {
    const given = process.argv[2];
    const segment = given !== undefined && given !== '' ? given : await makeSegment(inst, process.env['PGBS_BENCH_KEEP'] ?? tmp);
    const pgWaldump = programPath(inst, 'pg_waldump');
    console.log(`viewer open: segment ${path.basename(segment)} (${statSync(segment).size / 1048576} MB); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const raw: number[] = [];
    const viewer: number[] = [];
    const index: number[] = [];
    let last: ViewerRun | undefined;
    for (let i = 0; i < rounds; i++) {
      raw.push((await run(pgWaldump, [segment], { collectStdout: false })).durationMs);
      const spool = mkdtempSync(path.join(tmp, 'spool-'));
      last = await viewerOpen(pgWaldump, segment, spool);
      viewer.push(last.ms);
      index.push(last.firstPageIndexMs);
      rmSync(spool, { recursive: true, force: true });
    }
    if (!last) return;
    console.log(`  dump: ${last.records} records, ${last.lines} lines, ${(last.chars / 1048576).toFixed(1)} MB of text -> ${last.pages} page(s) of <= ${DEFAULT_PAGE_LIMITS.maxRecords} records`);
    console.log(`  VS Code limits: tokenization off above 20 MB or 300,000 lines, no extension sync above 50 MB; largest page ${(Math.max(...[last.chars / last.pages]) / 1048576).toFixed(1)} MB on average`);
    console.log(`  raw pg_waldump seg (stdout drained): ${median(raw).toFixed(0)} ms (median of ${rounds})`);
    console.log(`  viewer model (stream, page, spool, index page 1): ${median(viewer).toFixed(0)} ms, of which indexing page 1 ${median(index).toFixed(0)} ms`);
    console.log(`  ratio viewer / raw pg_waldump: ${(median(viewer) / median(raw)).toFixed(2)}x (target <= 1.3x)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.log(`viewer open: ${e instanceof Error ? e.message : String(e)}`);
});
