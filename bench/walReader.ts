// Measures the built-in WAL reader against pg_waldump 15 on the same 16 MB segment. Prints
// numbers and ratios; it asserts nothing (benchmarks are never tests).
//   npx tsc -p tsconfig.json && node out/bench/walReader.js [SEGMENT_FILE] [rounds]
// Without a segment it makes one: a throwaway PostgreSQL 15 cluster, `pgbench -N` for a few
// seconds, and the first full segment after it. It needs Debian's PostgreSQL 15 (pg_waldump).
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import { debianInstallation, programPath } from '../src/core/postgres/installations';
import type { PgInstallation } from '../src/core/postgres/installations';
import { run } from '../src/core/process/runner';
import { readSegmentOnce } from './walReaderOnce';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function makeSegment(inst: PgInstallation, outDir: string): Promise<string> {
  const cluster = await createCluster({ installation: inst, settings: { max_wal_size: '1GB', wal_keep_size: '1GB', checkpoint_timeout: '1h' } });
  try {
    const pgbench = programPath(inst, 'pgbench');
    const env = { ...cluster.env };
    const init = await run(pgbench, ['-i', '-s', '5', '-q'], { env, ...cluster.runAs });
    if (init.exitCode !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
    const [start] = await cluster.query<{ f: string; lsn: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f, pg_current_wal_lsn()::text AS lsn');
    // Run pgbench -N until the segment after the starting one is full.
    for (let i = 0; i < 20; i++) {
      const b = await run(pgbench, ['-N', '-c', '2', '-T', '3'], { env, ...cluster.runAs });
      if (b.exitCode !== 0) throw new Error(`pgbench failed: ${b.stderr}`);
      const [d] = await cluster.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d', [start?.lsn]);
      if (Number(d?.d) > 2 * 16 * 1024 * 1024) break;
    }
    await cluster.query('SELECT pg_switch_wal()');
    await cluster.stop();
    const walDir = path.join(cluster.dataDir, 'pg_wal');
    const names = readdirSync(walDir).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort();
    // The first segment wholly written by pgbench -N: the one after the segment it started in.
    const pick = names.find((n) => start !== undefined && n > start.f) ?? names[0];
    if (pick === undefined) throw new Error('no WAL segment was written');
    const dest = path.join(outDir, pick);
    copyFileSync(path.join(walDir, pick), dest);
    return dest;
  } finally {
    await cluster.remove();
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[3] ?? '7');
  const inst = await debianInstallation(15);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-walbench-'));
  try {
    const given = process.argv[2];
    const segment = given !== undefined && given !== '' ? given : await makeSegment(inst, tmp);
    const pgWaldump = programPath(inst, 'pg_waldump');
    console.log(`segment ${segment}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    const dumpMs: number[] = [];
    const childMs: number[] = [];
    const coldMs: number[] = [];
    const warm: number[] = [];
    const warmFormat: number[] = [];
    let records = 0;
    let dumpLines = 0;
    for (let i = 0; i < rounds; i++) {
      // pg_waldump prints every record of the segment as text (its normal use), stdout to a pipe.
      let lines = 0;
      const d = await run(pgWaldump, [segment, segment], { collectStdout: false, onStdoutLine: () => lines++ });
      dumpMs.push(d.durationMs);
      dumpLines = lines;
      // Our reader in a fresh Node process: cold JIT, process start included, like pg_waldump's.
      const c = await run(process.execPath, [path.join(__dirname, 'walReaderOnce.js'), segment]);
      childMs.push(c.durationMs);
      coldMs.push(Number(c.stdout.trim().split(' ')[1]));
      const w = readSegmentOnce(segment, false);
      records = w.records;
      warm.push(w.ms);
      warmFormat.push(readSegmentOnce(segment, true).ms);
    }
    const dm = median(dumpMs);
    console.log(`records: ours ${records}, pg_waldump lines ${dumpLines}`);
    console.log(`pg_waldump 15 (process, text to a pipe)   median ${dm.toFixed(1)} ms`);
    console.log(`ours, fresh node process (total wall)     median ${median(childMs).toFixed(1)} ms  ratio ${(median(childMs) / dm).toFixed(2)}`);
    console.log(`ours, reading time in that cold process   median ${median(coldMs).toFixed(1)} ms  ratio ${(median(coldMs) / dm).toFixed(2)}`);
    console.log(`ours, warm, in process                    median ${median(warm).toFixed(1)} ms  ratio ${(median(warm) / dm).toFixed(2)}`);
    console.log(`ours, warm, plus a text line per record   median ${median(warmFormat).toFixed(1)} ms  ratio ${(median(warmFormat) / dm).toFixed(2)}`);
    console.log(`throughput (warm): ${(16 / (median(warm) / 1000)).toFixed(0)} MB/s, ${(records / (median(warm) / 1000) / 1e6).toFixed(2)} M records/s`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
