// `npm run fuzz`: every parser target with fast-check, PGBS_FUZZ_RUNS inputs in total (default
// 1,000,000) shared by the targets' weights. Real WAL segments and configuration files come
// from a throwaway PostgreSQL 15 cluster made now (with 1 MB segments), or from PGBS_FUZZ_WAL
// (segment files of one timeline, in order, separated by the path delimiter).
// Exits non-zero on any uncaught exception, any input slower than the limit, or missing WAL.
//
// Environment: PGBS_FUZZ_RUNS, PGBS_FUZZ_SEED (else random, printed), PGBS_FUZZ_TARGET (only
// targets whose name contains it), PGBS_FUZZ_PATH (replay a failure with its seed),
// PGBS_FUZZ_LIMIT_MS_PER_KB (default 100), PGBS_FUZZ_WAL, PGBS_FUZZ_SKIP_WAL=1 (run without
// the WAL target), PGBS_FUZZ_OUT (folder for slow or failing inputs; default a temp folder).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import { installExitCleanup } from '../../src/core/postgres/clusterRegistry';
import { installationFor } from '../support/clusters';
import { loadCorpus } from './corpus';
import { preview, runTarget } from './engine';
import type { TargetReport } from './engine';
import { buildTargets } from './targets';
import type { ExtraInputs } from './targets';
import { clusterInputs } from './walSegments';

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number, not ${v}`);
  return Math.floor(n);
}

async function extraInputs(): Promise<{ extra: ExtraInputs; note: string }> {
  const given = process.env['PGBS_FUZZ_WAL'];
  if (given) {
    const files = given.split(path.delimiter).filter((f) => f !== '');
    return { extra: { walSegments: files.map((f) => new Uint8Array(readFileSync(f))) }, note: `WAL from ${files.length} given segment(s)` };
  }
  if (process.env['PGBS_FUZZ_SKIP_WAL'] === '1') return { extra: {}, note: 'WAL target skipped (PGBS_FUZZ_SKIP_WAL=1)' };
  installExitCleanup();
  const started = performance.now();
  const cluster = await createCluster({ installation: await installationFor(15), initdbArgs: ['--wal-segsize=1'] });
  try {
    const inputs = await clusterInputs(cluster);
    const ms = performance.now() - started;
    return { extra: inputs, note: `WAL: ${inputs.walSegments.length} segment(s) of 1 MB from a PostgreSQL ${cluster.installation.version} cluster made in ${(ms / 1000).toFixed(1)} s` };
  } finally {
    await cluster.remove();
  }
}

async function main(): Promise<number> {
  const total = envInt('PGBS_FUZZ_RUNS', 1_000_000);
  const baseSeed = envInt('PGBS_FUZZ_SEED', Math.floor(Math.random() * 0x7fffffff));
  const limit = envInt('PGBS_FUZZ_LIMIT_MS_PER_KB', 100);
  const only = process.env['PGBS_FUZZ_TARGET'];
  const replayPath = process.env['PGBS_FUZZ_PATH'];
  const outDir = process.env['PGBS_FUZZ_OUT'] ?? path.join(os.tmpdir(), `pgbs-fuzz-${baseSeed}`);

  const { extra, note } = await extraInputs();
  console.log(note);
  const all = buildTargets(loadCorpus(), extra);
  // An exact name picks that target alone (as the replay lines print it); otherwise a substring.
  const exact = all.filter((t) => t.name === only);
  const targets = exact.length > 0 ? exact : all.filter((t) => only === undefined || t.name.includes(only));
  const weights = targets.reduce((s, t) => s + t.weight, 0);
  console.log(`fuzzing ${targets.length} targets, ${total} inputs in total, seed ${baseSeed}, limit ${limit} ms/kB`);

  const reports: TargetReport[] = [];
  const started = performance.now();
  for (const [i, t] of targets.entries()) {
    const runs = Math.max(1, Math.round((total * t.weight) / weights));
    // Each target has its own seed, so one can be replayed alone with PGBS_FUZZ_TARGET.
    const seed = only !== undefined ? baseSeed : (baseSeed + all.indexOf(t) * 7919) | 0;
    const r = await runTarget(t, { runs, seed, limitMsPerKb: limit, ...(replayPath !== undefined ? { path: replayPath } : {}) });
    reports.push(r);
    const slow = r.slowest ? `${r.slowest.msPerKb.toFixed(2)} ms/kB (${r.slowest.ms.toFixed(1)} ms for ${r.slowest.bytes} B)` : '-';
    console.log(`${String(i + 1).padStart(2)}. ${t.name}: ${r.runs} runs in ${(r.elapsedMs / 1000).toFixed(1)} s, ` +
      `${r.uncaught} uncaught, slowest ${slow}, ${r.offenders.length} over the limit`);
  }
  const elapsed = (performance.now() - started) / 1000;

  let failed = extra.walSegments === undefined && process.env['PGBS_FUZZ_SKIP_WAL'] !== '1';
  const save = (name: string, input: unknown): string => {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, name.replace(/[^\w.-]+/g, '_'));
    writeFileSync(file, input instanceof Uint8Array ? input : JSON.stringify(input));
    return file;
  };
  for (const r of reports) {
    if (r.failure) {
      failed = true;
      console.log(`\nUNCAUGHT in ${r.name}: ${r.failure.error.split('\n').slice(0, 6).join('\n  ')}`);
      console.log(`  input: ${preview(r.failure.input)}\n  saved: ${save(`${r.name}-uncaught`, r.failure.input)}`);
      console.log(`  replay: PGBS_FUZZ_TARGET=${JSON.stringify(r.name)} PGBS_FUZZ_SEED=${r.failure.seed} PGBS_FUZZ_PATH=${JSON.stringify(r.failure.path ?? '')} npm run fuzz`);
    }
    for (const [k, o] of r.offenders.slice(0, 5).entries()) {
      failed = true;
      console.log(`\nSLOW in ${r.name}: ${o.msPerKb.toFixed(1)} ms/kB (${o.ms.toFixed(1)} ms, ${o.bytes} B), run #${o.index} of seed ${r.seed}`);
      console.log(`  input: ${preview(o.input)}\n  saved: ${save(`${r.name}-slow-${k}`, o.input)}`);
    }
  }
  const runs = reports.reduce((s, r) => s + r.runs, 0);
  const uncaught = reports.reduce((s, r) => s + r.uncaught, 0);
  const offenders = reports.reduce((s, r) => s + r.offenders.length, 0);
  console.log(`\n${runs} inputs in ${elapsed.toFixed(1)} s: ${uncaught} uncaught exceptions, ${offenders} inputs over ${limit} ms/kB`);
  if (extra.walSegments === undefined && process.env['PGBS_FUZZ_SKIP_WAL'] !== '1') console.log('no WAL segments: the WAL reader was not fuzzed');
  return failed ? 1 : 0;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 2;
});
