// What the real pg_probackup 2.5.16 printed in runs the first fixtures lack (test/fixtures/
// pg_probackup-recorded, the repository's own): a lowered console log level, notes that break the
// catalog, merges (clean, resumed, by retention), validate of broken chains, and the failures
// that had no code. None of these files has an exit code line; the failed ones are given 1 here.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { backupOptionsFrom } from '../../../src/core/probackup/backupPlan';
import {
  addInstanceCommand, delInstanceCommand, initCommand, setBackupCommand, setConfigCommand, showArchiveCommand, showCommand, showConfigCommand,
} from '../../../src/core/probackup/catalogCommands';
import { compressionArgs, noteProblem } from '../../../src/core/probackup/commandArgs';
import {
  backupCommand, catalogChanges, catchupCommand, checkdbCommand, deleteCommand, mergeCommand, restoreCommand, validateCommand, validationResults,
} from '../../../src/core/probackup/dataCommands';
import { classifyMessage, errorFromRun } from '../../../src/core/probackup/errorCodes';
import { logEvents } from '../../../src/core/probackup/logLines';
import type { RunResult } from '../../../src/core/process/runner';
import { ownFixture } from '../../support/paths';
import { thrown } from '../../support/probackupFailure';

const I = { binary: '/usr/bin/pg_probackup-15', catalog: '/backups', instance: 'main' };
const INFO = '--log-level-console=info';

function text(name: string): string {
  return readFileSync(ownFixture('pg_probackup-recorded', name), 'utf8');
}

function run(name: string, exitCode: number, cancelled = false): RunResult {
  return { file: 'pg_probackup', args: [], exitCode, stdout: '', stderr: text(name), cancelled, durationMs: 0 };
}

describe('recorded pg_probackup runs: console log level', () => {
  it('at log-level-console=warning a successful backup names no backup ID, so the parse has nothing to go on', () => {
    assert.equal(thrown(() => backupCommand({ ...I, mode: 'FULL' }).parse(run('backup_log_level_warning.txt', 0))).code, 'invalid-output');
  });

  it('every run whose log is read asks for INFO on the console, after the options a user could give', () => {
    const read = {
      backup: backupCommand({ ...I, mode: 'FULL', progress: true }).args,
      validate: validateCommand({ ...I, progress: true }).args,
      restore: restoreCommand({ ...I, pgdata: '/pg/r' }).args,
      merge: mergeCommand({ ...I, backupId: 'TPMZDN' }).args,
      delete: deleteCommand({ ...I, deleteExpired: true }).args,
      checkdb: checkdbCommand({ ...I, amcheck: true }).args,
      catchup: catchupCommand({ binary: I.binary, mode: 'FULL', sourcePgdata: '/pg/a', destinationPgdata: '/pg/b' }).args,
      'set-backup': setBackupCommand({ ...I, backupId: 'TPMZDN', ttl: '1d' }).args,
    };
    for (const [verb, args] of Object.entries(read)) assert.equal(args[args.length - 1], INFO, verb);
  });

  it('leaves the level alone where it would be stored (set-config, add-instance) or nothing INFO is read', () => {
    const left = [
      setConfigCommand({ ...I, retention: { redundancy: 1 } }).args,
      addInstanceCommand({ ...I, pgdata: '/pg/c1/data' }).args,
      initCommand(I).args, delInstanceCommand(I).args, showCommand(I).args, showArchiveCommand(I).args, showConfigCommand(I).args,
    ];
    for (const args of left) assert.ok(!args.some((a) => a.startsWith('--log-level-console')), args.join(' '));
    assert.deepEqual(setConfigCommand({ ...I, logLevelConsole: 'warning' }).args.filter((a) => a.startsWith('--log-level')), ['--log-level-console=warning']);
  });
});

