// A FULL STREAM backup through the extension's path (the wizard's choices → the core builder →
// the runner with every stderr line streamed into the --progress tracker and parsed) against
// the very same command line run by bash. Both run as the cluster's OS user, alternately, on a
// throwaway PostgreSQL 15 cluster with `pgbench -i -s 10` data; prints the ratio of medians.
// Needs PG_PROBACKUP (a pg_probackup 2.5 built for PostgreSQL 15); says why when it skips.
// Everything it makes (cluster, catalog) is removed at the end. It asserts nothing.
//   npx tsc -p tsconfig.json && PG_PROBACKUP=… node out/bench/backupRatio.js [rounds]
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCluster } from '../src/core/postgres/cluster';
import type { Cluster } from '../src/core/postgres/cluster';
import { installExitCleanup } from '../src/core/postgres/clusterRegistry';
import { debianInstallation, programPath } from '../src/core/postgres/installations';
import { backupOptionsFrom } from '../src/core/probackup/backupPlan';
import { addInstanceCommand, initCommand } from '../src/core/probackup/catalogCommands';
import { backupCommand, deleteCommand } from '../src/core/probackup/dataCommands';
import { versionCommand } from '../src/core/probackup/discovery';
import { commandLine } from '../src/core/probackup/format';
import { announcedBackupId } from '../src/core/probackup/logLines';
import { createProgressTracker } from '../src/core/probackup/progress';
import { run, runInvocation } from '../src/core/process/runner';
import type { RunOptions } from '../src/core/process/runner';

const MAJOR = 15;
const INSTANCE = 'main';

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const binary = process.env['PG_PROBACKUP'];
  if (!binary) {
    console.log('backup ratio (extension vs shell): skipped, PG_PROBACKUP is not set to a pg_probackup binary');
    return;
  }
  const rounds = Math.max(1, Number(process.argv[2] ?? 5));
  let version;
  try {
    version = await runInvocation(versionCommand(binary));
  } catch (e) {
    console.log(`backup ratio: skipped, ${binary} --version failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (version.server.major !== MAJOR) {
    console.log(`backup ratio: skipped, ${binary} is built for PostgreSQL ${version.server.major}, this bench runs PostgreSQL ${MAJOR}`);
    return;
  }
  let installation;
  try {
    installation = await debianInstallation(MAJOR);
  } catch (e) {
    console.log(`backup ratio: skipped, ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  installExitCleanup();
  let cluster: Cluster | undefined;
  let work: string | undefined;
  try {
    cluster = await createCluster({ installation, settings: { wal_level: 'replica', max_wal_senders: 4 } });
    const as: RunOptions = { ...cluster.runAs };
    const pgbench = await run(programPath(installation, 'pgbench'), ['-i', '-s', '10', '-q', 'postgres'], {
      ...as, env: { ...cluster.env, ...installation.env },
    });
    if (pgbench.exitCode !== 0) throw new Error(`pgbench -i failed: ${pgbench.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    work = mkdtempSync(path.join(os.tmpdir(), 'pgbs-bench-backup-'));
    chownSync(work, cluster.osUser.uid, cluster.osUser.gid);
    const catalog = path.join(work, 'catalog');
    await runInvocation(initCommand({ binary, catalog }), as);
    await runInvocation(addInstanceCommand({ binary, catalog, instance: INSTANCE, pgdata: cluster.dataDir }), as);
    const inv = backupCommand(backupOptionsFrom({
      binary, catalog, instance: INSTANCE,
      choices: { mode: 'FULL', stream: true, server: { host: cluster.host, port: cluster.port, user: cluster.superuser, database: 'postgres' } },
    }));
    const line = commandLine(inv);
    console.log(`backup ratio: ${rounds} rounds of \`${line.replace(work, '<tmp>')}\` on ${(await cluster.query<{ s: string }>("SELECT pg_size_pretty(pg_database_size('postgres')) AS s"))[0]?.s ?? '?'} of pgbench data`);
    const drop = async (backupId: string | undefined): Promise<void> => {
      if (backupId !== undefined) await runInvocation(deleteCommand({ binary, catalog, instance: INSTANCE, backupId }), as);
    };
    const ours: number[] = [];
    const shell: number[] = [];
    // This process's own CPU time during each run: what streaming and parsing cost us, free of
    // the noise of a shared machine (the wall-clock ratio is not).
    const ourCpu: number[] = [];
    const shellCpu: number[] = [];
    const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
    let lines = 0;
    let lastFraction = 0;
    for (let i = 0; i < rounds * 2; i++) {
      // Alternate which goes first, so that neither always meets a warm or a cold cache.
      const extensionTurn = (i % 2 === 0) === (Math.floor(i / 2) % 2 === 0);
      if (extensionTurn) {
        const tracker = createProgressTracker('backup');
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const out = await runInvocation(inv, {
          ...as,
          onStderrLine: (l) => {
            lines++;
            const s = tracker.push(l);
            if (s) lastFraction = s.fraction;
          },
        });
        ours.push(performance.now() - t0);
        ourCpu.push(cpuMs(process.cpuUsage(c0)));
        await drop(out.backupId);
      } else {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await run('bash', ['-c', line], { ...as, env: inv.env ?? {} });
        shell.push(performance.now() - t0);
        shellCpu.push(cpuMs(process.cpuUsage(c0)));
        if (r.exitCode !== 0) throw new Error(`the shell backup failed (${r.exitCode}): ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
        await drop(announcedBackupId(r.stderr));
      }
    }
    const mo = median(ours);
    const ms = median(shell);
    console.log(`backup ratio (extension path / shell), FULL STREAM: ${(mo / ms).toFixed(3)} (medians ${(mo / 1000).toFixed(2)} s vs ${(ms / 1000).toFixed(2)} s; `
      + `extension ${ours.map((x) => (x / 1000).toFixed(2)).join(', ')} s; shell ${shell.map((x) => (x / 1000).toFixed(2)).join(', ')} s; `
      + `${Math.round(lines / rounds)} stderr lines per backup, last progress ${(lastFraction * 100).toFixed(0)}%; target ≤ 1.02)`);
    console.log(`backup ratio: CPU of this process per backup (median): ${median(ourCpu).toFixed(1)} ms through the extension path vs ${median(shellCpu).toFixed(1)} ms waiting for bash`);
  } catch (e) {
    console.log(`backup ratio: failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (cluster) await cluster.remove().catch((e: unknown) => console.log(`backup ratio: removing the cluster failed: ${String(e)}`));
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

void main();
