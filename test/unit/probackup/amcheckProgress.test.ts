// checkdb --amcheck --progress, recorded from pg_probackup 2.5.16: the files first, then each
// database's indexes with a count of its own. The bar used to reach 100% at the last file and
// sit there through every index.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createProgressTracker, parseProgressLine } from '../../../src/core/probackup/progress';
import { ownFixture } from '../../support/paths';

const lines = readFileSync(ownFixture('pg_probackup-recorded', 'checkdb_amcheck_progress.txt'), 'utf8').split('\n');

describe('checkdb --amcheck progress', () => {
  it('reads the index lines', () => {
    assert.deepEqual(parseProgressLine("INFO: Thread [1]. Progress: (2/166). Amchecking index 'public.pgbench_branches_pkey'"),
      { verb: 'Amchecking', done: 2, total: 166, file: 'public.pgbench_branches_pkey' });
  });

  it('moves through the files and then the indexes of every database, never back', () => {
    const t = createProgressTracker('checkdb-amcheck');
    const seen: number[] = [];
    let atLastFile: number | undefined;
    let afterFirstDatabase: number | undefined;
    for (const l of lines) {
      if (/Amchecking database 'db2'/.test(l)) afterFirstDatabase = seen.at(-1);
      const s = t.push(l);
      if (s === undefined) continue;
      seen.push(s.fraction);
      if (/Process file/.test(l) && s.done === s.total) atLastFile = s.fraction;
    }
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i] as number) >= (seen[i - 1] as number), `step ${i} goes back`);
    assert.ok(atLastFile !== undefined && atLastFile < 0.7, `after the files the bar is at ${atLastFile}, with the indexes still to come`);
    // The first database's last index is not the end: another database follows, and moves it on.
    assert.ok(afterFirstDatabase !== undefined && afterFirstDatabase < 1, `after the first database: ${afterFirstDatabase}`);
    assert.ok((seen.at(-1) as number) > afterFirstDatabase && (seen.at(-1) as number) < 1, 'the bar is full only when the run ends');
    assert.equal(t.state.phase, 'Checking indexes');
    assert.equal(t.complete().fraction, 1);
  });
});
