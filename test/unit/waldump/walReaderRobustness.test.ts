// Input that is not WAL, or not whole: the reader must end with a typed result and a message,
// never throw, never loop, whatever the bytes.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { listSegment, readWalBuffers, readWalFiles } from '../../../src/core/waldump/walReaderList';

const KINDS = new Set(['end-of-wal', 'invalid-record', 'missing-segment', 'truncated', 'unknown-magic', 'invalid-segment', 'io-error', 'segment-end']);

/** A plausible long page header (PostgreSQL 15, 1 MB segments, 8 kB pages) for segment 3. */
function longHeader(): Uint8Array {
  const b = new Uint8Array(40);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0xd110, true);
  dv.setUint16(2, 0x0002, true);
  dv.setUint32(4, 1, true);
  dv.setBigUint64(8, 3n * 1024n * 1024n, true);
  dv.setBigUint64(24, 42n, true);
  dv.setUint32(32, 1024 * 1024, true);
  dv.setUint32(36, 8192, true);
  return b;
}

describe('WAL reader on broken input', () => {
  it('a zero-filled 16 MB segment: no records, not a written segment', () => {
    const out = listSegment(new Uint8Array(16 * 1024 * 1024));
    assert.equal(out.records.length, 0);
    assert.equal(out.end.kind, 'invalid-segment');
    assert.match(out.end.message, /zeroed page/);
  });

  it('an empty file and a file shorter than a page header: truncated', () => {
    assert.equal(listSegment(new Uint8Array(0)).end.kind, 'truncated');
    assert.equal(listSegment(longHeader().subarray(0, 30)).end.kind, 'truncated');
  });

  it('a valid header followed by nothing: truncated at the first page', () => {
    const out = listSegment(longHeader());
    assert.equal(out.info?.major, 15);
    assert.equal(out.end.kind, 'truncated');
    assert.match(out.end.message, /truncated/);
  });

  it('a valid first page of zeros after the header: end of WAL at the first record position', () => {
    const seg = new Uint8Array(1024 * 1024);
    seg.set(longHeader());
    const out = listSegment(seg);
    assert.equal(out.end.kind, 'end-of-wal');
    assert.equal(out.end.lsn, 3n * 1024n * 1024n + 40n);
    assert.equal(out.end.message, 'end of WAL at 0/00300028: invalid record length: expected at least 24, got 0');
  });

  it('an unknown magic: says which, newer or unknown', () => {
    const seg = longHeader();
    seg[0] = 0x21; // 0xD121
    const out = listSegment(seg);
    assert.equal(out.end.kind, 'unknown-magic');
    assert.match(out.end.message, /newer\/unknown WAL format \(magic 0xD121\)/);
    assert.equal(out.info, undefined);
  });

  it('a missing file or a directory: io-error naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'walreader-'));
    try {
      const missing = path.join(dir, '000000010000000000000003');
      const out = readWalFiles([missing]);
      assert.equal(out.end.kind, 'io-error');
      assert.ok(out.end.message.includes(missing));
      const asDir = readWalFiles([dir]);
      assert.equal(asDir.end.kind, 'io-error');
      writeFileSync(missing, new Uint8Array(100));
      assert.equal(readWalFiles([missing]).end.kind, 'invalid-segment');
      assert.equal(readWalFiles([]).end.kind, 'io-error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random bytes, with or without a valid first header: a typed end, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40000 }), fc.boolean(), fc.nat(), (bytes, withHeader, seed) => {
        const seg = new Uint8Array(Math.max(bytes.length, withHeader ? 40 : 0));
        seg.set(bytes);
        if (withHeader) seg.set(longHeader());
        // Plant a plausible first record length now and then, so decoding paths run too.
        if (withHeader && seg.length > 48 && seed % 2 === 0) new DataView(seg.buffer).setUint32(40, 24 + (seed % 300), true);
        const out = readWalBuffers([seg, seg]);
        assert.ok(KINDS.has(out.end.kind), out.end.kind);
        assert.equal(typeof out.end.message, 'string');
        assert.ok(out.end.message.length > 0);
      }),
      { numRuns: 200 },
    );
  });
});
