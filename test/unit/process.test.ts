import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

  it('hides the PGPASSWORD value in stderr and its lines, but not in stdout', async () => {
    const secret = 'pw-Zq7:x';
    const lines: string[] = [];
    const result = await run(which('sh')!, ['-c', 'echo "out $PGPASSWORD"; echo "ERROR: bad $PGPASSWORD here" >&2; env >&2; exit 2'], {
      env: { PGPASSWORD: secret },
      onStderrLine: (l) => lines.push(l),
    });
    assert.equal(result.exitCode, 2);
    assert.equal(result.stdout, `out ${secret}\n`, 'stdout is the data and stays as printed');
    assert.ok(!result.stderr.includes(secret), result.stderr);
    assert.ok(result.stderr.includes('PGPASSWORD=***'), 'env printed to stderr shows the mask');
    assert.ok(lines.length > 1 && lines.every((l) => !l.includes(secret)));
  });

  it('hides extra secrets given in the options', async () => {
    const result = await run(which('sh')!, ['-c', 'echo "token abc123xyz" >&2'], { secrets: ['abc123xyz'] });
    assert.equal(result.stderr, 'token ***\n');
  });

  it('reports the pid of the started program, which leads its own process group', async () => {
    let pid: number | undefined;
    let pgrp: string | undefined;
    const result = await run(which('sh')!, ['-c', 'echo $$; sleep 0.2'], {
      onSpawn: (p) => {
        pid = p;
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        pgrp = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2];
      },
    });
    assert.equal(String(pid), result.stdout.trim());
    assert.equal(pgrp, String(pid));
  });

  it('a line callback that throws ends the program and rejects the run with that error', async () => {
    let pid = 0;
    const started = Date.now();
    await assert.rejects(run(which('sh')!, ['-c', 'echo first; sleep 30'], {
      graceMs: 500,
      onSpawn: (p) => {
        pid = p;
      },
      onStdoutLine: () => {
        throw new Error('consumer failed');
      },
    }), /consumer failed/);
    assert.ok(Date.now() - started < 5000, 'it did not wait for sleep 30');
    assert.ok(await waitUntilGone(pid));
  });

  it('an onSpawn that throws ends the program too', async () => {
    let pid = 0;
    await assert.rejects(run(which('sh')!, ['-c', 'sleep 30'], {
      graceMs: 500,
      onSpawn: (p) => {
        pid = p;
        throw new Error('no thanks');
      },
    }), /no thanks/);
    assert.ok(pid > 0 && await waitUntilGone(pid));
  });
});
