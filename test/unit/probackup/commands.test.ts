import * as assert from 'node:assert/strict';
import {
  addInstanceCommand, delInstanceCommand, initCommand, setBackupCommand, setConfigCommand, showArchiveCommand,
  showBackupCommand, showCommand, showConfigCommand,
} from '../../../src/core/probackup/catalogCommands';
import {
  backupCommand, catchupCommand, checkdbCommand, deleteCommand, mergeCommand, restoreCommand, validateCommand,
} from '../../../src/core/probackup/dataCommands';
import type { RunResult } from '../../../src/core/process/runner';
import { jsonRun, readPb, recordedRun } from './recorded';
import { thrown } from '../../support/probackupFailure';

const B = { binary: '/usr/bin/pg_probackup-15', catalog: '/srv/cat' };
const I = { ...B, instance: 'main' };

/** Options that `pg_probackup help` (recorded) lists, long and short. */
function helpOptions(): Set<string> {
  const text = readPb('archive-mode/help.txt') + readPb('archive-mode/help_backup.txt');
  return new Set([...text.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[A-Za-z])\b/g)].map((m) => m[1]!));
}

describe('pg_probackup command builders', () => {
  it('builds init, add-instance, del-instance', () => {
    const init = initCommand(B);
    assert.equal(init.file, B.binary);
    assert.deepEqual(init.args, ['init', '-B', '/srv/cat']);
    assert.deepEqual(addInstanceCommand({ ...I, pgdata: '/srv/data' }).args, ['add-instance', '-B', '/srv/cat', '--instance=main', '-D', '/srv/data']);
    assert.deepEqual(delInstanceCommand(I).args, ['del-instance', '-B', '/srv/cat', '--instance=main']);
  });

  it('builds the lesson backup: FULL, STREAM, progress, threads, connection', () => {
    const inv = backupCommand({
      ...I, mode: 'FULL', stream: true, progress: true, threads: 4,
      connection: { host: '127.0.0.1', port: 15432, user: 'backup_user', database: 'postgres', password: 'pa ss' },
    });
    assert.deepEqual(inv.args, [
      'backup', '-B', '/srv/cat', '--instance=main', '-b', 'FULL', '--stream', '-j', '4', '--progress',
      '--pghost=127.0.0.1', '--pgport=15432', '--pguser=backup_user', '--pgdatabase=postgres', '--no-password', '--log-level-console=info',
    ]);
    assert.equal(inv.env?.['PGPASSWORD'], 'pa ss');
    assert.ok(!inv.args.some((a) => a.includes('pa ss')), 'the password is never in argv');
  });

  it('builds a compressed, noted, pinned DELTA with retention', () => {
    const inv = backupCommand({
      ...I, mode: 'DELTA', stream: true, compression: { algorithm: 'zlib', level: 6 }, note: 'before upgrade', ttl: '7d',
      expireTime: new Date('2026-12-24T18:20:23Z'), deleteExpired: true, deleteWal: true, retention: { redundancy: 2, window: 7 },
      noValidate: true,
    });
    assert.deepEqual(inv.args, [
      'backup', '-B', '/srv/cat', '--instance=main', '-b', 'DELTA', '--stream', '--no-validate',
      '--compress-algorithm=zlib', '--compress-level=6', '--delete-expired', '--delete-wal',
      '--retention-redundancy=2', '--retention-window=7', '--ttl=7d', '--expire-time=2026-12-24 18:20:23+00',
      '--note=before upgrade', '--no-password', '--log-level-console=info',
    ]);
    assert.equal(inv.env?.['PGPASSWORD'], undefined);
    assert.throws(() => backupCommand({ ...I, mode: 'FULL', compression: { level: 12 } }), RangeError);
    assert.throws(() => backupCommand({ ...I, mode: 'FULL', threads: 0 }), RangeError);
  });

  it('builds show, show -i, show --archive, show-config', () => {
    assert.deepEqual(showCommand(B).args, ['show', '-B', '/srv/cat', '--format=json']);
    assert.deepEqual(showCommand(I).args, ['show', '-B', '/srv/cat', '--instance=main', '--format=json']);
    assert.deepEqual(showBackupCommand({ ...I, backupId: 'TP0QXY' }).args, ['show', '-B', '/srv/cat', '--instance=main', '-i', 'TP0QXY', '--format=json']);
    assert.deepEqual(showArchiveCommand(I).args, ['show', '-B', '/srv/cat', '--instance=main', '--archive', '--format=json']);
    assert.deepEqual(showConfigCommand(I).args, ['show-config', '-B', '/srv/cat', '--instance=main', '--format=json']);
  });

  it('builds set-config and set-backup', () => {
    assert.deepEqual(setConfigCommand({
      ...I, retention: { redundancy: 1, walDepth: 2 }, connection: { host: '/tmp', port: 5433, user: 'bk' }, compression: { algorithm: 'pglz' },
    }).args, [
      'set-config', '-B', '/srv/cat', '--instance=main', '--pghost=/tmp', '--pgport=5433', '--pguser=bk',
      '--retention-redundancy=1', '--wal-depth=2', '--compress-algorithm=pglz',
    ]);
    assert.deepEqual(setBackupCommand({ ...I, backupId: 'TP0QXY', ttl: 0 }).args, [
      'set-backup', '-B', '/srv/cat', '--instance=main', '-i', 'TP0QXY', '--ttl=0', '--log-level-console=info',
    ]);
    assert.deepEqual(setBackupCommand({ ...I, backupId: 'TP0QXY', note: 'keep' }).args.slice(-2), ['--note=keep', '--log-level-console=info']);
    assert.throws(() => setBackupCommand({ ...I, backupId: 'TP0QXY' }), RangeError);
    assert.throws(() => setBackupCommand({ ...I, backupId: 'TP0QXY', ttl: '3 weeks' }), RangeError);
  });

  it('builds restore with a recovery target and incremental mode', () => {
    assert.deepEqual(restoreCommand({
      ...I, pgdata: '/srv/restore', backupId: 'TP0QY9', target: { time: new Date('2026-11-24T18:20:34Z'), inclusive: false },
      targetAction: 'promote', incrementalMode: 'checksum', force: true, progress: true, threads: 2,
    }).args, [
      'restore', '-B', '/srv/cat', '--instance=main', '-D', '/srv/restore', '-i', 'TP0QY9',
      '--recovery-target-time=2026-11-24 18:20:34+00', '--recovery-target-inclusive=false', '--recovery-target-action=promote',
      '-I', 'checksum', '--force', '-j', '2', '--progress', '--log-level-console=info',
    ]);
    assert.deepEqual(restoreCommand({ ...I, target: { xid: 6351 } }).args.slice(4), ['--recovery-target-xid=6351', '--log-level-console=info']);
    assert.deepEqual(restoreCommand({ ...I, target: { lsn: '0/D000168' }, noValidate: true }).args.slice(4), [
      '--recovery-target-lsn=0/D000168', '--no-validate', '--log-level-console=info',
    ]);
    assert.throws(() => restoreCommand({ ...I, target: { xid: 1, lsn: '0/1' } }), RangeError);
    assert.throws(() => restoreCommand({ ...I, target: { lsn: 'yesterday' } }), RangeError);
  });

  it('builds validate, merge, delete, checkdb, catchup', () => {
    assert.deepEqual(validateCommand(I).args, ['validate', '-B', '/srv/cat', '--instance=main', '--log-level-console=info']);
    assert.deepEqual(validateCommand({ ...I, backupId: 'TP0Y5K', target: { time: new Date('2026-11-24T21:00:00Z') } }).args, [
      'validate', '-B', '/srv/cat', '--instance=main', '-i', 'TP0Y5K', '--recovery-target-time=2026-11-24 21:00:00+00', '--log-level-console=info',
    ]);
    assert.deepEqual(mergeCommand({ ...I, backupId: 'TP0Y57', progress: true }).args, [
      'merge', '-B', '/srv/cat', '--instance=main', '-i', 'TP0Y57', '--progress', '--log-level-console=info',
    ]);
    assert.deepEqual(deleteCommand({ ...I, deleteExpired: true, retention: { redundancy: 1 }, dryRun: true }).args, [
      'delete', '-B', '/srv/cat', '--instance=main', '--delete-expired', '--retention-redundancy=1', '--dry-run', '--log-level-console=info',
    ]);
    assert.deepEqual(deleteCommand({ ...I, mergeExpired: true, deleteWal: true }).args.slice(4), ['--merge-expired', '--delete-wal', '--log-level-console=info']);
    assert.deepEqual(deleteCommand({ ...I, backupId: 'TP0QY8' }).args.slice(4), ['-i', 'TP0QY8', '--log-level-console=info']);
    assert.deepEqual(deleteCommand({ ...I, status: 'ERROR' }).args.slice(4), ['--status=ERROR', '--log-level-console=info']);
    assert.throws(() => deleteCommand(I), RangeError);
    assert.throws(() => deleteCommand({ ...I, backupId: 'X', status: 'ERROR' }), RangeError);
    assert.throws(() => deleteCommand({ ...I, backupId: 'X', deleteExpired: true }), RangeError);
    assert.deepEqual(checkdbCommand({ ...I, amcheck: true, heapallindexed: true, connection: { port: 5433 } }).args, [
      'checkdb', '-B', '/srv/cat', '--instance=main', '--amcheck', '--heapallindexed', '--pgport=5433', '--no-password', '--log-level-console=info',
    ]);
    assert.deepEqual(checkdbCommand({ binary: B.binary, pgdata: '/srv/data' }).args, ['checkdb', '-D', '/srv/data', '--no-password', '--log-level-console=info']);
    assert.deepEqual(catchupCommand({
      binary: B.binary, mode: 'FULL', sourcePgdata: '/srv/src', destinationPgdata: '/srv/dst', stream: true, threads: 2,
      connection: { host: '127.0.0.1', user: 'postgres', password: 'x' },
    }).args, [
      'catchup', '-b', 'FULL', '--source-pgdata=/srv/src', '--destination-pgdata=/srv/dst', '--stream', '-j', '2',
      '--pghost=127.0.0.1', '--pguser=postgres', '--no-password', '--log-level-console=info',
    ]);
  });

  it('uses only options that the recorded `pg_probackup help` lists', () => {
    const known = helpOptions();
    const all: (readonly string[])[] = [
      backupCommand({
        ...I, mode: 'PAGE', stream: true, slot: 's', tempSlot: true, smoothCheckpoint: true, pgdata: '/d', threads: 2, progress: true,
        noValidate: true, skipBlockValidation: true, noSync: true, compression: { algorithm: 'zlib', level: 1 }, archiveTimeout: '5min',
        note: 'n', externalDirs: ['/e'], deleteExpired: true, mergeExpired: true, deleteWal: true,
        retention: { redundancy: 1, window: 1, walDepth: 1 }, ttl: 1, expireTime: new Date(0),
        connection: { host: 'h', port: 1, user: 'u', database: 'd' },
      }).args,
      restoreCommand({
        ...I, pgdata: '/d', backupId: 'X', target: { time: new Date(0), inclusive: true, timeline: 'latest' }, targetAction: 'pause',
        restoreCommand: 'cp', asReplica: true, primaryConninfo: 'c', primarySlotName: 's', incrementalMode: 'lsn', force: true,
        noValidate: true, skipBlockValidation: true, threads: 1, progress: true, noSync: true, tablespaceMapping: [{ from: '/a', to: '/b' }],
        waldir: '/w', dbInclude: ['db'],
      }).args,
      restoreCommand({ ...I, target: { name: 'n' } }).args,
      restoreCommand({ ...I, target: { target: 'immediate' } }).args,
      validateCommand({ ...I, backupId: 'X', target: { xid: 1 }, threads: 1, progress: true, skipBlockValidation: true }).args,
      deleteCommand({ ...I, deleteExpired: true, mergeExpired: true, deleteWal: true, retention: { window: 1 }, dryRun: true, threads: 1, progress: true, noValidate: true, noSync: true }).args,
      mergeCommand({ ...I, backupId: 'X', threads: 1, progress: true, noValidate: true, noSync: true }).args,
      checkdbCommand({ ...I, pgdata: '/d', amcheck: true, heapallindexed: true, checkunique: true, skipBlockValidation: true, threads: 1, progress: true }).args,
      catchupCommand({
        binary: 'x', mode: 'DELTA', sourcePgdata: '/s', destinationPgdata: '/d', stream: true, slot: 's', permSlot: true, threads: 1,
        tablespaceMapping: [{ from: '/a', to: '/b' }], excludePaths: ['log'], dryRun: true,
      }).args,
      setConfigCommand({ ...I, pgdata: '/d', archiveTimeout: '1min', restoreCommand: 'cp', logLevelConsole: 'info', logLevelFile: 'off', externalDirs: ['/e'] }).args,
      setBackupCommand({ ...I, backupId: 'X', ttl: '1d', expireTime: new Date(0), note: 'n' }).args,
    ];
    for (const args of all) {
      for (const a of args.slice(1)) {
        const opt = /^(--[a-z-]+|-[A-Za-z])/.exec(a)?.[1];
        if (opt) assert.ok(known.has(opt), `${opt} (${args[0]}) is not in pg_probackup help`);
      }
    }
  });
});

