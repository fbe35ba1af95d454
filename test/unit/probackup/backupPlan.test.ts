import * as assert from 'node:assert/strict';
import { backupOptionsFrom, choicesFromUnknown, isBackupMode, isCompressAlgorithm } from '../../../src/core/probackup/backupPlan';
import type { BackupChoices } from '../../../src/core/probackup/backupPlan';
import { backupCommand } from '../../../src/core/probackup/dataCommands';
import { readPb } from './recorded';

const where = { binary: '/opt/pb/pg_probackup-15', catalog: '/srv/backups', instance: 'main' };

function argvOf(choices: BackupChoices, password?: string): { args: readonly string[]; env: Readonly<Record<string, string | undefined>> | undefined } {
  const inv = backupCommand(backupOptionsFrom({ ...where, choices, ...(password !== undefined ? { password } : {}) }));
  assert.equal(inv.file, where.binary);
  return { args: inv.args, env: inv.env };
}

/** Options pg_probackup's own `help backup` (recorded) lists. */
function helpBackupOptions(): Set<string> {
  return new Set([...readPb('archive-mode/help_backup.txt').matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[A-Za-z])\b/g)].map((m) => m[1]!));
}

describe('backup wizard choices → backup command line', () => {
  it('the lesson backup (FULL, STREAM, backup_user on a local port) gives the lesson options plus --progress', () => {
    const { args, env } = argvOf({ mode: 'FULL', stream: true, server: { host: '127.0.0.1', port: 14811, user: 'backup_user', database: 'postgres' } });
    assert.deepEqual(args, [
      'backup', '-B', '/srv/backups', '--instance=main', '-b', 'FULL', '--stream', '--progress',
      '--pghost=127.0.0.1', '--pgport=14811', '--pguser=backup_user', '--pgdatabase=postgres', '--no-password', '--log-level-console=info',
    ]);
    assert.equal(env?.['PGPASSWORD'], undefined);
  });

  it('ARCHIVE mode has no --stream; every wizard field reaches argv; the password goes to the environment only', () => {
    const { args, env } = argvOf({
      mode: 'DELTA', stream: false, compressAlgorithm: 'zlib', compressLevel: 3, threads: 4, note: 'before upgrade', ttl: '7d',
      server: { port: 5433, user: 'backup_user' },
    }, 'pw-1');
    assert.deepEqual(args, [
      'backup', '-B', '/srv/backups', '--instance=main', '-b', 'DELTA', '-j', '4', '--progress',
      '--compress-algorithm=zlib', '--compress-level=3', '--ttl=7d', '--note=before upgrade',
      '--pgport=5433', '--pguser=backup_user', '--no-password', '--log-level-console=info',
    ]);
    assert.equal(env?.['PGPASSWORD'], 'pw-1');
    assert.ok(!args.some((a) => a.includes('pw-1')));
  });

  it('leaves out defaults: one thread, empty note, empty ttl, empty password; "none" is said, without its level', () => {
    const { args, env } = argvOf({ mode: 'PAGE', stream: true, compressAlgorithm: 'none', compressLevel: 5, threads: 1, note: '', ttl: '', server: {} }, '');
    assert.deepEqual(args, [
      'backup', '-B', '/srv/backups', '--instance=main', '-b', 'PAGE', '--stream', '--progress', '--compress-algorithm=none', '--no-password',
      '--log-level-console=info',
    ]);
    assert.equal(env?.['PGPASSWORD'], undefined);
  });

  it('without a server target still never waits for a password prompt', () => {
    assert.deepEqual(argvOf({ mode: 'PTRACK', stream: true }).args,
      ['backup', '-B', '/srv/backups', '--instance=main', '-b', 'PTRACK', '--stream', '--progress', '--no-password', '--log-level-console=info']);
  });

  it('uses only options pg_probackup help backup lists', () => {
    const known = helpBackupOptions();
    const { args } = argvOf({
      mode: 'DELTA', stream: true, compressAlgorithm: 'zlib', compressLevel: 1, threads: 2, note: 'n', ttl: '1d',
      server: { host: 'h', port: 1, user: 'u', database: 'd' },
    });
    for (const a of args.filter((x) => x.startsWith('-'))) {
      const name = a.split('=')[0]!;
      assert.ok(known.has(name), `${name} is not in help backup`);
    }
  });

  it('rejects what pg_probackup would: a compression level out of 0..9, a malformed ttl', () => {
    assert.throws(() => argvOf({ mode: 'FULL', stream: true, compressAlgorithm: 'zlib', compressLevel: 12 }), RangeError);
    assert.throws(() => argvOf({ mode: 'FULL', stream: true, ttl: 'seven days' }), RangeError);
  });

  it('reads remembered choices back, dropping what is malformed', () => {
    assert.deepEqual(choicesFromUnknown({ mode: 'DELTA', stream: false, threads: 2, compressAlgorithm: 'zlib', server: { host: 'db', port: '5432', user: 7 }, password: 'x' }),
      { mode: 'DELTA', stream: false, compressAlgorithm: 'zlib', threads: 2, server: { host: 'db' } });
    assert.equal(choicesFromUnknown({ mode: 'INCREMENTAL', stream: true }), undefined);
    assert.equal(choicesFromUnknown({ mode: 'FULL' }), undefined);
    assert.equal(choicesFromUnknown('FULL'), undefined);
    assert.equal(choicesFromUnknown(null), undefined);
    assert.deepEqual(choicesFromUnknown({ mode: 'FULL', stream: true, compressAlgorithm: 'zstd', threads: 1.5 }), { mode: 'FULL', stream: true });
  });

  it('knows the modes and algorithms help backup names', () => {
    const help = readPb('archive-mode/help_backup.txt');
    for (const m of ['FULL', 'DELTA', 'PAGE', 'PTRACK']) assert.ok(isBackupMode(m) && help.includes(m), m);
    assert.ok(!isBackupMode('full'));
    for (const a of ['zlib', 'pglz', 'none']) assert.ok(isCompressAlgorithm(a) && help.includes(a), a);
    assert.ok(!isCompressAlgorithm('zstd'));
  });

  it('refuses pglz with more than one thread, as pg_probackup does before it starts (pg_probackup.c)', () => {
    const base = { binary: 'pg_probackup', catalog: '/backups', instance: 'main' };
    assert.throws(() => backupOptionsFrom({ ...base, choices: { mode: 'FULL', stream: true, compressAlgorithm: 'pglz', threads: 2 } }), /pglz compression runs in one thread only/);
    assert.doesNotThrow(() => backupOptionsFrom({ ...base, choices: { mode: 'FULL', stream: true, compressAlgorithm: 'pglz', threads: 1 } }));
    assert.doesNotThrow(() => backupOptionsFrom({ ...base, choices: { mode: 'FULL', stream: true, compressAlgorithm: 'zlib', threads: 4 } }));
  });
});
