import * as assert from 'node:assert/strict';
import { announcedBackupId, logEvents, parseBackupStart, parseLog, parseLogLine } from '../../../src/core/probackup/logLines';
import { allPbFiles, readPb, recordedRun } from './recorded';

describe('pg_probackup log lines', () => {
  it('splits LEVEL: message', () => {
    assert.deepEqual(parseLogLine('WARNING: Some backups are not valid'), { level: 'WARNING', message: 'Some backups are not valid' });
    assert.deepEqual(parseLogLine('INFO: Progress: (1/1291). Process file "base/1/4151"')?.level, 'INFO');
    assert.equal(parseLogLine('query was: SELECT 1'), undefined);
    assert.equal(parseLogLine('rc=1'), undefined);
  });

  it('joins continuation lines to their entry', () => {
    const entries = parseLog(readPb('archive-mode/err_no_server.txt'));
    const err = entries.find((e) => e.level === 'ERROR');
    assert.equal(err?.message.split('\n').length, 2);
    assert.match(err?.message ?? '', /\n\tIs the server running locally/);
  });

  it('finds the backup ID every recorded backup run announces', () => {
    const backups = allPbFiles().filter((f) => f.endsWith('.txt') && readPb(f).includes('INFO: Backup start,'));
    assert.ok(backups.length >= 8, `found ${backups.length}`);
    for (const f of backups) {
      const text = readPb(f);
      // Independently: the ID named in the start line's "backup ID: XXXXXX," field.
      const want = /backup ID: ([0-9A-Z]{6}),/.exec(text)?.[1];
      assert.equal(announcedBackupId(text), want, f);
    }
  });

  it('reads the fields of the start line', () => {
    const start = parseBackupStart('Backup start, pg_probackup version: 2.5.16, instance: main, backup ID: TP0QW5, backup mode: FULL, wal mode: STREAM, remote: false, compress-algorithm: zlib, compress-level: 6');
    assert.deepEqual(start, {
      backupId: 'TP0QW5', programVersion: '2.5.16', instance: 'main', mode: 'FULL', walMode: 'STREAM', compressAlgorithm: 'zlib', compressLevel: 6,
    });
  });

  it('reads the final status lines', () => {
    const kinds = (f: string): string[] => logEvents(recordedRun(f).stderr).map((e) => e.kind);
    assert.deepEqual(kinds('lesson/backup_delta.txt').filter((k) => k !== 'backup-validated'), ['backup-start', 'backup-completed']);
    assert.ok(kinds('lesson/backup_fail.txt').includes('backup-set-error'));
    // Even with the recorder's `rc=1` line glued to the last entry.
    assert.ok(logEvents(readPb('lesson/backup_fail.txt')).some((e) => e.kind === 'backup-set-error'));
    assert.ok(kinds('archive-mode/restore.txt').includes('restore-completed'));
    assert.ok(kinds('scram-signals-retention/merge.txt').includes('merge-completed'));
    assert.ok(kinds('archive-mode/validate_all.txt').includes('some-backups-not-valid'));
    assert.ok(kinds('archive-mode/checkdb.txt').includes('data-files-valid'));
    assert.deepEqual(logEvents(readPb('archive-mode/validate_corrupt.txt')).filter((e) => e.kind === 'backup-orphaned'), [
      { kind: 'backup-orphaned', backupId: 'TP0QY9', parentId: 'TP0QXY', parentStatus: 'CORRUPT' },
      { kind: 'backup-orphaned', backupId: 'TP0QY6', parentId: 'TP0QXY', parentStatus: 'CORRUPT' },
    ]);
    assert.deepEqual(logEvents(readPb('lesson/validate.txt')).find((e) => e.kind === 'backup-skipped'), { kind: 'backup-skipped', backupId: 'TP0QVT', status: 'ERROR' });
  });
});
