// The WAL reader on small WAL streams written here, byte by byte, from the layout in
// PostgreSQL's xlog_internal.h and xlogrecord.h: page headers (long on a segment's first page),
// records split across pages and segments with XLP_FIRST_IS_CONTRECORD and xlp_rem_len, MAXALIGN
// between records, CRC-32C from a bitwise reference, block references with page images. The
// expected LSNs, lengths and fields come from this writer, not from the reader.
import * as assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WalReader } from '../../../src/core/waldump/walReader';
import { readWalBuffers, readWalFiles, listSegment } from '../../../src/core/waldump/walReaderList';
import { bufferSegmentSource, callbackSegmentSource, fdSegment } from '../../../src/core/waldump/walReaderSource';

const SEG = 1024 * 1024;
const BLK = 8192;
const MAGIC15 = 0xd110;
const MAGIC13 = 0xd106;
const SYSID = 7123456789012345678n;

/** Bit-at-a-time CRC-32C, independent of the table-driven one under test. */
function refCrc(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) {
    for (const b of p) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
  }
  return (c ^ 0xffffffff) >>> 0;
}

class Bytes {
  private parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >>> 8); }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  u64(v: bigint): this { return this.u32(Number(v & 0xffffffffn)).u32(Number(v >> 32n)); }
  raw(b: Uint8Array): this { for (const x of b) this.parts.push(x); return this; }
  fill(n: number, v: number): this { for (let i = 0; i < n; i++) this.parts.push(v & 0xff); return this; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

interface Written { lsn: number; tot: number }

/** Writes records into consecutive segments the way XLogInsert lays them out. */
class WalWriter {
  readonly segs: Uint8Array[];
  pos: number;
  prev = 0;
  constructor(readonly firstSegNo: number, nSegs: number, readonly magic = MAGIC15) {
    this.segs = Array.from({ length: nSegs }, () => new Uint8Array(SEG));
    this.pos = firstSegNo * SEG;
  }
  private put(addr: number, bytes: Uint8Array): void {
    const seg = Math.floor(addr / SEG) - this.firstSegNo;
    (this.segs[seg] as Uint8Array).set(bytes, addr % SEG);
  }
  private pageHeader(addr: number, remLen: number, pageAddr = addr): number {
    const long = addr % SEG === 0;
    const b = new Bytes().u16(this.magic).u16((long ? 2 : 0) | (remLen > 0 ? 1 : 0)).u32(1).u64(BigInt(pageAddr)).u32(remLen).u32(0);
    if (long) b.u64(SYSID).u32(SEG).u32(BLK);
    const bytes = b.done();
    this.put(addr, bytes);
    return bytes.length;
  }
  begin(): void {
    this.pos += this.pageHeader(this.pos, 0);
  }
  /** Appends a record with the given rmgr, info, xid and body (everything after the 24-byte header). */
  record(rmid: number, info: number, xid: number, body: Uint8Array): Written {
    if (this.pos % BLK === 0) this.pos += this.pageHeader(this.pos, 0);
    const tot = 24 + body.length;
    const head = new Bytes().u32(tot).u32(xid).u64(BigInt(this.prev)).u8(info).u8(rmid).u16(0).done();
    const crc = refCrc([body, head]);
    const rec = new Bytes().raw(head).u32(crc).raw(body).done();
    const lsn = this.pos;
    let i = 0;
    while (i < rec.length) {
      const n = Math.min(BLK - (this.pos % BLK), rec.length - i);
      this.put(this.pos, rec.subarray(i, i + n));
      this.pos += n;
      i += n;
      if (i < rec.length) this.pos += this.pageHeader(this.pos, rec.length - i);
    }
    this.pos = Math.ceil(this.pos / 8) * 8;
    this.prev = lsn;
    return { lsn, tot };
  }
  /** Overwrites a page header's pageaddr, as a recycled segment would have. */
  stalePage(addr: number): void {
    this.pageHeader(addr, 0, addr - 5 * SEG);
  }
}

function mainData(n: number, fill = 0x5a): Uint8Array {
  const data = new Uint8Array(n).fill(fill);
  return n < 256 ? new Bytes().u8(255).u8(n).raw(data).done() : new Bytes().u8(254).u32(n).raw(data).done();
}

const lsnText = (n: number): string => `${Math.floor(n / 2 ** 32).toString(16).toUpperCase()}/${(n % 2 ** 32).toString(16).toUpperCase().padStart(8, '0')}`;

describe('WAL reader on synthetic WAL', () => {
  // One stream of two segments, shared by the cases below.
  const w = new WalWriter(5, 2);
  w.begin();
  const recs: Written[] = [];
  recs.push(w.record(0, 0x20, 0, mainData(10))); // XLOG NOOP
  // Heap INSERT+INIT: block 0 with data, will-init, rel 1663/5/16384 blk 0; then 3 bytes of main data.
  const heapBody = new Bytes().u8(0).u8(0x20 | 0x40).u16(20).u32(1663).u32(5).u32(16384).u32(0)
    .u8(255).u8(3).fill(20, 1).fill(3, 2).done();
  recs.push(w.record(10, 0x80, 735, heapBody));
  // XLOG FPI with two images: block 0 with a hole (offset 100, 5000 bytes), block 1 of the same
  // relation without a hole, in the visibility-map fork. Larger than a page, so it spans pages.
  const img0 = 8192 - 5000;
  const fpiBody = new Bytes()
    .u8(0).u8(0x10).u16(0).u16(img0).u16(100).u8(0x01 | 0x02).u32(1663).u32(5).u32(16385).u32(7)
    .u8(1).u8(0x10 | 0x80 | 2).u16(0).u16(8192).u16(0).u8(0x02).u32(9)
    .fill(img0, 0xa1).fill(8192, 0xb2).done();
  recs.push(w.record(0, 0xb0, 0, fpiBody));
  // Transaction COMMIT with a replication origin and a top-level xid, then long main data over three pages.
  const commitBody = new Bytes().u8(253).u16(4).u8(252).u32(700).raw(mainData(20000)).done();
  recs.push(w.record(1, 0x00, 736, commitBody));
  // Fill to near the end of the first segment, then a record that continues into the second.
  while (w.pos < 6 * SEG - 3000) recs.push(w.record(0, 0x20, 0, mainData(300, w.pos & 0xff)));
  const spanning = w.record(0, 0x20, 0, mainData(9000));
  recs.push(spanning);
  const afterSpan = w.record(15, 0x00, 737, mainData(40)); // Sequence LOG
  recs.push(afterSpan);
  const endPos = w.pos;

  it('reads every record with the LSN, length and prev-link it was written with, then stops at the zeroed rest', () => {
    const out = readWalBuffers(w.segs);
    assert.equal(out.info?.major, 15);
    assert.equal(out.info?.segmentSize, SEG);
    assert.equal(out.info?.xlogBlockSize, BLK);
    assert.equal(out.info?.systemId, SYSID);
    assert.equal(out.info?.firstSegmentName, '000000010000000000000005');
    assert.equal(out.records.length, recs.length);
    out.records.forEach((r, i) => {
      const want = recs[i] as Written;
      assert.equal(r.lsn, BigInt(want.lsn), `record ${i}`);
      assert.equal(r.totalLength, want.tot);
      assert.equal(r.prev, BigInt(i === 0 ? 0 : (recs[i - 1] as Written).lsn));
    });
    assert.equal(out.end.kind, 'end-of-wal');
    assert.equal(out.end.lsn, BigInt(endPos));
    assert.match(out.end.message, new RegExp(`^end of WAL at ${lsnText(endPos)}: `));
  });

  it('decodes types, xids, block references, images, origin and top-level xid', () => {
    const [noop, heap, fpi, commit] = readWalBuffers(w.segs).records;
    assert.ok(noop && heap && fpi && commit);
    assert.deepEqual([noop.rmgr, noop.type, noop.mainDataLength], ['XLOG', 'NOOP', 10]);
    assert.deepEqual([heap.rmgr, heap.type, heap.xid, heap.mainDataLength], ['Heap', 'INSERT+INIT', 735, 3]);
    assert.equal(heap.blocks.length, 1);
    assert.deepEqual(heap.blocks[0], {
      id: 0, spcOid: 1663, dbOid: 5, relNumber: 16384, fork: 0, forkName: 'main', block: 0,
      sameRel: false, willInit: true, hasData: true, dataLength: 20,
    });
    assert.equal(fpi.type, 'FPI');
    assert.equal(fpi.totalLength, fpiBody.length + 24);
    assert.equal(fpi.fpiLength, img0 + 8192);
    assert.equal(fpi.recordLength, fpi.totalLength - img0 - 8192);
    const [b0, b1] = fpi.blocks;
    assert.deepEqual(b0?.image, { length: img0, holeOffset: 100, holeLength: 5000, apply: true, compression: 'none', info: 3 });
    assert.deepEqual([b0?.relNumber, b0?.block, b0?.sameRel], [16385, 7, false]);
    assert.deepEqual([b1?.spcOid, b1?.dbOid, b1?.relNumber, b1?.forkName, b1?.block, b1?.sameRel], [1663, 5, 16385, 'vm', 9, true]);
    assert.deepEqual(b1?.image, { length: 8192, holeOffset: 0, holeLength: 0, apply: true, compression: 'none', info: 2 });
    assert.deepEqual([commit.rmgr, commit.type, commit.xid, commit.origin, commit.toplevelXid, commit.mainDataLength],
      ['Transaction', 'COMMIT', 736, 4, 700, 20000]);
    assert.equal(commit.endLsn - commit.lsn, 20000n + 5n + 24n + 3n + 5n + 2n * 24n, 'ends after three page headers');
  });

  it('lists one segment: records that start in it, and stops at a record continued in a missing segment', () => {
    const one = listSegment(w.segs[0] as Uint8Array);
    const inFirst = recs.filter((r) => r.lsn < 6 * SEG);
    assert.equal(one.records.length, inFirst.length - 1);
    assert.equal(one.end.kind, 'missing-segment');
    assert.equal(one.end.lsn, BigInt(spanning.lsn));
    assert.match(one.end.message, /000000010000000000000006 is not available/);
    const both = listSegment(w.segs[0] as Uint8Array, { following: [w.segs[1] as Uint8Array] });
    assert.equal(both.records.length, inFirst.length);
    assert.equal(both.end.kind, 'segment-end');
  });

  it('starts a later segment after the tail of the record continued from the previous one', () => {
    const second = listSegment(w.segs[1] as Uint8Array);
    assert.equal(second.records[0]?.lsn, BigInt(afterSpan.lsn));
    assert.equal(second.records[0]?.type, 'LOG');
    assert.equal(second.records.length, 1);
  });

  it('stops at a record whose CRC does not match, after the records before it', () => {
    const bad = w.segs.map((s) => s.slice());
    const at = recs[2] as Written;
    const p = (at.lsn % SEG) + 200; // inside the first image
    (bad[0] as Uint8Array)[p] = ((bad[0] as Uint8Array)[p] as number) ^ 0x01;
    const out = readWalBuffers(bad);
    assert.equal(out.records.length, 2);
    assert.equal(out.end.kind, 'invalid-record');
    assert.equal(out.end.lsn, BigInt(at.lsn));
    assert.match(out.end.message, /checksum/);
  });

  it('stops at a truncated file with kind truncated, and at a recycled page with an unexpected pageaddr', () => {
    const cut = readWalBuffers([(w.segs[0] as Uint8Array).subarray(0, 20000)]);
    assert.equal(cut.end.kind, 'truncated');
    assert.ok(cut.records.length >= 2);
    const stale = new WalWriter(5, 1);
    stale.begin();
    const a = stale.record(0, 0x20, 0, mainData(10));
    while (stale.pos < 5 * SEG + 3 * BLK + 100) stale.record(0, 0x20, 0, mainData(100));
    stale.stalePage(5 * SEG + 3 * BLK);
    const out = readWalBuffers(stale.segs);
    assert.equal(out.records[0]?.lsn, BigInt(a.lsn));
    assert.equal(out.end.kind, 'end-of-wal');
    assert.match(out.end.message, /unexpected pageaddr 0\/00006000/);
  });

  it('skips the rest of a segment after XLOG SWITCH', () => {
    const s = new WalWriter(9, 2);
    s.begin();
    const commit = s.record(1, 0x00, 800, mainData(16));
    const sw = s.record(0, 0x40, 0, new Uint8Array(0));
    s.pos = 10 * SEG;
    s.begin();
    const next = s.record(0, 0x10, 0, mainData(88));
    const out = readWalBuffers(s.segs);
    assert.deepEqual(out.records.map((r) => [r.lsn, r.type]), [[BigInt(commit.lsn), 'COMMIT'], [BigInt(sw.lsn), 'SWITCH'], [BigInt(next.lsn), 'CHECKPOINT_ONLINE']]);
    assert.equal(out.records[2]?.prev, BigInt(sw.lsn));
  });

  it('reads image flags as 13/14 defined them, and compressed images with a hole as 15+ does', () => {
    const old = new WalWriter(2, 1, MAGIC13);
    old.begin();
    // 13/14: BKPIMAGE_HAS_HOLE 0x01, BKPIMAGE_IS_COMPRESSED 0x02, BKPIMAGE_APPLY 0x04.
    old.record(0, 0xb0, 0, new Bytes().u8(0).u8(0x10).u16(0).u16(8000).u16(64).u8(0x01 | 0x04).u32(1663).u32(1).u32(1259).u32(3).fill(8000, 7).done());
    old.record(0, 0xb0, 0, new Bytes().u8(0).u8(0x10).u16(0).u16(900).u16(0).u8(0x02).u32(1663).u32(1).u32(1259).u32(4).fill(900, 7).done());
    const o = readWalBuffers(old.segs);
    assert.equal(o.info?.major, 13);
    assert.deepEqual(o.records.map((r) => r.blocks[0]?.image), [
      { length: 8000, holeOffset: 64, holeLength: 192, apply: true, compression: 'none', info: 5 },
      { length: 900, holeOffset: 0, holeLength: 0, apply: false, compression: 'pglz', info: 2 },
    ]);
    assert.deepEqual(o.records.map((r) => r.recordLength), [24 + 4 + 5 + 12 + 4, 24 + 4 + 5 + 12 + 4]);
    const neu = new WalWriter(2, 1);
    neu.begin();
    // 15+: HAS_HOLE 0x01, APPLY 0x02, COMPRESS_PGLZ 0x04, LZ4 0x08, ZSTD 0x10; a compressed image with a hole carries its length.
    neu.record(0, 0xb0, 0, new Bytes().u8(0).u8(0x10).u16(0).u16(700).u16(40).u8(0x01 | 0x02 | 0x08).u16(3000).u32(1663).u32(1).u32(1259).u32(3).fill(700, 7).done());
    const n = readWalBuffers(neu.segs);
    assert.deepEqual(n.records[0]?.blocks[0]?.image, { length: 700, holeOffset: 40, holeLength: 3000, apply: true, compression: 'lz4', info: 0x0b });
  });

  it('the streaming reader yields the same records as the listing, one at a time', () => {
    const reader = new WalReader(bufferSegmentSource(w.segs));
    let n = 0;
    for (const r of reader) {
      assert.equal(r.lsn, BigInt((recs[n] as Written).lsn));
      n++;
    }
    assert.equal(n, recs.length);
    assert.equal(reader.end?.kind, 'end-of-wal');
    assert.equal(reader.next(), undefined);
  });

  it('reads segment files by name, by page address when renamed, and through a caller-owned file descriptor', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'walreader-files-'));
    try {
      const a = path.join(dir, '000000010000000000000005');
      const b = path.join(dir, '000000010000000000000006');
      writeFileSync(a, w.segs[0] as Uint8Array);
      writeFileSync(b, w.segs[1] as Uint8Array);
      assert.equal(readWalFiles([a, b]).records.length, recs.length);
      const renamed = path.join(dir, 'second.bin');
      writeFileSync(renamed, w.segs[1] as Uint8Array);
      assert.equal(readWalFiles([a, renamed]).records.length, recs.length);
      const fd = openSync(a, 'r');
      try {
        const asked: string[] = [];
        const reader = new WalReader(callbackSegmentSource(fdSegment(fd, 'first'), (_segNo, _tli, name) => {
          asked.push(name);
          return path.join(dir, name);
        }));
        assert.equal([...reader].length, recs.length);
        assert.deepEqual(asked, ['000000010000000000000006']);
        assert.ok(fstatSync(fd).isFile(), 'the descriptor is still open');
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
