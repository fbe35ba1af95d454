import * as assert from 'node:assert/strict';
import { parseWaldumpLine } from '../../../src/core/waldump/recordLineParser';
import { recordPartAt } from '../../../src/core/waldump/recordPartAt';
import { waldumpFixture } from './waldumpFixtures';

describe('part of a line under a column', () => {
  it('finds the fixed fields, desc keys and values and block reference parts of a record', () => {
    const line = waldumpFixture('pg17', 'waldump_seg1_heap_n15.txt').lines[1] ?? '';
    const r = parseWaldumpLine(line);
    const at = (text: string, n = 0): number => {
      let i = -1;
      for (let k = 0; k <= n; k++) i = line.indexOf(text, i + 1);
      assert.ok(i >= 0, text);
      return i;
    };
    const lsn = /lsn: (\S+),/.exec(line)?.[1] ?? '';
    const p = recordPartAt(r, at(lsn) + 2);
    assert.equal(p?.kind, 'lsn');
    assert.equal(line.slice(p.span.start, p.span.end), lsn);
    assert.equal(recordPartAt(r, at('Heap'))?.kind, 'rmgr');
    assert.equal(recordPartAt(r, at('UPDATE'))?.kind, 'type');
    const key = recordPartAt(r, at('old_xmax') + 1);
    assert.equal(key?.kind, 'descKey');
    if (key?.kind === 'descKey') assert.equal(key.field.key, 'old_xmax');
    const rel = /blkref #1: rel (\S+)/.exec(line)?.[1] ?? '';
    const b = recordPartAt(r, at(rel, 1));
    assert.equal(b?.kind, 'blockRef');
    if (b?.kind === 'blockRef') {
      assert.equal(b.part, 'rel');
      assert.equal(b.blockRef.id, 1);
    }
    const fpw = recordPartAt(r, at('FPW'));
    assert.ok(fpw?.kind === 'blockRef' && fpw.part === 'fpw');
    assert.equal(recordPartAt(r, 0), undefined); // "rmgr:" label
  });

  it('finds LSNs in messages and parts of -b lines', () => {
    const m = parseWaldumpLine('pg_waldump: error: could not find a valid record after 0/3000000');
    const p = recordPartAt(m, m.line.indexOf('0/3000000') + 1);
    assert.ok(p?.kind === 'messageLsn' && p.text === '0/3000000');
    const bl = waldumpFixture('pg15', 'waldump_bkp_details.txt').lines.find((l) => l.includes('(FPW)')) ?? '';
    const b = parseWaldumpLine(bl);
    const f = recordPartAt(b, bl.indexOf('FPW'));
    assert.ok(f?.kind === 'blockRef' && f.part === 'fpw');
  });
});
