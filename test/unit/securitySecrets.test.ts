// Secrets at the argv level: every pg_probackup builder, given a password, keeps it out of argv
// and out of the command line we log, and hands it over only as PGPASSWORD; a failed run whose
// program prints its whole environment still gives error texts without it. Also the temporary
// password file: mode 0600 in a private folder, removed afterwards even when the user fails.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import * as catalogCommands from '../../src/core/probackup/catalogCommands';
import * as dataCommands from '../../src/core/probackup/dataCommands';
import * as discovery from '../../src/core/probackup/discovery';
import type { ConnectionOptions } from '../../src/core/probackup/commandArgs';
import { ProbackupError } from '../../src/core/probackup/probackupError';
import { passfileText, withPassfile } from '../../src/core/process/passfile';
import { redact, secretsOf } from '../../src/core/process/redact';
import { ProcessError, run, runInvocation } from '../../src/core/process/runner';
import type { Invocation } from '../../src/core/process/runner';
import { which } from '../../src/core/process/which';
import { commandLine, describeEnv } from '../../src/core/probackup/format';

const B = '/opt/bin/pg_probackup';
const CAT = '/srv/catalog';

/** Every builder, called with a connection that carries `pw` wherever the options accept one. */
function allBuilders(pw: string): Record<string, () => Invocation<unknown>> {
  const connection: ConnectionOptions = { host: '127.0.0.1', port: 5432, user: 'backup', database: 'postgres', password: pw };
  const base = { binary: B, catalog: CAT };
  const inst = { ...base, instance: 'main' };
  return {
    initCommand: () => catalogCommands.initCommand(base),
    addInstanceCommand: () => catalogCommands.addInstanceCommand({ ...inst, pgdata: '/var/lib/pg' }),
    delInstanceCommand: () => catalogCommands.delInstanceCommand(inst),
    showCommand: () => catalogCommands.showCommand(inst),
    showBackupCommand: () => catalogCommands.showBackupCommand({ ...inst, backupId: 'SJ1ABC' }),
    showArchiveCommand: () => catalogCommands.showArchiveCommand(inst),
    showConfigCommand: () => catalogCommands.showConfigCommand(inst),
    // set-config has no password setting: one passed anyway (the type forbids it) must not leak.
    setConfigCommand: () => catalogCommands.setConfigCommand({ ...inst, connection: connection as Omit<ConnectionOptions, 'password'> }),
    setBackupCommand: () => catalogCommands.setBackupCommand({ ...inst, backupId: 'SJ1ABC', ttl: '2d' }),
    backupCommand: () => dataCommands.backupCommand({ ...inst, mode: 'FULL', stream: true, progress: true, threads: 2, connection }),
    validateCommand: () => dataCommands.validateCommand(inst),
    restoreCommand: () => dataCommands.restoreCommand({ ...inst, pgdata: '/tmp/r', backupId: 'SJ1ABC', progress: true }),
    mergeCommand: () => dataCommands.mergeCommand({ ...inst, backupId: 'SJ1ABC' }),
    deleteCommand: () => dataCommands.deleteCommand({ ...inst, backupId: 'SJ1ABC' }),
    checkdbCommand: () => dataCommands.checkdbCommand({ ...inst, amcheck: true, connection }),
    catchupCommand: () => dataCommands.catchupCommand({ binary: B, mode: 'FULL', sourcePgdata: '/a', destinationPgdata: '/b', stream: true, connection }),
    versionCommand: () => discovery.versionCommand(B),
  };
}

/** Builders that connect to PostgreSQL and must receive the password. */
const CONNECTING = new Set(['backupCommand', 'checkdbCommand', 'catchupCommand']);

function exportedBuilders(): string[] {
  return [catalogCommands, dataCommands, discovery]
    .flatMap((m) => Object.entries(m).filter(([name, v]) => typeof v === 'function' && name.endsWith('Command')).map(([name]) => name))
    .sort();
}

