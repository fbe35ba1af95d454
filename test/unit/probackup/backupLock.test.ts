// The lock file pg_probackup keeps in a backup it works on (backup.pid, the pid as text): the
// holder is alive while its process runs and ended after. The processes here are real: one that
// ran and exited, and one still running.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backupLockHolder } from '../../../src/core/probackup/backupLock';

describe('backup lock file (backup.pid)', () => {
  let catalog: string;
  const lock = (id: string, text: string): void => {
    mkdirSync(path.join(catalog, 'backups', 'main', id), { recursive: true });
    writeFileSync(path.join(catalog, 'backups', 'main', id, 'backup.pid'), text);
  };
  beforeEach(() => {
    catalog = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-lock-'));
  });
  afterEach(() => rmSync(catalog, { recursive: true, force: true }));

  it('names the holder and whether its process still runs', () => {
    const ended = spawnSync('true').pid as number;
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      // pg_probackup writes the pid followed by a newline.
      lock('TENDED', `${ended}\n`);
      lock('TALIVE', `${sleeper.pid}\n`);
      assert.deepEqual(backupLockHolder(catalog, 'main', 'TENDED'), { pid: ended, alive: false });
      assert.deepEqual(backupLockHolder(catalog, 'main', 'TALIVE'), { pid: sleeper.pid, alive: true });
    } finally {
      sleeper.kill();
    }
  });

  it('gives nothing without a lock file, or with one that holds no pid', () => {
    lock('TEMPTY', '');
    lock('TBOGUS', 'not a pid\n');
    lock('TZERO', '0\n');
    for (const id of ['TEMPTY', 'TBOGUS', 'TZERO', 'TNOLOCK']) assert.equal(backupLockHolder(catalog, 'main', id), undefined, id);
  });
});
