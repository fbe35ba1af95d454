import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { addLsn, compareLsn, formatLsn, isValidLsn, lsnDiff, lsnFromParts, lsnParts, MAX_LSN, parseLsn } from '../../../src/core/waldump/lsn';
import {
  isValidSegmentSize, lsnToWalLocation, parseWalFileName, segmentFileName, segmentNumber, segmentOffset, segmentsPerXLogId,
} from '../../../src/core/waldump/walSegment';
import { parseRecordLine } from '../../../src/core/waldump/recordLineParser';
import { parseWalStats } from '../../../src/core/waldump/statsParser';
import { waldumpFixture } from './waldumpFixtures';

const lsnArb = fc.bigInt({ min: 0n, max: MAX_LSN });
const segSizeArb = fc.integer({ min: 20, max: 30 }).map((p) => 2 ** p);

describe('LSN arithmetic', () => {
  it('parses and prints X/Y as PostgreSQL does', () => {
    assert.equal(parseLsn('0/010CFEB8'), 0x010cfeb8n);
    assert.equal(parseLsn('16/B374D848'), (0x16n << 32n) | 0xb374d848n);
    assert.equal(parseLsn('0/1B89488'), 0x1b89488n); // the unpadded form of 13–17 messages
    assert.equal(parseLsn('ffffffff/ffffffff'), MAX_LSN);
    for (const bad of ['', '0', '0/', '/1', '0/123456789', 'G/0', '0/1 x', '-1/0']) assert.equal(parseLsn(bad), undefined, bad);
    assert.equal(formatLsn(0x010cfeb8n), '0/010CFEB8');
    assert.equal(formatLsn(0x1b89488n, { padLow: false }), '0/1B89488');
    assert.equal(formatLsn((0x16n << 32n) | 0xb374d848n), '16/B374D848');
  });

  it('round-trips text and parts', () => {
    fc.assert(fc.property(lsnArb, (lsn) => {
      assert.equal(parseLsn(formatLsn(lsn)), lsn);
      assert.equal(parseLsn(formatLsn(lsn, { padLow: false })), lsn);
      const { hi, lo } = lsnParts(lsn);
      assert.equal(lsnFromParts(hi, lo), lsn);
    }));
  });

  it('compares, adds and subtracts like 64-bit positions', () => {
    fc.assert(fc.property(lsnArb, lsnArb, (a, b) => {
      assert.equal(compareLsn(a, b), a < b ? -1 : a > b ? 1 : 0);
      assert.equal(compareLsn(a, b) + compareLsn(b, a), 0);
      assert.equal(compareLsn(a, a), 0);
      if (a >= b) assert.equal(addLsn(b, lsnDiff(a, b)), a);
    }));
    assert.equal(addLsn(0xffffffffn, 1), 0x100000000n);
    assert.equal(formatLsn(addLsn(parseLsn('0/FFFFFFFF') ?? 0n, 1)), '1/00000000');
    assert.throws(() => addLsn(MAX_LSN, 1), RangeError);
    assert.throws(() => addLsn(0n, -1), RangeError);
  });

  it('knows InvalidXLogRecPtr', () => {
    assert.equal(isValidLsn(0n), false);
    assert.equal(isValidLsn(1n), true);
    assert.equal(isValidLsn(MAX_LSN), true);
    assert.equal(isValidLsn(MAX_LSN + 1n), false);
    assert.equal(isValidLsn(-1n), false);
  });

  it('orders record LSNs the way the dump prints them, each prev before its record', () => {
    const lines = waldumpFixture('pg15', 'waldump_busy.txt').lines;
    let last = -1n;
    for (const line of lines) {
      const r = parseRecordLine(line);
      if (!r) continue;
      assert.equal(compareLsn(r.prev, r.lsn), -1);
      assert.ok(r.lsn > last);
      assert.equal(parseLsn(formatLsn(r.lsn)), r.lsn);
      assert.equal(formatLsn(r.lsn), r.lsnText);
      last = r.lsn;
    }
  });
});

describe('WAL segment names', () => {
  it('accepts only powers of two from 1 MiB to 1 GiB', () => {
    for (let p = 20; p <= 30; p++) assert.ok(isValidSegmentSize(2 ** p));
    for (const bad of [2 ** 19, 2 ** 31, 3 * 2 ** 20, 0, -16, 16.5]) assert.ok(!isValidSegmentSize(bad), String(bad));
    assert.throws(() => segmentNumber(0n, 12345), RangeError);
  });

  it('names the 16 MB segment of an LSN as %08X%08X%08X of (tli, lsn >> 32, low 32 bits >> 24)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 0xffffffff }), lsnArb, (tli, lsn) => {
      const hi = Number(lsn >> 32n);
      const lo = Number(lsn & 0xffffffffn);
      const expected = [tli, hi, lo >>> 24].map((n) => n.toString(16).toUpperCase().padStart(8, '0')).join('');
      const loc = lsnToWalLocation(lsn, tli);
      assert.equal(loc.fileName, expected);
      assert.equal(loc.offset, lo & 0xffffff);
    }));
    // the stats fixture of pg15 ran over segment 9 of timeline 1
    const stats = parseWalStats(waldumpFixture('pg15', 'waldump_busy_stats.txt').text);
    assert.equal(lsnToWalLocation(stats.startLsn ?? 0n, 1).fileName, '000000010000000000000009');
  });

  it('works for every segment size: offset within the segment, file of the segment', () => {
    fc.assert(fc.property(segSizeArb, fc.integer({ min: 1, max: 1000 }), lsnArb, (size, tli, lsn) => {
      const per = 0x100000000n / BigInt(size);
      assert.equal(segmentsPerXLogId(size), per);
      const segno = lsn / BigInt(size);
      const loc = lsnToWalLocation(lsn, tli, size);
      assert.equal(loc.segmentNumber, segno);
      assert.equal(BigInt(loc.offset), lsn - segno * BigInt(size));
      assert.equal(segmentOffset(lsn, size), loc.offset);
      const name = parseWalFileName(loc.fileName, size);
      assert.ok(name);
      assert.equal(name.timeline, tli);
      assert.equal(name.segmentNumber, segno);
      assert.ok(name.startLsn <= lsn && lsn < name.endLsn);
      assert.equal(segmentFileName(tli, name.segmentNumber, size), loc.fileName);
    }));
  });

  it('reads .partial and compressed names, and refuses what is not a segment', () => {
    const p = parseWalFileName('00000002000000010000003F.partial');
    assert.ok(p);
    assert.deepEqual([p.timeline, p.segmentNumber, p.partial, p.compression], [2, 0x13fn, true, undefined]);
    assert.equal(formatLsn(p.startLsn), '1/3F000000');
    const gz = parseWalFileName('000000010000000000000009.gz');
    assert.deepEqual([gz?.segmentNumber, gz?.partial, gz?.compression, gz?.baseName], [9n, false, 'gz', '000000010000000000000009']);
    assert.equal(parseWalFileName('000000010000000000000009.partial.gz')?.partial, true);
    // with 64 MB segments only 64 segments fit in one xlog id
    assert.equal(parseWalFileName('000000010000000000000040', 64 * 1024 * 1024), undefined);
    assert.equal(parseWalFileName('00000001000000000000003F', 64 * 1024 * 1024)?.startLsn, 0x3fn * 64n * 1024n * 1024n);
    for (const bad of ['00000001000000000000000', '00000001000000000000000G', '000000000000000000000001', '000000010000000000000001.history', '000000010000000000000001.gz.gz', 'x000000010000000000000001', '000000010000000000000100']) {
      assert.equal(parseWalFileName(bad), undefined, bad);
    }
  });
});
