// Measures the built-in WAL reader against pg_waldump 15 on the same 16 MB segments. Prints
// numbers and ratios; it asserts nothing (benchmarks are never tests).
//   npx tsc -p tsconfig.json && node out/bench/walReader.js [SEGMENT ...] [rounds] [--keep DIR]
// Without segments it makes two in a throwaway PostgreSQL 15 cluster:
//   pgbench  the first full segment written by `pgbench -N` (small records, few page images);
//   images   the first full segment after a CHECKPOINT followed by an UPDATE that touches every
//            page of pgbench_accounts, so nearly every record carries a full-page image and
//            nearly all bytes pass through the CRC.
// --keep DIR copies the made segments there, to measure them again later without a cluster.
// It needs Debian's PostgreSQL 15 (pg_waldump, pgbench).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import type { Cluster } from '../src/core/postgres/cluster';
import { debianInstallation, programPath } from '../src/core/postgres/installations';
import type { PgInstallation } from '../src/core/postgres/installations';
import { run } from '../src/core/process/runner';
import { crc32cLongInputs } from '../src/core/waldump/crc32c';
import { listSegment } from '../src/core/waldump/walReaderList';
import { readSegmentOnce } from './walReaderOnce';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

interface Made {
  readonly label: string;
  readonly file: string;
}

