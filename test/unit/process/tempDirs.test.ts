// Temporary folders named after their process: a folder whose process has ended is swept, one
// whose process runs is kept, and nothing that is not ours is touched. Liveness is real: the pids
// are of a process that ran and ended, and of processes still running.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTempDir, makeTempDirSync, sweepStaleTempDirs } from '../../../src/core/process/tempDirs';

describe('temporary folders named after their process', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-tempdirs-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('sweeps the folders of an ended process and keeps those of running ones and everything else', () => {
    const ended = spawnSync('true').pid;
    assert.ok(ended !== undefined && ended > 0);
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const running = sleeper.pid;
      assert.ok(running !== undefined);
      const make = (name: string, withFile = true): string => {
        const d = path.join(base, name);
        mkdirSync(d);
        if (withFile) writeFileSync(path.join(d, 'page-0.txt'), 'x'.repeat(1000));
        return d;
      };
      const stale = [make(`pgbs-waldump-p${ended}-aaaaaa`), make(`pgbs-pass-p${ended}-bbbbbb`), make(`pgbs-wal-p${ended}-cccccc`, false)];
      const kept = [
        make(`pgbs-waldump-p${running}-dddddd`),
        make(`pgbs-waldump-p${process.pid}-eeeeee`),
        make(`pgbs-cluster-p${ended}-ffffff`), // not a kind swept here (clusters have their own registry)
        make(`pgbs-waldump-${ended}`), // not our naming
        make('unrelated'),
      ];
      // A symbolic link with our naming is not a folder of ours: neither it nor its target goes.
      const target = make('link-target');
      symlinkSync(target, path.join(base, `pgbs-walrange-p${ended}-gggggg`));

      const removed = sweepStaleTempDirs(base);
      assert.deepEqual([...removed].sort(), [...stale].sort());
      for (const d of stale) assert.ok(!existsSync(d), `${d} is gone`);
      for (const d of [...kept, target]) assert.ok(existsSync(d), `${d} is kept`);
      assert.ok(existsSync(path.join(target, 'page-0.txt')));
      assert.ok(existsSync(path.join(base, `pgbs-walrange-p${ended}-gggggg`)));
    } finally {
      sleeper.kill();
    }
  });

  it('names new folders with this process, and the first one made under a base sweeps it', async () => {
    const ended = spawnSync('true').pid;
    const stale = path.join(base, `pgbs-wal-p${ended}-hhhhhh`);
    mkdirSync(stale);
    const made = makeTempDirSync('waldump', base);
    assert.match(path.basename(made), new RegExp(`^pgbs-waldump-p${process.pid}-`));
    assert.ok(!existsSync(stale), 'the first folder made under this base swept the stale one');
    const again = await makeTempDir('pass', base);
    assert.match(path.basename(again), new RegExp(`^pgbs-pass-p${process.pid}-`));
    assert.ok(existsSync(made) && existsSync(again));
  });
});