describe('pg_probackup command results', () => {
  it('reads the catalog and instance that init and add-instance report', () => {
    assert.deepEqual(initCommand(B).parse(recordedRun('lesson/init.txt')), { catalog: '/srv/pgbackup-lab/catalog' });
    assert.deepEqual(addInstanceCommand({ ...I, instance: 'node2', pgdata: '/d' }).parse(recordedRun('archive-mode/add_instance.txt')), { instance: 'node2' });
    assert.equal(thrown(() => initCommand(B).parse(recordedRun('archive-mode/err_init_twice.txt'))).code, 'catalog-already-initialized');
  });

  it('reads the backup ID of a successful backup, and the failure of a failed one', () => {
    const inv = backupCommand({ ...I, mode: 'FULL', stream: true });
    assert.deepEqual(inv.parse(recordedRun('lesson/backup_ok.txt')), { backupId: 'TP0QVU', mode: 'FULL', walMode: 'STREAM' });
    assert.deepEqual(inv.parse(recordedRun('archive-mode/backup_page.txt')), { backupId: 'TP0QY6', mode: 'PAGE', walMode: 'ARCHIVE' });
    const err = thrown(() => inv.parse(recordedRun('lesson/backup_fail.txt')));
    assert.equal(err.code, 'permission-denied-function');
    assert.equal(err.subject, 'pg_backup_start');
    assert.equal(thrown(() => inv.parse(recordedRun('archive-mode/backup_ptrack_err.txt'))).code, 'ptrack-not-installed');
    const cancelled: RunResult = { ...recordedRun('scram-signals-retention/backup_cancelled.txt'), cancelled: true };
    assert.equal(thrown(() => inv.parse(cancelled)).code, 'interrupted');
  });

  it('reads show output through the show builders', () => {
    const [inst] = showCommand(I).parse(jsonRun('lesson/show2.json'));
    assert.equal(inst?.backups.length, 4);
    const [arch] = showArchiveCommand(I).parse(jsonRun('archive-mode/show_archive.json'));
    assert.equal(arch?.timelines[0]?.backups.length, 3);
    assert.equal(showConfigCommand(I).parse(jsonRun('scram-signals-retention/show_config_retention.json')).retentionRedundancy, 1);
    assert.equal(showBackupCommand({ ...I, instance: 'node2', backupId: 'TP0QXY' }).parse(jsonRun('archive-mode/show_one.json')).recoveryXid, 735);
    const other = thrown(() => showBackupCommand({ ...I, instance: 'node2', backupId: 'TP0QY9' }).parse(jsonRun('archive-mode/show_one.json')));
    assert.equal(other.code, 'backup-not-found');
    const missing: RunResult = { ...jsonRun('lesson/show2.json'), stdout: '', stderr: 'INFO: Requested backup "ZZZZZZ" is not found.\n' };
    const err = thrown(() => showBackupCommand({ ...I, backupId: 'ZZZZZZ' }).parse(missing));
    assert.equal(err.code, 'backup-not-found');
    assert.equal(err.message, 'Requested backup "ZZZZZZ" is not found.');
    assert.equal(err.subject, 'ZZZZZZ');
  });

  it('reads validation results, including the failing ones', () => {
    assert.equal(thrown(() => validateCommand(I).parse(recordedRun('archive-mode/validate_all.txt'))).code, 'backups-not-valid');
    const corrupt = thrown(() => validateCommand(I).parse(recordedRun('archive-mode/validate_corrupt.txt')));
    assert.equal(corrupt.code, 'backup-corrupt');
    const ok: RunResult = { ...recordedRun('archive-mode/validate_all.txt'), exitCode: 0 };
    const res = validateCommand(I).parse(ok).backups;
    // TP0QY8 (an ERROR PTRACK backup that never chose a parent) is why the run says "not valid".
    assert.deepEqual(res.map((r) => [r.backupId, r.result]), [['TP0QY9', 'valid'], ['TP0QY8', 'skipped'], ['TP0QY6', 'valid'], ['TP0QXY', 'valid']]);
  });

  it('reads restore, merge, delete and set-backup results', () => {
    assert.deepEqual(restoreCommand(I).parse(recordedRun('archive-mode/restore.txt')), { backupId: 'TP0QY9' });
    assert.equal(thrown(() => restoreCommand(I).parse(recordedRun('scram-signals-retention/err_restore_nonempty.txt'))).code, 'restore-target-not-empty');
    // "Delete: TP0Y57" then "Rename merged full backup TP0Y4B to TP0Y57": the FULL's old ID is the one gone.
    assert.deepEqual(mergeCommand({ ...I, backupId: 'TP0Y57' }).parse(recordedRun('scram-signals-retention/merge.txt')), {
      backupId: 'TP0Y57', fullBackupId: 'TP0Y57', deleted: ['TP0Y4O', 'TP0Y4T', 'TP0Y4B'],
    });
    const dry = deleteCommand({ ...I, deleteExpired: true, dryRun: true }).parse(recordedRun('archive-mode/delete_dry.txt'));
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.deleted, []);
    assert.deepEqual(dry.verdicts.map((v) => [v.backupId, v.status, v.expired]), [
      ['TP0QYF', 'ERROR', false], ['TP0QY9', 'ORPHAN', false], ['TP0QY8', 'ERROR', true], ['TP0QY6', 'ORPHAN', false], ['TP0QXY', 'CORRUPT', false],
    ]);
    assert.deepEqual(dry.verdicts[1]?.window, { actual: '0d', required: '7d' });
    const done = deleteCommand({ ...I, deleteExpired: true }).parse(recordedRun('scram-signals-retention/delete_expired.txt'));
    assert.deepEqual(done.deleted, ['TP0Y57', 'TP0Y4A', 'TP0Y49']);
    assert.deepEqual(done.verdicts[1]?.redundancy, { actual: 2, required: 1 });
    const pinned = setBackupCommand({ ...I, backupId: 'TP0QXY', ttl: '30d' }).parse(recordedRun('archive-mode/set_backup.txt'));
    assert.equal(pinned.pinnedUntil?.toISOString(), '2026-12-24T18:20:23.000Z');
  });

  it('reads checkdb', () => {
    const out = checkdbCommand({ ...I }).parse(recordedRun('archive-mode/checkdb.txt'));
    assert.deepEqual(out.warnings, ['Current PostgreSQL role is superuser. It is not recommended to run pg_probackup under superuser.']);
  });
});
