import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { WaldumpIndex } from '../../../src/core/waldump/dumpIndex';
import { waldumpFixture } from './waldumpFixtures';

// Expectations come from the text itself: line starts by scanning for '\n', LSNs and xids
// by cutting the `lsn: ` and `tx: ` fields out of each line.
function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function fieldOf(line: string, key: string): string | undefined {
  const m = new RegExp(`, ${key}:\\s+([0-9A-F/]+),`).exec(line);
  return m?.[1];
}

function lsnOf(text: string): bigint {
  const [hi = '', lo = ''] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

describe('index over a dump', () => {
  const f = waldumpFixture('pg17', 'waldump_seg3_pgbench.txt');
  const whole = WaldumpIndex.of(f.text);

  it('finds line starts and the line of any offset', () => {
    const starts = lineStarts(f.text);
    assert.equal(whole.lineCount, starts.length);
    for (let i = 0; i < starts.length; i += 997) {
      assert.equal(whole.lineStart(i), starts[i]);
      assert.equal(whole.lineAt(starts[i] ?? 0), i);
      assert.equal(whole.lineAt((starts[i + 1] ?? f.text.length) - 1), i);
    }
  });

  it('finds each record by its LSN, and the record containing any WAL position', () => {
    f.lines.forEach((line, i) => {
      const lsn = fieldOf(line, 'lsn');
      if (lsn !== undefined && i % 7 === 0) assert.equal(whole.lineOfLsn(lsnOf(lsn)), i);
    });
    // a position inside record i (one byte after its start) belongs to record i
    const i = 1234;
    const lsn = lsnOf(fieldOf(f.lines[i] ?? '', 'lsn') ?? '');
    assert.equal(whole.lineOfLsn(lsn + 1n), -1);
    assert.equal(whole.lineOfLsn(lsn + 1n, true), i);
    assert.equal(whole.lineOfLsn(0n, true), -1);
  });

  it('lists the lines of a transaction', () => {
    const xid = Number(fieldOf(f.lines[5000] ?? '', 'tx'));
    const expected = f.lines.flatMap((l, i) => (Number(fieldOf(l, 'tx')) === xid ? [i] : []));
    assert.ok(expected.length > 1);
    assert.deepEqual(whole.linesOfXid(xid), expected);
    assert.deepEqual(whole.linesOfXid(0xfffffff0), []);
  });

  it('gives the same index whatever the chunks the text arrives in', () => {
    const text = waldumpFixture('pg15', 'waldump_bkp_details.txt').text;
    const ref = WaldumpIndex.of(text);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const ix = new WaldumpIndex();
      let from = 0;
      for (const p of [...points, text.length]) {
        ix.append(text.slice(from, p));
        from = p;
      }
      ix.end();
      assert.equal(ix.lineCount, ref.lineCount);
      assert.equal(ix.recordCount, ref.recordCount);
      for (let k = 0; k < ref.lineCount; k++) assert.equal(ix.lineStart(k), ref.lineStart(k));
      for (let k = 0; k < ref.recordCount; k++) assert.equal(ix.recordLsn(k), ref.recordLsn(k));
    }), { numRuns: 50 });
  });

  it('answers at line 1,000,000 of a streamed dump, also when LSNs come out of order', function () {
    this.timeout(60000);
    const lines = f.lines;
    const ix = new WaldumpIndex();
    // the same segment again and again, each copy shifted by one 16 MB segment, streamed in 64 KiB chunks;
    // the copies are appended in a shuffled order so the LSNs are not sorted in the text
    const copies = Math.ceil(1_000_100 / lines.length);
    const orderOfCopies = Array.from({ length: copies }, (_, c) => (c * 7) % copies);
    let buffer = '';
    let total = 0;
    for (const c of orderOfCopies) {
      const shift = BigInt(c) << 24n;
      for (const line of lines) {
        const lsn = fieldOf(line, 'lsn') ?? '0/0';
        const moved = lsnOf(lsn) + shift;
        const text = `${(moved >> 32n).toString(16).toUpperCase()}/${(moved & 0xffffffffn).toString(16).toUpperCase().padStart(8, '0')}`;
        buffer += `${line.replace(`lsn: ${lsn},`, `lsn: ${text},`)}\n`;
        total++;
        if (buffer.length > 65536) {
          ix.append(buffer);
          buffer = '';
        }
      }
    }
    ix.append(buffer);
    ix.end();
    assert.equal(ix.lineCount, total);
    assert.ok(ix.lineCount >= 1_000_000);
    const target = 1_000_000 - 1;
    const c = orderOfCopies[Math.floor(target / lines.length)] ?? 0;
    const k = target % lines.length;
    const lsn = lsnOf(fieldOf(lines[k] ?? '', 'lsn') ?? '') + (BigInt(c) << 24n);
    assert.equal(ix.lineOfLsn(lsn), target);
  });
});
