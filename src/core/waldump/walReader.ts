// The built-in WAL reader: walks WAL pages and records the way xlogreader.c does (page header
// checks, records split across pages and segments, MAXALIGN between records, CRC-32C, the
// prev-link chain, XLOG SWITCH, a record cut short by a crash and overwritten) and decodes each
// record's block references. It reads segments in chunks, keeps at most one chunk plus the
// record being assembled in memory, and stops with a typed WalReadEnd instead of throwing.
// Positions are a segment number and an offset in it, so the arithmetic stays exact for any LSN
// (pg_resetwal -l can start WAL past 2^53, where a plain number loses the low bits).
import { classifyMagic } from './pageMagic';
import { DecodedWalRecord, joinLsn } from './walReaderRecord';
import { decodeRecordBody, recordCrc, SIZE_OF_XLOG_RECORD, u32At } from './walReaderDecode';
import type { DecodeContext } from './walReaderDecode';
import { isValidRmgrId, recordTypeName, rmgrName, RM_XLOG_ID, XLOG_SWITCH } from './walReaderRecordTypes';
import { notWalHint, parseWalSegmentFileName, walSegmentFileName } from './walReaderSource';
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
/** The record this page should continue was cut short by a crash, and recovery wrote new WAL here (PostgreSQL 10.18+). */
const XLP_FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
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

function isPowerOf2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

class Stop {
  constructor(readonly kind: WalReadEndKind, readonly lsn: bigint, readonly reason: string) {}
}