describe('recorded pg_probackup runs: notes', () => {
  // pg_probackup wrote `note = 'it's "quoted" \ back ünï'`, which no later `show` can read.
  const written = /^note = '(.*)'$/m.exec(text('backup.control.note_with_apostrophe'))?.[1] ?? '';

  it('refuses the note that made the recorded backup.control unreadable, in set-backup and backup', () => {
    assert.equal(written, 'it\'s "quoted" \\ back ünï');
    assert.throws(() => setBackupCommand({ ...I, backupId: 'TPMZS3', note: written }), { name: 'RangeError', message: /cannot contain '/ });
    assert.throws(() => backupCommand({ ...I, mode: 'FULL', note: written }), { name: 'RangeError', message: /cannot contain '/ });
    assert.throws(() => backupCommand(backupOptionsFrom({ ...I, choices: { mode: 'FULL', stream: true, note: "Friday's" } })), RangeError);
  });

  it('refuses a line break (pg_probackup keeps the first line only) and more than 1024 bytes', () => {
    for (const note of ['first\nsecond', 'first\r\nsecond', 'cr\r']) {
      assert.throws(() => setBackupCommand({ ...I, backupId: 'TPMZS3', note }), { name: 'RangeError', message: /single line/ });
    }
    assert.match(noteProblem('ü'.repeat(513)) ?? '', /1024 bytes/);
    assert.equal(noteProblem('a'.repeat(1024)), undefined);
  });

  it('passes what pg_probackup stores as given: quotes, backslashes, non-ASCII, "none" (which removes the note)', () => {
    for (const note of ['"quoted" \\ back ünï', 'before upgrade # not a comment', 'none', '']) {
      assert.equal(noteProblem(note), undefined, note);
      assert.deepEqual(setBackupCommand({ ...I, backupId: 'TPMZS3', note }).args.slice(-2), [`--note=${note}`, INFO]);
    }
  });
});

describe('recorded pg_probackup runs: compression', () => {
  it('says --compress-algorithm=none when the user chose no compression, so the instance\'s zlib does not apply', () => {
    const args = backupCommand(backupOptionsFrom({ ...I, choices: { mode: 'FULL', stream: true, compressAlgorithm: 'none', compressLevel: 6 } })).args;
    assert.deepEqual(args.filter((a) => a.startsWith('--compress')), ['--compress-algorithm=none']);
    const unchosen = backupCommand(backupOptionsFrom({ ...I, choices: { mode: 'FULL', stream: true, compressLevel: 6 } })).args;
    assert.deepEqual(unchosen.filter((a) => a.startsWith('--compress')), [], 'nothing chosen: the instance\'s settings apply');
  });

  it('refuses a level without an algorithm for a backup ("Cannot specify compress-level option alone"), not for set-config', () => {
    assert.throws(() => backupCommand({ ...I, mode: 'FULL', compression: { level: 5 } }), { name: 'RangeError', message: /needs a compression algorithm/ });
    assert.throws(() => compressionArgs({ level: 5 }), RangeError);
    assert.deepEqual(setConfigCommand({ ...I, compression: { level: 5 } }).args.slice(-1), ['--compress-level=5']);
    assert.deepEqual(compressionArgs({ algorithm: 'zlib', level: 5 }), ['--compress-algorithm=zlib', '--compress-level=5']);
  });
});

describe('recorded pg_probackup runs: what a merge leaves', () => {
  it('a merge deletes the target\'s files, then gives the FULL the target\'s ID: the FULL\'s old ID is gone', () => {
    // Delete: TPMZDJ, Delete: TPMZDN, Rename merged full backup TPMZ5Y to TPMZDN.
    assert.deepEqual(mergeCommand({ ...I, backupId: 'TPMZDN' }).parse(run('merge_clean.txt', 0)), {
      backupId: 'TPMZDN', fullBackupId: 'TPMZDN', deleted: ['TPMZDJ', 'TPMZ5Y'],
    });
  });

  it('the same for a merge re-run after a killed one', () => {
    assert.deepEqual(mergeCommand({ ...I, instance: 'seg64', backupId: 'TPMZS3' }).parse(run('merge_resume_seg64.txt', 0)), {
      backupId: 'TPMZS3', fullBackupId: 'TPMZS3', deleted: ['TPMZRR'],
    });
  });

  it('delete --merge-expired: the merge target survives as a FULL, the purge deletes the rest', () => {
    const out = deleteCommand({ ...I, deleteExpired: true, mergeExpired: true, retention: { redundancy: 1 } }).parse(run('delete_expired_r1.txt', 0));
    assert.deepEqual(out.merged, [{ formerId: 'TPMZGN', backupId: 'TPMZH0' }]);
    assert.ok(!out.deleted.includes('TPMZH0'), 'TPMZH0 is the merged FULL now');
    assert.deepEqual(out.deleted, [
      'TPMZGN', 'TPMZJK', 'TPMZJG', 'TPMZHB', 'TPMZH7', 'TPMZEY', 'TPMZEN', 'TPMZDY', 'TPMZDU', 'TPMZDS', 'TPMZ4Y', 'TPMZ4V', 'TPMZ4R', 'TPMZ4F', 'TPMZ3T',
    ]);
  });

  it('a Delete: after the rename (a purge of the merged FULL) does remove the ID', () => {
    const events = logEvents([
      'INFO: Delete: TPMZH0 2026-12-06 18:31:50+00',
      'INFO: Rename merged full backup TPMZGN to TPMZH0',
      'INFO: Delete: TPMZH0 2026-12-06 18:31:50+00',
    ].join('\n'));
    assert.deepEqual(catalogChanges(events), { deleted: ['TPMZGN', 'TPMZH0'], merged: [{ formerId: 'TPMZGN', backupId: 'TPMZH0' }] });
  });
});

describe('recorded pg_probackup runs: validate of broken chains', () => {
  const notValid = (stderr: string): [string, string, string | undefined][] =>
    validationResults(stderr).filter((v) => v.result !== 'valid').map((v) => [v.backupId, v.result, v.reason]);

  it('validate of an instance that exits 1 names the backups that are not valid, and why', () => {
    const r = run('validate_all1.txt', 1);
    assert.equal(thrown(() => validateCommand(I).parse(r)).code, 'backups-not-valid');
    const all = validationResults(r.stderr);
    assert.equal(all.filter((v) => v.result === 'valid').length, 15);
    assert.deepEqual(notValid(r.stderr), [
      ['TPMZEN', 'skipped', 'status RUNNING, now ERROR'],
      ['TPMZDS', 'skipped', 'it names no parent backup'],
    ]);
  });

  it('validate of the catalog: an ERROR backup, and two whose parent was deleted', () => {
    assert.deepEqual(notValid(text('validate_catalog.txt')), [
      ['TPMZTI', 'skipped', 'status ERROR'],
      ['TPMZPU', 'skipped', 'parent TPMZJT is missing'],
      ['TPMZPI', 'skipped', 'parent TPMZJT is missing'],
    ]);
  });

  it('a restore that orphans the children of a missing parent', () => {
    assert.deepEqual(notValid(text('restore_missing_parent.txt')), [
      ['TPMZPU', 'orphan', 'parent TPMZJT is missing'],
      ['TPMZPI', 'orphan', 'parent TPMZJT is missing'],
    ]);
  });

  it('a chain left MERGING: the FULL is skipped, its children orphan or skipped; a later, milder line keeps "orphan"', () => {
    assert.deepEqual(notValid(text('restore_merging_chain.txt')), [
      ['TPMZ4Y', 'orphan', 'parent TPMZ3T is MERGING'],
      ['TPMZ4V', 'orphan', 'parent TPMZ3T is MERGING'],
      ['TPMZ4R', 'skipped', 'parent TPMZ3T is MERGING'],
      ['TPMZ4F', 'skipped', 'parent TPMZ3T is MERGING'],
      ['TPMZ3T', 'skipped', 'status MERGING'],
    ]);
  });

  it('reads the new lines as events', () => {
    const events = logEvents([
      'WARNING: Backup TPMZEN has status RUNNING, change it to ERROR and skip validation',
      'WARNING: Backup TPMZDS has missing parent 0',
      'WARNING: Backup TPMZPU is orphaned because his parent TPMZJT is missing',
      'WARNING: Full backup TPMZ3T has status MERGING, skip validation',
      'WARNING: Backup TPMZ4R has parent TPMZ3T with status: MERGING',
      'WARNING: Cannot lock backup TPMZ52 directory, skip validation',
      'INFO: Rename merged full backup TPMZ5Y to TPMZDN',
    ].join('\n'));
    assert.deepEqual(events, [
      { kind: 'backup-skipped', backupId: 'TPMZEN', status: 'RUNNING', newStatus: 'ERROR' },
      { kind: 'backup-parent-missing', backupId: 'TPMZDS', parentId: undefined, orphaned: false },
      { kind: 'backup-parent-missing', backupId: 'TPMZPU', parentId: 'TPMZJT', orphaned: true },
      { kind: 'backup-skipped', backupId: 'TPMZ3T', status: 'MERGING' },
      { kind: 'backup-parent-invalid', backupId: 'TPMZ4R', parentId: 'TPMZ3T', parentStatus: 'MERGING' },
      { kind: 'backup-not-locked', backupId: 'TPMZ52' },
      { kind: 'merged-full-renamed', fromId: 'TPMZ5Y', toId: 'TPMZDN' },
    ]);
  });
});

describe('recorded pg_probackup runs: failures with a code', () => {
  const cases: [string, string, string | undefined, RegExp][] = [
    ['restore_merging_chain.txt', 'backup-orphan', 'TPMZ4Y', /^Backup TPMZ4Y is orphan\.$/],
    ['restore_missing_parent.txt', 'backup-orphan', 'TPMZPU', /^Restore of backup TPMZPU failed\.$/],
    ['restore_incr_lsn.txt', 'incremental-restore-refused', undefined, /^Incremental restore is not allowed: Backup label exists\./],
    ['checkdb_not_all_amchecked.txt', 'amcheck-not-installed', undefined, /^Some databases were not amchecked\.$/],
  ];
  for (const [file, code, subject, message] of cases) {
    it(`${file} is ${code}`, () => {
      const e = errorFromRun(run(file, 1));
      assert.equal(e.code, code);
      assert.equal(e.subject, subject);
      assert.match(e.message, message);
    });
  }

  it('knows the messages from the source that no recording shows', () => {
    assert.deepEqual(classifyMessage('External directory is not empty: "/pg/ext1"'), {
      code: 'restore-target-not-empty', message: 'External directory is not empty: "/pg/ext1"', subject: '/pg/ext1',
    });
    assert.equal(classifyMessage('Incremental restore is not allowed: Postmaster is running.')?.code, 'restore-target-running');
    assert.equal(classifyMessage('Incremental restore is not allowed: System ID mismatch.')?.code, 'incremental-restore-refused');
    assert.equal(classifyMessage('Validate of backup TPMZPU failed.')?.subject, 'TPMZPU');
    // Index corruption, not a missing extension.
    assert.equal(classifyMessage('checkdb --amcheck finished with failure. Not all checked indexes are valid. Some databases were not amchecked.'), undefined);
  });

  it('a merge whose -j 2 thread failed is that failure, not "interrupted"; cancelled by us, it is', () => {
    const want = 'An error occured during decompressing block: Invalid compression algorithm';
    for (const file of ['merge_resume.txt', 'merge_resume2.txt']) {
      const e = thrown(() => mergeCommand({ ...I, backupId: 'TPMZ4R', threads: 2 }).parse(run(file, 1)));
      assert.deepEqual([e.code, e.message], ['unknown', want], file);
    }
    assert.equal(errorFromRun(run('merge_resume.txt', 1, true)).code, 'interrupted');
  });
});
