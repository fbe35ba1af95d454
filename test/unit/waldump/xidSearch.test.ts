import * as assert from 'node:assert/strict';
import { xidLinesInText } from '../../../src/core/waldump/xidSearch';
import { fixturesOf } from './waldumpFixtures';

// The expectation is computed independently: split the text into lines and read each record
// line's xid with a regular expression.
function expected(text: string, xid: number): number[] {
  return text.split('\n').flatMap((l, i) => {
    const m = /^rmgr: .*?, tx:\s+(\d+), lsn: /.exec(l);
    return m && Number(m[1]) === xid ? [i] : [];
  });
}

describe('finding a transaction in dump text without an index', () => {
  for (const f of fixturesOf('records')) {
    it(`lists the same lines as a line-by-line reading in ${f.name}`, () => {
      const xids = [...new Set(f.text.split('\n').map((l) => /, tx:\s+(\d+), /.exec(l)?.[1]).filter((x) => x !== undefined).map(Number))];
      assert.ok(xids.length > 0);
      // every xid on small fixtures; a spread of them on the big ones
      const step = Math.max(1, Math.floor(xids.length / 60));
      for (let k = 0; k < xids.length; k += step) {
        const xid = xids[k] ?? 0;
        assert.deepEqual(xidLinesInText(f.text, xid), expected(f.text, xid), `xid ${xid}`);
      }
    });
  }

  it('does not take a longer xid with the same digits, nor a desc that looks like a record', () => {
    const text = [
      'rmgr: Heap        len (rec/tot):     54/    54, tx:        712, lsn: 0/01000028, prev 0/00000000, desc: INSERT off: 1',
      'rmgr: Heap        len (rec/tot):     54/    54, tx:       1712, lsn: 0/01000060, prev 0/01000028, desc: INSERT off: 2',
      '\tnot a record, tx:        712, lsn: 0/0',
      'rmgr: Transaction len (rec/tot):     34/    34, tx:        712, lsn: 0/01000098, prev 0/01000060, desc: COMMIT 2026-11-25 10:00:00 UTC',
    ].join('\r\n');
    assert.deepEqual(xidLinesInText(text, 712), [0, 3]);
    assert.deepEqual(xidLinesInText(text, 1712), [1]);
    assert.deepEqual(xidLinesInText(text, 12), []);
  });
});
