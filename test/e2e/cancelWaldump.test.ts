// Cancelling a real long-running program: `pg_waldump --follow` on the WAL of a live
// PostgreSQL 15 cluster (run as the cluster's OS user) never ends by itself. Cancelled at once,
// after its first line and after thousands of lines while the server writes WAL, it is ended by
// the first signal (SIGINT), and no process of its group is left. Also once it has caught up and
// sleeps waiting for more WAL.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { programPath } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import type { RunResult } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { groupMembers, isAlive } from '../support/proc';


/** Live processes running `binary` with `needle` among their arguments. */
function processesOf(binary: string, needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv[0] === binary && argv.includes(needle) && isAlive(Number(d))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

describe('cancellation: pg_waldump --follow on a live cluster (e2e)', function () {
  this.timeout(120_000);
  const handle = useCluster(15);

  async function follow(cancelWhen: 'at-once' | 'first-line' | 'many-lines' | 'idle'): Promise<{ result: RunResult; pid: number; lines: number; cancelMs: number }> {
    const c = handle.cluster;
    const waldump = programPath(c.installation, 'pg_waldump');
    const walDir = path.join(c.dataDir, 'pg_wal');
    // From the first record of the oldest segment there: everything written so far, then it follows.
    const first = readdirSync(walDir).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort()[0] ?? '';
    if (cancelWhen !== 'at-once') await c.query('CREATE TABLE IF NOT EXISTS w (i int, t text)');
    const controller = new AbortController();
    let pid = 0;
    let lines = 0;
    let abortedAt = 0;
    let writing: Promise<unknown> | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    const abort = (): void => {
      if (abortedAt === 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    };
    const pending = run(waldump, ['--follow', '--path', walDir, first], {
      ...c.runAs,
      env: c.installation.env,
      signal: controller.signal,
      collectStdout: false,
      graceMs: 5000,
      onSpawn: (p) => {
        pid = p;
        if (cancelWhen === 'at-once') abort();
      },
      onStdoutLine: () => {
        lines++;
        if (cancelWhen === 'first-line') abort();
        if (cancelWhen === 'many-lines' && lines >= 3000) abort();
        // Caught up: no new line for 800 ms, it sleeps waiting for more WAL.
        if (cancelWhen === 'idle') {
          clearTimeout(idleTimer);
          idleTimer = setTimeout(abort, 800);
        }
      },
    });
    // While it follows, the server writes WAL for it to print.
    if (cancelWhen !== 'at-once') writing = c.query("INSERT INTO w SELECT g, 'x' FROM generate_series(1, 20000) g");
    const result = await pending;
    await writing;
    return { result, pid, lines, cancelMs: performance.now() - abortedAt };
  }

  for (const when of ['at-once', 'first-line', 'many-lines', 'idle'] as const) {
    it(`cancelled ${when}: ended by the SIGINT, nothing of its group survives`, async () => {
      const { result, pid, lines, cancelMs } = await follow(when);
      assert.equal(result.cancelled, true, `exit ${result.exitCode}, ${lines} lines, stderr: ${result.stderr}`);
      assert.ok(pid > 0);
      // The first signal ended it, well inside the 5 s grace period: pg_waldump 15 catches SIGINT
      // and exits 0 once it is up (to print --stats); before its handler is set, SIGINT kills it.
      assert.ok(result.exitCode === 0 || result.exitCode === 128 + 2, `exit ${result.exitCode} after ${lines} lines: ${result.stderr}`);
      assert.ok(cancelMs < 2000, `${cancelMs.toFixed(0)} ms from cancel to the end`);
      if (when === 'first-line') assert.ok(lines >= 1);
      if (when === 'many-lines') assert.ok(lines >= 3000, `${lines} lines`);
      assert.ok(!isAlive(pid), `pg_waldump ${pid} is gone`);
      assert.deepEqual(groupMembers(pid), [], 'no process of its group is left');
      assert.deepEqual(processesOf(programPath(handle.cluster.installation, 'pg_waldump'), path.join(handle.cluster.dataDir, 'pg_wal')), []);
    });
  }
});