/** Thrown by gather() when the page that should continue a record says it was overwritten. */
class Restart {
  constructor(readonly seg: number, readonly pageOff: number) {}
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
  /** Index (segment number × pages per segment + page) of the highest page already validated. */
  private validatedUpTo = -1;
  private pagesPerSegment = 0;
  /** Segments per 4 GiB of LSN (xlogid): splits a segment number into the LSN's two halves. */
  private segsPerXLogId = 0;
  private posSeg = 0;
  private posOff = 0;
  /** The previous record's LSN, as high and low halves; -1 before the first record. */
  private prevHi = -1;
  private prevLo = 0;
  /** Where the last good record ended, as segment and offset; -1 before the first record. */
  private lastEndSeg = -1;
  private lastEndOff = 0;
  /** Where gather() found the record's end. */
  private gatheredEndSeg = 0;
  private gatheredEndOff = 0;
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
      for (;;) {
        try {
          return this.readRecord();
        } catch (e) {
          if (!(e instanceof Restart)) throw e;
          // As xlogreader.c does: the record being read was cut short by a crash, and recovery
          // wrote new WAL where its rest should be. Reading goes on from that page.
          this.posSeg = e.seg;
          this.posOff = e.pageOff;
        }
      }
    } catch (e) {
      if (e instanceof Stop) {
        this.finish(e.kind, e.lsn, e.reason);
      } else {
        this.finish('io-error', this.at(this.posSeg, this.posOff), e instanceof Error ? e.message : String(e));
      }
      return undefined;
    }
  }

  /** The LSN of an offset in a segment, exactly. */
  private at(seg: number, off: number): bigint {
    return BigInt(seg) * BigInt(this.segSize) + BigInt(off);
  }

  private finish(kind: WalReadEndKind, at: bigint, reason: string): void {
    const message = kind === 'segment-end' || kind === 'unknown-magic' || kind === 'invalid-segment' || kind === 'io-error'
      ? reason
      : `end of WAL at ${formatLsn(at)}: ${reason}`;
    this.end = {
      kind,
      lsn: at,
      message,
      ...(this.lastEndSeg >= 0 ? { lastValidEnd: this.at(this.lastEndSeg, this.lastEndOff) } : {}),
    };
    this.handle?.close();
    this.handle = undefined;
  }

  private start(): void {
    const first = this.source.openFirst();
    if (typeof first === 'string') throw new Stop('io-error', 0n, first);
    this.handle = first;
    const head = first.readChunk(0, LONG_PHD);
    if (head.length < 2) throw new Stop('truncated', 0n, `${first.name} is too short to be a WAL segment (${head.length} bytes)`);
    const magic = (head[0] as number) | ((head[1] as number) << 8);
    const m = classifyMagic(magic);
    if (m.kind === 'unknown') {
      const zero = head.every((b) => b === 0);
      throw new Stop(zero ? 'invalid-segment' : 'unknown-magic', 0n,
        zero ? `${first.name} starts with a zeroed page: not a written WAL segment` : `${first.name}: ${notWalHint(first.name, magic) ?? m.message}`);
    }
    if (head.length < LONG_PHD) throw new Stop('truncated', 0n, `${first.name} is too short to be a WAL segment (${head.length} bytes)`);
    const dv = new DataView(head.buffer, head.byteOffset, LONG_PHD);
    const flags = dv.getUint16(2, true);
    if (!(flags & XLP_LONG_HEADER)) {
      throw new Stop('invalid-segment', 0n, `${first.name}: the first page has no long header, so it is not the start of a WAL segment`);
    }
    const segSize = dv.getUint32(32, true);
    const blcksz = dv.getUint32(36, true);
    if (!isPowerOf2(segSize) || segSize < 1024 * 1024 || segSize > 1024 * 1024 * 1024) {
      throw new Stop('invalid-segment', 0n, `${first.name}: invalid WAL segment size ${segSize} in the page header`);
    }
    if (!isPowerOf2(blcksz) || blcksz < 1024 || blcksz > 65536) {
      throw new Stop('invalid-segment', 0n, `${first.name}: invalid WAL block size ${blcksz} in the page header`);
    }
    const pageAddr = dv.getBigUint64(8, true);
    if (pageAddr % BigInt(segSize) !== 0n) {
      throw new Stop('invalid-segment', pageAddr, `${first.name}: page address ${formatLsn(pageAddr)} is not a segment start`);
    }
    const segNo = Number(pageAddr / BigInt(segSize));
    this.segSize = segSize;
    this.blcksz = blcksz;
    this.pagesPerSegment = segSize / blcksz;
    this.segsPerXLogId = 0x100000000 / segSize;
    // As pg_waldump does, the timeline comes from the file name when it is a segment's name: the
    // first segment of a new timeline is a copy of the old one's, and its first page still says
    // the old timeline. The name's segment number must match the page's address: a recycled
    // segment (renamed ahead of use, still full of old WAL) holds no valid record yet.
    const named = parseWalSegmentFileName(first.name, segSize);
    const timeline = named?.timeline ?? dv.getUint32(4, true);
    if (named !== undefined && named.segNo !== segNo) {
      throw new Stop('end-of-wal', this.at(named.segNo, 0),
        `no valid record in ${first.name}: its pages are those of segment ${walSegmentFileName(timeline, segNo, segSize)} ` +
        '(a segment recycled for later use and not written yet, or a renamed file)');
    }
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
            if (this.options.singleSegment) {
              throw new Stop('segment-end', this.at(seg + 1, 0),
                `no record starts in WAL segment ${(this.info as WalStreamInfo).firstSegmentName}: all of it is the middle of a record that began in an earlier segment`);
            }
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
    if (segNo !== this.handleSegNo || !this.handle) {
      this.handle?.close();
      this.handle = undefined;
      this.chunk = new Uint8Array(0);
      const timeline = this.info?.timeline ?? 1;
      const name = walSegmentFileName(timeline, segNo, this.segSize);
      const h = this.source.openSegment(segNo, timeline, this.segSize);
      if (h === undefined) throw new Stop('missing-segment', this.at(segNo, pageOff), `WAL segment ${name} is not available`);
      if (typeof h === 'string') throw new Stop('io-error', this.at(segNo, pageOff), h);
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
        throw new Stop('truncated', this.at(segNo, pageOff),
          `WAL segment ${this.handle.name} is truncated: it ends at offset ${start + this.chunk.length}, before the page at offset ${pageOff}`);
      }
    }
    const pi = pageOff - this.chunkStart;
    const pageIndex = segNo * this.pagesPerSegment + pageOff / this.blcksz;
    if (pageIndex > this.validatedUpTo) {
      this.validatePage(pi, segNo, pageOff);
      this.validatedUpTo = pageIndex;
    }
    return pi;
  }

  private validatePage(pi: number, segNo: number, pageOff: number): void {
    const info = this.info as WalStreamInfo;
    const addr = this.at(segNo, pageOff);
    // Only for messages: formatting it for every valid page cost more than the checks below.
    const where = (): string => {
      const name = this.handle?.name ?? walSegmentFileName(info.timeline, segNo, this.segSize);
      return `in WAL segment ${name}, LSN ${formatLsn(addr)}, offset ${pageOff}`;
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
    const hi = Math.floor(segNo / this.segsPerXLogId);
    const lo = (segNo % this.segsPerXLogId) * this.segSize + pageOff;
    if (this.u32(pi + 8) !== lo || this.u32(pi + 12) !== hi) {
      throw new Stop('end-of-wal', addr, `unexpected pageaddr ${formatLsn(joinLsn(this.u32(pi + 12), this.u32(pi + 8)))} ${where()}`);
    }
  }

  /** The checks of xlogreader.c's ValidXLogRecordHeader, on the header at `at` in `buf` of the record at (seg, off). */
  private checkHeader(buf: Uint8Array, at: number, seg: number, off: number): void {
    const totalLength = u32At(buf, at);
    if (totalLength < SIZE_OF_XLOG_RECORD) {
      throw new Stop(totalLength === 0 ? 'end-of-wal' : 'invalid-record', this.at(seg, off),
        `invalid record length: expected at least ${SIZE_OF_XLOG_RECORD}, got ${totalLength}`);
    }
    const major = (this.info as WalStreamInfo).major;
    const rmid = buf[at + XL_RMID] as number;
    if (!isValidRmgrId(rmid, major)) throw new Stop('invalid-record', this.at(seg, off), `invalid resource manager ID ${rmid}`);
    const prevLo = u32At(buf, at + XL_PREV);
    const prevHi = u32At(buf, at + XL_PREV + 4);
    let bad: boolean;
    if (this.prevHi < 0) {
      // The first record: its prev must lie before it.
      const hi = Math.floor(seg / this.segsPerXLogId);
      const lo = (seg % this.segsPerXLogId) * this.segSize + off;
      bad = prevHi > hi || (prevHi === hi && prevLo >= lo);
    } else {
      bad = prevLo !== this.prevLo || prevHi !== this.prevHi;
    }
    if (bad) throw new Stop('invalid-record', this.at(seg, off), `record with incorrect prev-link ${formatLsn(joinLsn(prevHi, prevLo))}`);
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
   * bytes are at `idx` in the chunk; the record starts at (seg, off). Leaves where it ends in
   * gatheredEndSeg/Off. Throws Restart when a continuation page says the record was overwritten.
   * (A method of its own keeps readRecord, which runs for every record, small: the optimizing
   * compiler, which a first read waits for, compiles it sooner.)
   */
  private gather(seg: number, off: number, idx: number, avail: number, totLen: number): void {
    const B = this.blcksz;
    this.ensureScratch(Math.min(totLen, 64 * 1024));
    this.scratch.set(this.chunk.subarray(idx, idx + avail), 0);
    let got = avail;
    let curSeg = seg;
    let curPage = off - (off % B);
    while (got < totLen) {
      curPage += B;
      if (curPage >= this.segSize) {
        curSeg++;
        curPage = 0;
      }
      let p: number;
      try {
        p = this.page(curSeg, curPage);
      } catch (e) {
        // Report the record that could not be completed, as pg_waldump does.
        if (e instanceof Stop) throw new Stop(e.kind, this.at(seg, off), e.reason);
        throw e;
      }
      const flags = this.u16(p + 2);
      if (flags & XLP_FIRST_IS_OVERWRITE_CONTRECORD) throw new Restart(curSeg, curPage);
      if (!(flags & XLP_FIRST_IS_CONTRECORD)) {
        throw new Stop('invalid-record', this.at(seg, off), `there is no contrecord flag at ${formatLsn(this.at(curSeg, curPage))}`);
      }
      const rem = this.u32(p + 16);
      if (rem === 0 || rem !== totLen - got) {
        throw new Stop('invalid-record', this.at(seg, off),
          `invalid contrecord length ${rem} (expected ${totLen - got}) at ${formatLsn(this.at(curSeg, curPage))}`);
      }
      const hs = flags & XLP_LONG_HEADER ? LONG_PHD : SHORT_PHD;
      const n = Math.min(rem, B - hs);
      this.ensureScratch(got + n);
      this.scratch.set(this.chunk.subarray(p + hs, p + hs + n), got);
      got += n;
      this.gatheredEndSeg = curSeg;
      this.gatheredEndOff = curPage + hs + n;
    }
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
      throw new Stop('segment-end', this.at(seg, off), `reached the end of WAL segment ${info.firstSegmentName}`);
    }
    if (off % B === 0) {
      const pi = this.page(seg, off);
      const flags = this.u16(pi + 2);
      const hs = flags & XLP_LONG_HEADER ? LONG_PHD : SHORT_PHD;
      if (flags & XLP_FIRST_IS_CONTRECORD) {
        throw new Stop('invalid-record', this.at(seg, off + hs), `contrecord is requested by ${formatLsn(this.at(seg, off + hs))}`);
      }
      off += hs;
    }
    const pageOff = off - (off % B);
    const pi = this.page(seg, pageOff);
    const idx = pi + (off - pageOff);
    const avail = B - (off - pageOff);
    const totLen = this.u32(idx);
    // The length check of checkHeader, here for every record (also for a header split across
    // pages, which checkHeader sees only once gathered), so the optimizer has seen it.
    if (totLen < SIZE_OF_XLOG_RECORD) {
      throw new Stop(totLen === 0 ? 'end-of-wal' : 'invalid-record', this.at(seg, off),
        `invalid record length: expected at least ${SIZE_OF_XLOG_RECORD}, got ${totLen}`);
    }
    // Check the header before trusting its length to gather the rest (xlogreader.c does too).
    if (avail >= SIZE_OF_XLOG_RECORD) this.checkHeader(this.chunk, idx, seg, off);
    if (totLen > MAX_RECORD_LENGTH) throw new Stop('invalid-record', this.at(seg, off), `record length ${totLen} too long`);

    // The whole record in one buffer: a view of the chunk when it lies within one page (most
    // records), else gathered into `scratch` without the page headers between its pieces.
    let buf: Uint8Array;
    let at: number;
    let endSeg: number;
    let endOff: number;
    if (totLen <= avail) {
      buf = this.chunk;
      at = idx;
      endSeg = seg;
      endOff = off + totLen;
    } else {
      this.gather(seg, off, idx, avail, totLen);
      endSeg = this.gatheredEndSeg;
      endOff = this.gatheredEndOff;
      buf = this.scratch;
      at = 0;
      if (avail < SIZE_OF_XLOG_RECORD) this.checkHeader(buf, 0, seg, off);
    }
    const crc = u32At(buf, at + XL_CRC);
    if (recordCrc(buf, at, totLen) !== crc) throw new Stop('invalid-record', this.at(seg, off), 'incorrect resource manager data checksum in record');
    const body = decodeRecordBody(buf, at, totLen, this.decodeCtx);
    if (typeof body === 'string') throw new Stop('invalid-record', this.at(seg, off), body);

    // The header fields are read from `buf` here rather than kept in an object: one allocation
    // less per record (an image-less segment holds ~140,000 records).
    const xlInfo = buf[at + XL_INFO] as number;
    const rmid = buf[at + XL_RMID] as number;
    // A record may end exactly at its segment's end: that is the next segment's start.
    if (endOff >= this.segSize) {
      endSeg++;
      endOff -= this.segSize;
    }
    // xl_info first: it is compared for every record, rmid == XLOG only for a few.
    if ((xlInfo & 0xf0) === XLOG_SWITCH && rmid === RM_XLOG_ID && endOff !== 0) {
      // The rest of the segment after a switch is padding.
      this.posSeg = endSeg + 1;
      this.posOff = 0;
    } else {
      this.posSeg = endSeg;
      this.posOff = Math.ceil(endOff / 8) * 8;
    }
    const lsnHi = Math.floor(seg / this.segsPerXLogId);
    const lsnLo = (seg % this.segsPerXLogId) * this.segSize + off;
    this.prevHi = lsnHi;
    this.prevLo = lsnLo;
    this.lastEndSeg = endSeg;
    this.lastEndOff = endOff;
    return new DecodedWalRecord({
      lsnHi,
      lsnLo,
      endHi: Math.floor(endSeg / this.segsPerXLogId),
      endLo: (endSeg % this.segsPerXLogId) * this.segSize + endOff,
      prevHi: u32At(buf, at + XL_PREV + 4),
      prevLo: u32At(buf, at + XL_PREV),
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
