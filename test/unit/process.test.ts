import * as assert from 'node:assert/strict';
import { splitLines } from '../../src/core/process/lines';
import { ProcessError, run } from '../../src/core/process/runner';
import { which } from '../../src/core/process/which';
import { waitUntilGone } from '../support/proc';

describe('process runner', () => {
  it('splits lines across chunks and CRLF', () => {
    const lines: string[] = [];
    const s = splitLines((l) => lines.push(l));
    s.push('ab');
    s.push('c\r\nde');
    s.push('f\n\ng');
    s.end();
    assert.deepEqual(lines, ['abc', 'def', '', 'g']);
  });

  it('runs a real program with an argv array, no shell', async () => {
    const sh = which('sh');
    assert.ok(sh, 'sh on PATH');
    const result = await run(sh, ['-c', 'printf "%s\\n" "$1"; echo err >&2; exit 3', 'x', 'a b; $(echo no)']);
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'a b; $(echo no)\n');
    assert.equal(result.stderr, 'err\n');
  });

  it('passes the environment to the child only', async () => {
    const result = await run(which('sh')!, ['-c', 'printf %s "$PGPASSWORD"'], { env: { PGPASSWORD: 's3cret' } });
    assert.equal(result.stdout, 's3cret');
    assert.equal(process.env['PGPASSWORD'], undefined);
  });

  it('reports death by a signal as exit code 128+n, not as a failure to start', async () => {
    const result = await run(which('sh')!, ['-c', 'kill -TERM $$']);
    assert.equal(result.exitCode, 128 + 15);
    assert.equal(result.cancelled, false);
  });

  it('reports a missing program with a typed error', async () => {
    await assert.rejects(run('/nonexistent/program', []), (e: unknown) => e instanceof ProcessError && e.code === 'not-found');
  });

  it('ends the whole process group on cancel, SIGINT first', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    // The shell traps INT and reports it; its grandchild sleep must not survive either.
    const script = 'trap "echo got-int; exit 130" INT; sleep 30 & echo "child $!"; wait';
    const pending = run(which('sh')!, ['-c', script], {
      signal: controller.signal,
      graceMs: 2000,
      onStdoutLine: (l) => {
        lines.push(l);
        if (l.startsWith('child ')) controller.abort();
      },
    });
    const result = await pending;
    assert.equal(result.cancelled, true);
    assert.ok(lines.includes('got-int'), `lines: ${lines.join('|')}`);
    const childPid = Number(lines.find((l) => l.startsWith('child '))!.slice(6));
    assert.ok(await waitUntilGone(childPid), `the grandchild ${childPid} was ended too`);
    assert.equal(result.exitCode, 130);
  });
});
