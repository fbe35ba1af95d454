// Cancellation against a program that will not stop: a small Node program written at test time
// ignores SIGINT and SIGTERM (and so does the child it starts). The runner must send SIGINT,
// then SIGTERM after the grace period, then SIGKILL, and leave no process of the group behind.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessError, run } from '../../src/core/process/runner';
import { isAlive, waitUntilGone } from '../support/proc';

const STUBBORN = `
const { spawn } = require('node:child_process');
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => console.log((process.argv[2] || 'parent') + ' got ' + sig));
if (process.argv[2] === 'child') {
  console.log('child ' + process.pid);
} else {
  spawn(process.execPath, [__filename, 'child'], { stdio: 'inherit' });
}
setInterval(() => {}, 1000);
`;

describe('security: cancellation escalates to SIGKILL', function () {
  this.timeout(20_000);
  let dir = '';
  let script = '';

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgbs-stubborn-'));
    script = path.join(dir, 'stubborn.js');
    await writeFile(script, STUBBORN);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function cancelStubborn(abortAt: 'spawn' | 'ready'): Promise<void> {
    const controller = new AbortController();
    const lines: string[] = [];
    const at: Record<string, number> = {};
    let leader: number | undefined;
    let child: number | undefined;
    const graceMs = 400;
    const t0 = Date.now();
    const result = await run(process.execPath, [script], {
      signal: controller.signal,
      graceMs,
      onSpawn: (pid) => {
        leader = pid;
        if (abortAt === 'spawn') controller.abort();
      },
      onStdoutLine: (l) => {
        lines.push(l);
        at[l] = Date.now() - t0;
        if (l.startsWith('child ')) {
          child = Number(l.slice(6));
          if (abortAt === 'ready') setTimeout(() => controller.abort(), 100);
        }
      },
    });
    const elapsed = Date.now() - t0;
    assert.equal(result.cancelled, true);
    // Cancelled at once, Node may not have set its handlers yet and die of the SIGINT itself.
    if (abortAt === 'ready') assert.equal(result.exitCode, 128 + 9, 'the leader died of SIGKILL');
    else assert.ok(result.exitCode === 128 + 2 || result.exitCode === 128 + 9, `exit ${result.exitCode}`);
    assert.ok(leader !== undefined && !isAlive(leader));
    if (abortAt === 'ready') {
      assert.ok(child !== undefined);
      assert.ok(await waitUntilGone(child, 2000), `the grandchild ${child} is gone`);
      // Both saw SIGINT, then SIGTERM one grace period later; SIGKILL ended them.
      for (const who of ['parent', 'child']) {
        const int = at[`${who} got SIGINT`];
        const term = at[`${who} got SIGTERM`];
        assert.ok(int !== undefined && term !== undefined, `${who}: ${lines.join(' | ')}`);
        assert.ok(term - int >= graceMs - 50, `${who}: SIGTERM ${term - int} ms after SIGINT`);
      }
      assert.ok(elapsed >= 100 + 2 * graceMs - 50, `ended after ${elapsed} ms`);
    }
    assert.ok(elapsed < 100 + 2 * graceMs + 8000, `ended after ${elapsed} ms`);
  }

  it('ends a program that ignores SIGINT and SIGTERM, and its child, cancelled once both run', async () => {
    await cancelStubborn('ready');
  });

  it('ends it when cancelled right after the start', async () => {
    await cancelStubborn('spawn');
  });

  it('does not start a program when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(run(process.execPath, [script], { signal: controller.signal }), (e: unknown) => e instanceof ProcessError && e.code === 'cancelled');
  });
});
