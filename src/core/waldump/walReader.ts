// The built-in WAL reader: walks WAL pages and records the way xlogreader.c does (page header
// checks, records split across pages and segments, MAXALIGN between records, CRC-32C, the
// prev-link chain, XLOG SWITCH) and decodes each record's block references. It reads segments
// in chunks, keeps at most one chunk plus the record being assembled in memory, and stops with
// a typed WalReadEnd instead of throwing.
import { classifyMagic } from './pageMagic';
import { DecodedWalRecord } from './walReaderRecord';
import { decodeRecordBody, recordCrc, SIZE_OF_XLOG_RECORD, u32At } from './walReaderDecode';
import type { DecodeContext } from './walReaderDecode';
import { isValidRmgrId, recordTypeName, rmgrName, RM_XLOG_ID, XLOG_SWITCH } from './walReaderRecordTypes';
import { walSegmentFileName } from './walReaderSource';
import type { WalSegmentHandle, WalSegmentSource } from './walReaderSource';
import type { WalReadEnd, WalReadEndKind, WalStreamInfo } from './walReaderTypes';

export interface WalReaderOptions {
  /** BLCKSZ, the relation page size, for the hole length of uncompressed page images (default 8192). */
  readonly blockSize?: number;
  /** Bytes read from a segment file at a time (default 1 MiB; rounded to whole pages). */
  readonly chunkSize?: number;
  /** Stop, with kind 'segment-end', before the first record that starts after the first segment. */
  readonly singleSegment?: boolean;
}

const SHORT_PHD = 24;
const LONG_PHD = 40;
const XLP_FIRST_IS_CONTRECORD = 0x0001;
const XLP_LONG_HEADER = 0x0002;
const XLP_ALL_FLAGS = 0x000f;
/** XLogRecordMaxSize (16+); older versions are bounded by MaxAllocSize, just above. */
const MAX_RECORD_LENGTH = 1020 * 1024 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;
/** Offsets in XLogRecord: xl_tot_len 0, xl_xid 4, xl_prev 8, xl_info 16, xl_rmid 17, xl_crc 20. */
const XL_XID = 4;
const XL_PREV = 8;
const XL_INFO = 16;
const XL_RMID = 17;
const XL_CRC = 20;

/**
 * `X/Y` as PostgreSQL prints an LSN (%X/%08X, the form of pg_waldump 15 and older for record LSNs).
 * Unlike lsn.ts's formatLsn it never throws: the reader formats addresses read from damaged files.
 */
