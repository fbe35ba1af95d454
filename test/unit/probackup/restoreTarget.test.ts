import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restoreCommand } from '../../../src/core/probackup/dataCommands';
import { ProbackupError } from '../../../src/core/probackup/probackupError';
import { runningPostmasterPid } from '../../../src/core/probackup/restoreTarget';
import { recordedRun } from './recorded';

describe('restore into a running instance', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-pb-restore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A pid that belonged to a real process which has exited. */
  function deadPid(): number {
    const r = spawnSync(process.execPath, ['-e', '0']);
    assert.ok(r.pid && r.pid > 0);
    return r.pid;
  }

  it('sees a live postmaster.pid, and not a stale or missing one', () => {
    assert.equal(runningPostmasterPid(dir), undefined);
    writeFileSync(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`);
    assert.equal(runningPostmasterPid(dir), process.pid);
    writeFileSync(path.join(dir, 'postmaster.pid'), `${deadPid()}\n${dir}\n`);
    assert.equal(runningPostmasterPid(dir), undefined);
    writeFileSync(path.join(dir, 'postmaster.pid'), 'garbage\n');
    assert.equal(runningPostmasterPid(dir), undefined);
  });

  it('tells restore-target-running from restore-target-not-empty on the recorded refusal', () => {
    const run = recordedRun('scram-signals-retention/err_restore_running.txt');
    const parse = (): unknown => restoreCommand({ binary: 'pg_probackup', catalog: '/c', instance: 'main', pgdata: dir }).parse(run);
    assert.throws(parse, (e: unknown) => e instanceof ProbackupError && e.code === 'restore-target-not-empty');
    writeFileSync(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n`);
    assert.throws(parse, (e: unknown) => e instanceof ProbackupError && e.code === 'restore-target-running'
      && /Restore destination is not empty/.test(e.message) && e.subject === dir);
  });
});
