import * as assert from 'node:assert/strict';
import { classifyLog, classifyMessage, errorFromRun } from '../../../src/core/probackup/errorCodes';
import type { ProbackupErrorCode } from '../../../src/core/probackup/probackupError';
import { allPbFiles, readPb, recordedExitCode, recordedRun } from './recorded';

// What each recorded failure is, read from the fixture's own ERROR line (or WARNING for validate).
const EXPECTED: Readonly<Record<string, { code: ProbackupErrorCode; subject?: string; message: RegExp }>> = {
  'archive-mode/err_init_twice.txt': { code: 'catalog-already-initialized', message: /already exists and is not empty/ },
  'archive-mode/err_no_backup.txt': { code: 'backup-not-found', subject: 'ZZZZZZ', message: /^Requested backup ZZZZZZ is not found\.$/ },
  'archive-mode/err_no_catalog.txt': { code: 'catalog-not-initialized', subject: '/nonexistent', message: /Cannot open directory/ },
  'archive-mode/err_no_instance.txt': { code: 'instance-not-found', subject: 'nosuch', message: /^Instance 'nosuch' does not exist/ },
  'archive-mode/err_no_server.txt': { code: 'cannot-connect', message: /could not connect to database postgres[\s\S]*Is the server running locally/ },
  'scram-signals-retention/err_auth_failed.txt': { code: 'auth-failed', subject: 'postgres', message: /password authentication failed for user "postgres"$/ },
  'scram-signals-retention/err_no_password.txt': { code: 'no-password', message: /fe_sendauth: no password supplied$/ },
  // pg_probackup 2.5.16 checks emptiness before it looks for a postmaster, even with --force:
  // a running instance's PGDATA is refused as "not empty" (see the recorded runs).
  'scram-signals-retention/err_restore_force_running.txt': { code: 'restore-target-not-empty', subject: '/srv/pgbackup-lab/rec/data', message: /Restore destination is not empty/ },
  'scram-signals-retention/err_restore_nonempty.txt': { code: 'restore-target-not-empty', subject: '/srv/pgbackup-lab/rec/nonempty', message: /Restore destination is not empty/ },
  'scram-signals-retention/err_restore_running.txt': { code: 'restore-target-not-empty', subject: '/srv/pgbackup-lab/rec/data', message: /Restore destination is not empty/ },
  'scram-signals-retention/err_validate_future_target.txt': { code: 'invalid-recovery-target', message: /recovery target without WAL archive/ },
  'lesson/backup_fail.txt': { code: 'permission-denied-function', subject: 'pg_backup_start', message: /permission denied for function pg_backup_start\nquery was: SELECT/ },
  'archive-mode/backup_ptrack_err.txt': { code: 'ptrack-not-installed', message: /^This PostgreSQL instance does not support ptrack$/ },
  'archive-mode/validate_corrupt.txt': { code: 'backup-corrupt', subject: 'TP0QXY', message: /^Backup TP0QXY is corrupt\.$/ },
  'archive-mode/validate_all.txt': { code: 'backups-not-valid', message: /^Some backups are not valid$/ },
  'scram-signals-retention/backup_cancelled.txt': { code: 'interrupted', message: /^Interrupted during page reading$/ },
};

describe('pg_probackup errors → codes', () => {
  const errFiles = allPbFiles().filter((f) => /(^|\/)err_[^/]*\.txt$/.test(f));

  it('finds the err_* fixtures', () => {
    assert.ok(errFiles.length >= 10, `found ${errFiles.length}`);
  });

  for (const file of errFiles) {
    it(`${file} has a known code`, () => {
      assert.ok(EXPECTED[file], `no expectation for ${file}: add one`);
    });
  }

  for (const [file, want] of Object.entries(EXPECTED)) {
    it(`maps ${file} to ${want.code}`, () => {
      const run = recordedRun(file);
      assert.notEqual(recordedExitCode(readPb(file)), 0, 'a recorded failure');
      const err = errorFromRun(run);
      assert.equal(err.code, want.code);
      assert.match(err.message, want.message);
      assert.equal(err.subject, want.subject);
      assert.equal(err.exitCode, 1);
      assert.equal(err.stderr, run.stderr);
      assert.ok(!/^(?:INFO|WARNING|ERROR): /m.test(err.message), 'the message is the text, without the level prefix');
    });
  }

  it('reads the lesson validate (no rc line) as backups-not-valid', () => {
    assert.equal(classifyLog(readPb('lesson/validate.txt')).code, 'backups-not-valid');
  });

  it('knows messages from the source that no fixture shows', () => {
    const cases: [string, ProbackupErrorCode][] = [
      ["Instance 'main' backup directory already exists: '/srv/cat/backups/main'", 'instance-already-exists'],
      ['Cannot lock backup TP0QXY directory', 'locked'],
      ['Postmaster with pid 4242 is running in destination directory "/srv/data"', 'restore-target-running'],
      ["Invalid value for '--recovery-target-time' option 'tomorrow'", 'invalid-recovery-target'],
      ['Backup satisfying target options is not found.', 'invalid-recovery-target'],
      ['Not enough WAL records to time 2026-11-24 18:19:21+00', 'wal-segment-missing'],
      ['WAL segment 000000010000000000000005 could not be archived in 300 seconds', 'wal-segment-missing'],
      ["Directory does not exist: '/srv/cat/backups'", 'catalog-not-initialized'],
      ['Ptrack is disabled', 'ptrack-not-installed'],
      ['pg_probackup was built with PostgreSQL 15, but connection is made with 16', 'server-version-mismatch'],
      ['connection to server at "10.0.0.1", port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.0.0.2", user "bk", database "postgres", no encryption', 'auth-failed'],
    ];
    for (const [msg, code] of cases) assert.equal(classifyMessage(msg)?.code, code, msg);
  });

  it('falls back to unknown with the first ERROR message, or the last line', () => {
    assert.deepEqual(classifyLog('INFO: a\nERROR: Something new happened\nERROR: then this\n'), {
      code: 'unknown', message: 'Something new happened', subject: undefined,
    });
    assert.equal(classifyLog('segfault\n').message, 'segfault');
    const e = errorFromRun({ file: 'x', args: [], exitCode: 2, stdout: '', stderr: '', cancelled: false, durationMs: 0 });
    assert.equal(e.code, 'unknown');
    assert.equal(e.message, 'pg_probackup exited with code 2');
  });

  it('calls a cancelled run interrupted', () => {
    const e = errorFromRun({ file: 'x', args: [], exitCode: 130, stdout: '', stderr: 'INFO: Start transferring data files\n', cancelled: true, durationMs: 0 });
    assert.equal(e.code, 'interrupted');
  });
});