export function formatLsn(lsn: bigint): string {
  const hi = Number(lsn >> 32n);
  const lo = Number(lsn & 0xffffffffn);
  return `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** xl_prev as a number (exact below 2^53, i.e. for any LSN a real cluster reaches). */
function prevAt(buf: Uint8Array, at: number): number {
  return u32At(buf, at + XL_PREV) + u32At(buf, at + XL_PREV + 4) * 0x100000000;
}

function isPowerOf2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

class Stop {
  constructor(readonly kind: WalReadEndKind, readonly lsn: number, readonly reason: string) {}
}

export class WalReader implements Iterable<DecodedWalRecord> {
  /** Known once reading has started (after the first next()), unless the first page was unreadable. */
  info: WalStreamInfo | undefined;
  /** Why reading stopped; set when next() returns undefined. */
  end: WalReadEnd | undefined;

  private started = false;
  private handle: WalSegmentHandle | undefined;
  private handleSegNo = -1;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;
  private chunkSize = DEFAULT_CHUNK;
  private segSize = 0;
  private blcksz = 0;
  /** Absolute address of the highest page already validated. */
  private validatedUpTo = -1;
  private posSeg = 0;
  private posOff = 0;
  private prevLsn: number | undefined;
  private lastEnd: number | undefined;
  private scratch: Uint8Array = new Uint8Array(64 * 1024);
  /** Set once the major version is known; one object for all records. */
  private decodeCtx: DecodeContext = { major: 0, blockSize: 8192 };
  private readonly blockSize: number;

  constructor(private readonly source: WalSegmentSource, private readonly options: WalReaderOptions = {}) {
    this.blockSize = options.blockSize ?? 8192;
  }

  *[Symbol.iterator](): Iterator<DecodedWalRecord> {
    for (;;) {
      const r = this.next();
      if (r === undefined) return;
      yield r;
    }
  }

  /** Closes the open segment. Reading ends; calling next() afterwards returns undefined. */
  close(): void {
    this.handle?.close();
    this.handle = undefined;
    if (!this.end) this.end = { kind: 'end-of-wal', lsn: 0n, message: 'reader closed' };
  }

  /** The next record, or undefined when reading has ended (see `end`). */
  next(): DecodedWalRecord | undefined {
    if (this.end) return undefined;
    try {
      if (!this.started) {
        this.started = true;
        this.start();
      }
      return this.readRecord();
    } catch (e) {
      if (e instanceof Stop) {
        this.finish(e.kind, e.lsn, e.reason);
      } else {
        this.finish('io-error', this.posSeg * this.segSize + this.posOff, e instanceof Error ? e.message : String(e));
      }
      return undefined;
    }
  }

  private finish(kind: WalReadEndKind, lsn: number, reason: string): void {
    const at = BigInt(lsn);
    const message = kind === 'segment-end' || kind === 'unknown-magic' || kind === 'invalid-segment' || kind === 'io-error'
      ? reason
      : `end of WAL at ${formatLsn(at)}: ${reason}`;
    this.end = {
      kind,
      lsn: at,
      message,
      ...(this.lastEnd !== undefined ? { lastValidEnd: BigInt(this.lastEnd) } : {}),
    };
    this.handle?.close();
    this.handle = undefined;
  }

  private start(): void {
    const first = this.source.openFirst();
    if (typeof first === 'string') throw new Stop('io-error', 0, first);
    this.handle = first;
    const head = first.readChunk(0, LONG_PHD);
    if (head.length < 2) throw new Stop('truncated', 0, `${first.name} is too short to be a WAL segment (${head.length} bytes)`);
    const magic = (head[0] as number) | ((head[1] as number) << 8);
    const m = classifyMagic(magic);
    if (m.kind === 'unknown') {
      const zero = head.every((b) => b === 0);
      throw new Stop(zero ? 'invalid-segment' : 'unknown-magic', 0,
        zero ? `${first.name} starts with a zeroed page: not a written WAL segment` : `${first.name}: ${m.message}`);
    }
    if (head.length < LONG_PHD) throw new Stop('truncated', 0, `${first.name} is too short to be a WAL segment (${head.length} bytes)`);
    const dv = new DataView(head.buffer, head.byteOffset, LONG_PHD);
    const flags = dv.getUint16(2, true);
    if (!(flags & XLP_LONG_HEADER)) {
      throw new Stop('invalid-segment', 0, `${first.name}: the first page has no long header, so it is not the start of a WAL segment`);
    }
    const segSize = dv.getUint32(32, true);
    const blcksz = dv.getUint32(36, true);
    if (!isPowerOf2(segSize) || segSize < 1024 * 1024 || segSize > 1024 * 1024 * 1024) {
      throw new Stop('invalid-segment', 0, `${first.name}: invalid WAL segment size ${segSize} in the page header`);
    }
    if (!isPowerOf2(blcksz) || blcksz < 1024 || blcksz > 65536) {
      throw new Stop('invalid-segment', 0, `${first.name}: invalid WAL block size ${blcksz} in the page header`);
    }
    const pageAddr = Number(dv.getBigUint64(8, true));
    if (pageAddr % segSize !== 0) {
      throw new Stop('invalid-segment', pageAddr, `${first.name}: page address ${formatLsn(BigInt(pageAddr))} is not a segment start`);
    }
    const segNo = pageAddr / segSize;
    const timeline = dv.getUint32(4, true);
    this.segSize = segSize;
    this.blcksz = blcksz;
    const wanted = Math.max(blcksz, Math.floor((this.options.chunkSize ?? DEFAULT_CHUNK) / blcksz) * blcksz);
    this.chunkSize = Math.min(wanted, segSize);
    this.handleSegNo = segNo;
    this.info = {
      magic,
      major: m.major,
      timeline,
      systemId: dv.getBigUint64(24, true),
      segmentSize: segSize,
      xlogBlockSize: blcksz,
      firstSegNo: segNo,
      firstSegmentName: walSegmentFileName(timeline, segNo, segSize),
    };
    this.decodeCtx = { major: m.major, blockSize: this.blockSize };
    this.findFirstRecord(segNo);
  }

  /** Like XLogFindNextRecord from a segment start: skip the tail of a record begun in an earlier segment. */
  private findFirstRecord(segNo: number): void {
    let seg = segNo;
    let pageOff = 0;
    for (;;) {
      const pi = this.page(seg, pageOff);
      const flags = this.u16(pi + 2);
      const hs = flags & XLP_LONG_HEADER ? LONG_PHD : SHORT_PHD;
      if (flags & XLP_FIRST_IS_CONTRECORD) {
        const rem = this.u32(pi + 16);
        const aligned = Math.ceil(rem / 8) * 8;
        if (aligned >= this.blcksz - hs) {
          pageOff += this.blcksz;
          if (pageOff >= this.segSize) {
            seg++;
            pageOff = 0;
          }
          continue;
        }
        this.posSeg = seg;
        this.posOff = pageOff + hs + aligned;
        return;
      }
      this.posSeg = seg;
      this.posOff = pageOff + hs;
      return;
    }
  }

  private u16(i: number): number {
    const c = this.chunk;
    return (c[i] as number) | ((c[i + 1] as number) << 8);
  }

  private u32(i: number): number {
    const c = this.chunk;
    return ((c[i] as number) | ((c[i + 1] as number) << 8) | ((c[i + 2] as number) << 16) | ((c[i + 3] as number) << 24)) >>> 0;
  }

  /** Index in this.chunk of the validated page at (segNo, pageOff); throws Stop when unavailable or invalid. */
  private page(segNo: number, pageOff: number): number {
    const addr = segNo * this.segSize + pageOff;
    if (segNo !== this.handleSegNo || !this.handle) {
      this.handle?.close();
      this.handle = undefined;
      this.chunk = new Uint8Array(0);
      const timeline = this.info?.timeline ?? 1;
      const name = walSegmentFileName(timeline, segNo, this.segSize);
      const h = this.source.openSegment(segNo, timeline, this.segSize);
      if (h === undefined) throw new Stop('missing-segment', addr, `WAL segment ${name} is not available`);
      if (typeof h === 'string') throw new Stop('io-error', addr, h);
      this.handle = h;
      this.handleSegNo = segNo;
    }
    if (pageOff < this.chunkStart || pageOff + this.blcksz > this.chunkStart + this.chunk.length || this.chunk.length === 0) {
      const start = Math.floor(pageOff / this.chunkSize) * this.chunkSize;
      const got = this.handle.readChunk(start, Math.min(this.chunkSize, this.segSize - start));
      // A plain Uint8Array view: a Buffer's own subarray() is much slower than the typed array's.
      this.chunk = new Uint8Array(got.buffer, got.byteOffset, got.length);
      this.chunkStart = start;
      if (pageOff + this.blcksz > start + this.chunk.length) {
        throw new Stop('truncated', addr,
          `WAL segment ${this.handle.name} is truncated: it ends at offset ${start + this.chunk.length}, before the page at offset ${pageOff}`);
      }
    }
    const pi = pageOff - this.chunkStart;
    if (addr > this.validatedUpTo) {
      this.validatePage(pi, segNo, pageOff, addr);
      this.validatedUpTo = addr;
    }
    return pi;
  }

  private validatePage(pi: number, segNo: number, pageOff: number, addr: number): void {
    const info = this.info as WalStreamInfo;
    // Only for messages: formatting it for every valid page cost more than the checks below.
    const where = (): string => {
      const name = this.handle?.name ?? walSegmentFileName(info.timeline, segNo, this.segSize);
      return `in WAL segment ${name}, LSN ${formatLsn(BigInt(addr))}, offset ${pageOff}`;
    };
    const magic = this.u16(pi);
    const flags = this.u16(pi + 2);
    if (magic !== info.magic) {
      let zero = true;
      for (let i = pi; i < pi + SHORT_PHD; i++) if (this.chunk[i] !== 0) { zero = false; break; }
      if (zero) throw new Stop('end-of-wal', addr, `zeroed page ${where()}`);
      throw new Stop('end-of-wal', addr, `invalid magic number ${magic.toString(16).toUpperCase().padStart(4, '0')} ${where()}`);
    }
    if (flags & ~XLP_ALL_FLAGS) {
      throw new Stop('invalid-record', addr, `invalid info bits ${flags.toString(16).toUpperCase().padStart(4, '0')} ${where()}`);
    }
    if (flags & XLP_LONG_HEADER) {
      const sysid = new DataView(this.chunk.buffer, this.chunk.byteOffset + pi, LONG_PHD).getBigUint64(24, true);
      if (sysid !== info.systemId) {
        throw new Stop('end-of-wal', addr, `WAL file is from a different database system: system identifier ${sysid} in the page header, ${info.systemId} before`);
      }
      if (this.u32(pi + 32) !== this.segSize) throw new Stop('invalid-record', addr, `incorrect segment size in page header ${where()}`);
      if (this.u32(pi + 36) !== this.blcksz) throw new Stop('invalid-record', addr, `incorrect XLOG_BLCKSZ in page header ${where()}`);
    } else if (pageOff === 0) {
      throw new Stop('invalid-record', addr, `invalid info bits ${flags.toString(16).toUpperCase().padStart(4, '0')} ${where()}`);
    }
    const pageAddr = this.u32(pi + 8) + this.u32(pi + 12) * 0x100000000;
    if (pageAddr !== addr) {
      throw new Stop('end-of-wal', addr, `unexpected pageaddr ${formatLsn(BigInt(pageAddr))} ${where()}`);
    }
  }

  /** The checks of xlogreader.c's ValidXLogRecordHeader, on the header at `at` in `buf`. */
  private checkHeader(buf: Uint8Array, at: number, lsn: number): void {
    const totalLength = u32At(buf, at);
    if (totalLength < SIZE_OF_XLOG_RECORD) {
      throw new Stop(totalLength === 0 ? 'end-of-wal' : 'invalid-record', lsn,
        `invalid record length: expected at least ${SIZE_OF_XLOG_RECORD}, got ${totalLength}`);
    }
    const major = (this.info as WalStreamInfo).major;
    const rmid = buf[at + XL_RMID] as number;
    if (!isValidRmgrId(rmid, major)) throw new Stop('invalid-record', lsn, `invalid resource manager ID ${rmid}`);
    const prev = prevAt(buf, at);
    if (this.prevLsn === undefined ? prev >= lsn : prev !== this.prevLsn) {
      throw new Stop('invalid-record', lsn, `record with incorrect prev-link ${formatLsn(BigInt(prev))}`);
    }
  }

  private ensureScratch(size: number): void {
    if (this.scratch.length >= size) return;
    let n = this.scratch.length;
    while (n < size) n *= 2;
    const bigger = new Uint8Array(n);
    bigger.set(this.scratch);
    this.scratch = bigger;
  }

  /**
   * Copies a record that continues on following pages into `scratch`, without the page headers
   * between its pieces, checking each continuation page as xlogreader.c does. Its first `avail`
   * bytes are at `idx` in the chunk. Returns the address where the record ends.
   * (A method of its own keeps readRecord, which runs for every record, small: the optimizing
   * compiler, which a first read waits for, compiles it sooner.)
   */
  private gather(seg: number, pageOff: number, idx: number, avail: number, totLen: number, lsn: number): number {
    const B = this.blcksz;
    this.ensureScratch(Math.min(totLen, 64 * 1024));
    this.scratch.set(this.chunk.subarray(idx, idx + avail), 0);
    let got = avail;
    let curSeg = seg;
    let curPage = pageOff;
    let end = lsn + avail;
    while (got < totLen) {
      curPage += B;
      if (curPage >= this.segSize) {
        curSeg++;
        curPage = 0;
      }
      const pageLsn = curSeg * this.segSize + curPage;
      let p: number;
      try {
        p = this.page(curSeg, curPage);
      } catch (e) {
        // Report the record that could not be completed, as pg_waldump does.
        if (e instanceof Stop) throw new Stop(e.kind, lsn, e.reason);
        throw e;
      }
      const flags = this.u16(p + 2);
      if (!(flags & XLP_FIRST_IS_CONTRECORD)) {
        throw new Stop('invalid-record', lsn, `there is no contrecord flag at ${formatLsn(BigInt(pageLsn))}`);
      }
      const rem = this.u32(p + 16);
      if (rem === 0 || rem !== totLen - got) {
        throw new Stop('invalid-record', lsn, `invalid contrecord length ${rem} (expected ${totLen - got}) at ${formatLsn(BigInt(pageLsn))}`);
      }
      const hs = flags & XLP_LONG_HEADER ? LONG_PHD : SHORT_PHD;
      const n = Math.min(rem, B - hs);
      this.ensureScratch(got + n);
      this.scratch.set(this.chunk.subarray(p + hs, p + hs + n), got);
      got += n;
      end = pageLsn + hs + n;
    }
    return end;
  }

  private readRecord(): DecodedWalRecord | undefined {
    const info = this.info as WalStreamInfo;
    const B = this.blcksz;
    let seg = this.posSeg;
    let off = this.posOff;
    if (off >= this.segSize) {
      seg += Math.floor(off / this.segSize);
      off %= this.segSize;
    }
    if (this.options.singleSegment && seg !== info.firstSegNo) {
      throw new Stop('segment-end', seg * this.segSize + off, `reached the end of WAL segment ${info.firstSegmentName}`);
    }
    if (off % B === 0) {
      const pi = this.page(seg, off);
      const flags = this.u16(pi + 2);
      const hs = flags & XLP_LONG_HEADER ? LONG_PHD : SHORT_PHD;
      if (flags & XLP_FIRST_IS_CONTRECORD) {
        throw new Stop('invalid-record', seg * this.segSize + off + hs, `contrecord is requested by ${formatLsn(BigInt(seg * this.segSize + off + hs))}`);
      }
      off += hs;
    }
    const lsn = seg * this.segSize + off;
    const pageOff = off - (off % B);
    const pi = this.page(seg, pageOff);
    const idx = pi + (off - pageOff);
    const avail = B - (off - pageOff);
    const totLen = this.u32(idx);
    // The length check of checkHeader, here for every record (also for a header split across
    // pages, which checkHeader sees only once gathered), so the optimizer has seen it.
    if (totLen < SIZE_OF_XLOG_RECORD) {
      throw new Stop(totLen === 0 ? 'end-of-wal' : 'invalid-record', lsn,
        `invalid record length: expected at least ${SIZE_OF_XLOG_RECORD}, got ${totLen}`);
    }
    // Check the header before trusting its length to gather the rest (xlogreader.c does too).
    if (avail >= SIZE_OF_XLOG_RECORD) this.checkHeader(this.chunk, idx, lsn);
    if (totLen > MAX_RECORD_LENGTH) throw new Stop('invalid-record', lsn, `record length ${totLen} too long`);

    // The whole record in one buffer: a view of the chunk when it lies within one page (most
    // records), else gathered into `scratch` without the page headers between its pieces.
    let buf: Uint8Array;
    let at: number;
    let end: number;
    if (totLen <= avail) {
      buf = this.chunk;
      at = idx;
      end = lsn + totLen;
    } else {
      end = this.gather(seg, pageOff, idx, avail, totLen, lsn);
      buf = this.scratch;
      at = 0;
      if (avail < SIZE_OF_XLOG_RECORD) this.checkHeader(buf, 0, lsn);
    }
    const crc = u32At(buf, at + XL_CRC);
    if (recordCrc(buf, at, totLen) !== crc) throw new Stop('invalid-record', lsn, 'incorrect resource manager data checksum in record');
    const body = decodeRecordBody(buf, at, totLen, this.decodeCtx);
    if (typeof body === 'string') throw new Stop('invalid-record', lsn, body);

    // The header fields are read from `buf` here rather than kept in an object: one allocation
    // less per record (an image-less segment holds ~140,000 records).
    const xlInfo = buf[at + XL_INFO] as number;
    const rmid = buf[at + XL_RMID] as number;
    let next = Math.ceil(end / 8) * 8;
    // xl_info first: it is compared for every record, rmid == XLOG only for a few.
    if ((xlInfo & 0xf0) === XLOG_SWITCH && rmid === RM_XLOG_ID && end % this.segSize !== 0) {
      next = (Math.floor(end / this.segSize) + 1) * this.segSize;
    }
    this.posSeg = Math.floor(next / this.segSize);
    this.posOff = next - this.posSeg * this.segSize;
    this.prevLsn = lsn;
    this.lastEnd = end;
    return new DecodedWalRecord({
      lsn,
      end,
      prev: prevAt(buf, at),
      xid: u32At(buf, at + XL_XID),
      rmid,
      rmgr: rmgrName(rmid),
      info: xlInfo,
      type: recordTypeName(rmid, xlInfo, info.major),
      totalLength: totLen,
      fpiLength: body.fpiLength,
      crc,
      blocks: body.blocks,
      mainDataLength: body.mainDataLength,
      origin: body.origin,
      toplevelXid: body.toplevelXid,
    });
  }
}
