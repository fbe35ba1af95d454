// Record lines whose desc holds text a user chose, which can look like block references:
// pg_waldump 15 lines with a restore point's name, a PREPARE's gid and a tablespace path that
// contain ", blkref #…" (printed by a tester's real runs). Those records never reference blocks.
import * as assert from 'node:assert/strict';
import { parseWaldumpLine } from '../../../src/core/waldump/recordLineParser';

describe('pg_waldump record lines with text that looks like block references', () => {
  it('keeps user text in the desc of records that never reference blocks', () => {
    const cases: [string, string][] = [
      ['rmgr: XLOG        len (rec/tot):     98/    98, tx:          0, lsn: 0/06BE5F28, prev 0/06BE5EE8, desc: RESTORE_POINT rp, blkref #0: rel 1663/5/1259 blk 9',
        'rp, blkref #0: rel 1663/5/1259 blk 9'],
      ['rmgr: Transaction len (rec/tot):   1381/  1381, tx:        775, lsn: 0/03BFC188, prev 0/03BFC040, desc: PREPARE gid x, blkref #7: rel 1/2/3 blk 4 FPW: 2026-12-06 18:26:24.699821 UTC',
        'gid x, blkref #7: rel 1/2/3 blk 4 FPW: 2026-12-06 18:26:24.699821 UTC'],
      ['rmgr: Tablespace  len (rec/tot):     80/    80, tx:        757, lsn: 0/03832978, prev 0/038328C8, desc: CREATE 16467 "/tmp/ts, blkref #3: rel 1/2/3 blk 5"',
        '16467 "/tmp/ts, blkref #3: rel 1/2/3 blk 5"'],
    ];
    for (const [line, desc] of cases) {
      const r = parseWaldumpLine(line);
      assert.equal(r.kind, 'record', line);
      if (r.kind !== 'record') continue;
      assert.deepEqual(r.blockRefs, [], line);
      assert.equal(r.desc, desc);
    }
  });

  it('elsewhere takes the references from the first ", blkref #" that starts a valid chain to the end', () => {
    const line = 'rmgr: Btree       len (rec/tot):     64/    64, tx:        733, lsn: 0/01A3F2B8, prev 0/01A3F278, desc: INSERT_LEAF off 2, blkref #x: odd, blkref #0: rel 1663/5/16400 blk 1';
    const r = parseWaldumpLine(line);
    assert.equal(r.kind, 'record');
    if (r.kind !== 'record') return;
    assert.equal(r.desc, 'off 2, blkref #x: odd');
    assert.deepEqual(r.blockRefs.map((b) => [b.id, b.relNumber, b.block]), [[0, 16400, 1]]);
    // A reference that is valid nowhere still makes the line unparsed, as before.
    assert.equal(parseWaldumpLine(line.replace('blk 1', 'blk one')).kind, 'unparsed');
  });
});