describe('security: secrets stay out of argv and messages', () => {
  it('the table below covers every exported pg_probackup builder', () => {
    assert.deepEqual(Object.keys(allBuilders('x')).sort(), exportedBuilders());
  });

  it('no builder puts the password in argv or in the logged command line; the connecting ones pass PGPASSWORD', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 24 }), (tail) => {
        // A distinctive head, so that a hit cannot be a coincidence with an option name.
        const pw = `Pw${randomBytes(6).toString('hex')}${tail.replace(/[\r\n]/g, '')}`;
        for (const [name, build] of Object.entries(allBuilders(pw))) {
          const inv = build();
          for (const a of [inv.file, ...inv.args]) assert.ok(!a.includes(pw), `${name}: argv element ${JSON.stringify(a)}`);
          const logged = `$ ${describeEnv(inv.env)} ${commandLine(inv)}`;
          assert.ok(!logged.includes(pw), `${name}: logged ${logged}`);
          if (CONNECTING.has(name)) assert.equal(inv.env?.['PGPASSWORD'], pw, `${name} hands the password over in the environment`);
          else assert.equal(inv.env?.['PGPASSWORD'], undefined, `${name} has no use for a password`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a failed run that prints its environment gives error texts without the password', async () => {
    const pw = `Pw${randomBytes(8).toString('hex')}`;
    const sh = which('sh');
    assert.ok(sh, 'sh on PATH');
    const built = dataCommands.backupCommand({ binary: B, catalog: CAT, instance: 'main', mode: 'FULL', connection: { password: pw } });
    // The real parse of the backup verb, fed by a real program that prints the environment it got.
    const inv: Invocation<unknown> = { ...built, file: sh, args: ['-c', 'env >&2; echo "ERROR: password $PGPASSWORD was refused" >&2; exit 1'] };
    const lines: string[] = [];
    const err = await runInvocation(inv, { onStderrLine: (l) => lines.push(l) }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ProbackupError, String(err));
    assert.match(err.message, /password \*\*\* was refused/);
    assert.ok(!err.message.includes(pw) && !(err.stderr ?? '').includes(pw) && !String(err.stack).includes(pw));
    assert.ok(lines.some((l) => l === 'PGPASSWORD=***'), 'the environment was printed, masked');
    assert.ok(lines.every((l) => !l.includes(pw)));
  });

  it('a parser error that quotes stdout does not carry the password either', async () => {
    const pw = `Pw${randomBytes(8).toString('hex')}`;
    const built = discovery.versionCommand(B);
    const inv: Invocation<unknown> = { ...built, file: which('sh')!, args: ['-c', 'echo "pg_probackup x $PGPASSWORD"'] };
    const err = await runInvocation(inv, { env: { PGPASSWORD: pw } }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ProbackupError && err.code === 'invalid-output', String(err));
    assert.ok(!err.message.includes(pw), err.message);
    assert.match(err.message, /pg_probackup x \*\*\*/);
  });

  it('a program that cannot start gives a message without the secret', async () => {
    const pw = `Pw${randomBytes(8).toString('hex')}`;
    const err = await run(`/nonexistent/${pw}/prog`, [], { secrets: [pw] }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ProcessError && err.code === 'not-found', String(err));
    assert.ok(!err.message.includes(pw), err.message);
  });
});

describe('security: redact', () => {
  it('hides every occurrence, a longer secret whole even when a shorter one is inside it', () => {
    const secrets = secretsOf({ PGPASSWORD: 'abc', OTHER: 'abc' }, ['xabcx', '']);
    assert.equal(redact('1 abc 2 xabcx 3 abcabc', secrets), '1 *** 2 *** 3 ******');
  });

  it('knows no secret in an environment without PGPASSWORD (or an empty one)', () => {
    assert.deepEqual(secretsOf({ PGUSER: 'u', PGPASSWORD: '' }), []);
  });
});

describe('security: temporary password file', () => {
  it('escapes ":" and "\\" as libpq reads them', () => {
    assert.equal(passfileText([{ host: '127.0.0.1', port: 5432, user: 'u', password: 'a:b\\c' }]), '127.0.0.1:5432:*:u:a\\:b\\\\c\n');
  });

  it('is 0600 in a 0700 folder while used, and gone afterwards', async () => {
    let seen: string | undefined;
    const content = await withPassfile([{ password: 'pw1' }], async (file) => {
      seen = file;
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
      return readFileSync(file, 'utf8');
    });
    assert.equal(content, '*:*:*:*:pw1\n');
    assert.ok(seen !== undefined && !existsSync(seen) && !existsSync(path.dirname(seen)));
  });

  it('is removed when the user fails', async () => {
    let seen: string | undefined;
    await assert.rejects(withPassfile([{ password: 'pw2' }], async (file) => {
      seen = file;
      throw new Error('boom');
    }), /boom/);
    assert.ok(seen !== undefined && !existsSync(path.dirname(seen)));
  });
});