async function currentWal(cluster: Cluster): Promise<{ f: string; lsn: string }> {
  const [row] = await cluster.query<{ f: string; lsn: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f, pg_current_wal_lsn()::text AS lsn');
  if (row === undefined) throw new Error('no current WAL position');
  return row;
}

async function walSince(cluster: Cluster, lsn: string): Promise<number> {
  const [d] = await cluster.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d', [lsn]);
  return Number(d?.d);
}

/** The first segment written wholly after `start`: the one after the segment `start` lies in. */
function segmentAfter(names: readonly string[], start: string): string {
  const pick = names.find((n) => n > start);
  if (pick === undefined) throw new Error(`no WAL segment after ${start}`);
  return pick;
}

async function makeSegments(inst: PgInstallation, outDir: string): Promise<Made[]> {
  const cluster = await createCluster({ installation: inst, settings: { max_wal_size: '1GB', wal_keep_size: '1GB', checkpoint_timeout: '1h' } });
  try {
    const pgbench = programPath(inst, 'pgbench');
    const env = { ...cluster.env };
    const init = await run(pgbench, ['-i', '-s', '5', '-q'], { env, ...cluster.runAs });
    if (init.exitCode !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);

    // pgbench -N until the segment after the starting one is full.
    const bench = await currentWal(cluster);
    for (let i = 0; i < 20 && (await walSince(cluster, bench.lsn)) <= 2 * 16 * 1024 * 1024; i++) {
      const b = await run(pgbench, ['-N', '-c', '2', '-T', '3'], { env, ...cluster.runAs });
      if (b.exitCode !== 0) throw new Error(`pgbench failed: ${b.stderr}`);
    }

    // After a checkpoint the first change of each page logs the whole page. pgbench_accounts at
    // scale 5 has ~8200 heap pages of ~61 rows; every 50th row touches each page about once,
    // so the UPDATE writes ~64 MB of WAL that is mostly 8 KB images.
    await cluster.query('CHECKPOINT');
    const images = await currentWal(cluster);
    await cluster.query('UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 50 = 0');
    const imageBytes = await walSince(cluster, images.lsn);
    if (imageBytes <= 2 * 16 * 1024 * 1024) throw new Error(`the UPDATE wrote only ${imageBytes} bytes of WAL`);

    await cluster.query('SELECT pg_switch_wal()');
    await cluster.stop();
    const walDir = path.join(cluster.dataDir, 'pg_wal');
    const names = readdirSync(walDir).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort();
    return [
      { label: 'pgbench', name: segmentAfter(names, bench.f) },
      { label: 'images', name: segmentAfter(names, images.f) },
    ].map(({ label, name }) => {
      // pg_waldump learns the timeline and segment number from the file name: keep it.
      mkdirSync(path.join(outDir, label), { recursive: true });
      const file = path.join(outDir, label, name);
      copyFileSync(path.join(walDir, name), file);
      return { label, file };
    });
  } finally {
    await cluster.remove();
  }
}

interface Child {
  readonly records: number;
  readonly readyMs: number;
  readonly firstMs: number;
  readonly firstCpuMs: number;
}

async function measure(made: Made, pgWaldump: string, rounds: number): Promise<void> {
  const segment = made.file;
  const dumpMs: number[] = [];
  const wallMs: number[] = [];
  const readyMs: number[] = [];
  const firstMs: number[] = [];
  const firstCpuMs: number[] = [];
  const warm: number[] = [];
  const warmFormat: number[] = [];
  let records = 0;
  let dumpLines = 0;
  // How image-heavy the segment is (this read also warms this process's JIT).
  const fpw = listSegment(segment).records.reduce((n, r) => n + r.blocks.filter((b) => b.image !== undefined).length, 0);
  for (let i = 0; i < rounds; i++) {
    // pg_waldump prints every record of the segment as text (its normal use), stdout to a pipe.
    let lines = 0;
    const d = await run(pgWaldump, [segment, segment], { collectStdout: false, onStdoutLine: () => lines++ });
    if (lines === 0) throw new Error(`pg_waldump printed nothing: ${d.stderr}`);
    dumpMs.push(d.durationMs);
    dumpLines = lines;
    // Our reader in a fresh Node process: process start, cold JIT, like pg_waldump's.
    const c = await run(process.execPath, [path.join(__dirname, 'walReaderOnce.js'), segment]);
    if (c.exitCode !== 0) throw new Error(`walReaderOnce failed: ${c.stderr}`);
    const child = JSON.parse(c.stdout.trim()) as Child;
    wallMs.push(c.durationMs);
    readyMs.push(child.readyMs);
    firstMs.push(child.firstMs);
    firstCpuMs.push(child.firstCpuMs);
    const w = readSegmentOnce(segment, false);
    records = w.records;
    warm.push(w.ms);
    warmFormat.push(readSegmentOnce(segment, true).ms);
  }
  const dm = median(dumpMs);
  const line = (what: string, ms: number): void => {
    console.log(`  ${what.padEnd(58)} median ${ms.toFixed(1).padStart(7)} ms  ratio ${(ms / dm).toFixed(2)}`);
  };
  console.log(`[${made.label}] ${path.basename(segment)}: ours ${records} records (${fpw} page images), pg_waldump ${dumpLines} lines`);
  console.log(`  ${'pg_waldump 15 process (text to a pipe)'.padEnd(58)} median ${dm.toFixed(1).padStart(7)} ms`);
  line('ours, fresh node process, total wall', median(wallMs));
  console.log(`  ${'  of which node start-up and module load'.padEnd(58)} median ${median(readyMs).toFixed(1).padStart(7)} ms`);
  line('  of which the read = a first read in a running process', median(firstMs));
  console.log(`  ${'    (cold JIT; its CPU time in all threads)'.padEnd(58)} median ${median(firstCpuMs).toFixed(1).padStart(7)} ms`);
  line('ours, warm, in this process', median(warm));
  line('ours, warm, plus a text line per record', median(warmFormat));
  console.log(`  throughput (warm): ${(16 / (median(warm) / 1000)).toFixed(0)} MB/s, ${(records / (median(warm) / 1000) / 1e6).toFixed(2)} M records/s`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keepAt = args.indexOf('--keep');
  const keep = keepAt >= 0 ? args.splice(keepAt, 2)[1] : undefined;
  const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? '7');
  const given = args.filter((a) => !/^\d+$/.test(a));
  const inst = await debianInstallation(15);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-walbench-'));
  try {
    const segments = given.length > 0
      ? given.map((file) => ({ label: path.basename(path.dirname(file)), file }))
      : await makeSegments(inst, keep ?? tmp);
    const pgWaldump = programPath(inst, 'pg_waldump');
    console.log(`built-in WAL reader vs pg_waldump 15, ${rounds} rounds, CRC of long inputs in ${crc32cLongInputs()}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const s of segments) await measure(s, pgWaldump, rounds);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
