// Decodes the headers of one whole WAL record held contiguously in a buffer: the fixed
// XLogRecord header, then the block reference headers, origin, top-level xid and main-data
// length, in the order and with the checks of xlogreader.c's DecodeXLogRecord.
import { CRC32C_INIT, crc32cFinish, crc32cUpdate } from './crc32c';
import type { FpiCompression, WalBlockImage, WalBlockRef } from './walReaderTypes';

export const SIZE_OF_XLOG_RECORD = 24;
const CRC_OFFSET = 20;

const XLR_MAX_BLOCK_ID = 32;
const XLR_BLOCK_ID_DATA_SHORT = 255;
const XLR_BLOCK_ID_DATA_LONG = 254;
const XLR_BLOCK_ID_ORIGIN = 253;
const XLR_BLOCK_ID_TOPLEVEL_XID = 252;

const BKPBLOCK_FORK_MASK = 0x0f;
const BKPBLOCK_HAS_IMAGE = 0x10;
const BKPBLOCK_HAS_DATA = 0x20;
const BKPBLOCK_WILL_INIT = 0x40;
const BKPBLOCK_SAME_REL = 0x80;

const BKPIMAGE_HAS_HOLE = 0x01;

const FORK_NAMES = ['main', 'fsm', 'vm', 'init'];

function u16At(buf: Uint8Array, o: number): number {
  return (buf[o] as number) | ((buf[o + 1] as number) << 8);
}

/** A little-endian uint32 (WAL is in the byte order of the server that wrote it; we read little-endian WAL). */
export function u32At(buf: Uint8Array, o: number): number {
  return ((buf[o] as number) | ((buf[o + 1] as number) << 8) | ((buf[o + 2] as number) << 16) | ((buf[o + 3] as number) << 24)) >>> 0;
}

/** The CRC PostgreSQL stores in xl_crc: over the data after the header, then the header up to xl_crc. */
export function recordCrc(buf: Uint8Array, at: number, totalLength: number): number {
  let c = crc32cUpdate(CRC32C_INIT, buf, at + SIZE_OF_XLOG_RECORD, at + totalLength);
  c = crc32cUpdate(c, buf, at, at + CRC_OFFSET);
  return crc32cFinish(c);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface DecodedBody {
  readonly blocks: WalBlockRef[];
  readonly fpiLength: number;
  readonly mainDataLength: number;
  readonly origin?: number;
  readonly toplevelXid?: number;
}

export interface DecodeContext {
  readonly major: number;
  /** BLCKSZ, the size of a relation page (for hole lengths of uncompressed images). */
  readonly blockSize: number;
}

function compressionOf(info: number, major: number): FpiCompression {
  if (major >= 15) {
    if (info & 0x04) return 'pglz';
    if (info & 0x08) return 'lz4';
    if (info & 0x10) return 'zstd';
    return 'none';
  }
  // 13/14: one flag, BKPIMAGE_IS_COMPRESSED, and pglz was the only method.
  return info & 0x02 ? 'pglz' : 'none';
}

function appliesImage(info: number, major: number): boolean {
  return major >= 15 ? (info & 0x02) !== 0 : (info & 0x04) !== 0;
}

/** Bytes of an XLogRecordBlockImageHeader, with the XLogRecordBlockCompressHeader that follows when there is one. */
function imageHeaderSize(image: WalBlockImage): number {
  return image.compression !== 'none' && (image.info & BKPIMAGE_HAS_HOLE) !== 0 ? 7 : 5;
}

/**
 * The image header of a block reference at `p`. A function of its own, to keep the per-block
 * loop below small: it runs for every record, and a first read waits for it to be optimized.
 */
function decodeImageHeader(buf: Uint8Array, p: number, end: number, ctx: DecodeContext): WalBlockImage | string {
  const short = 'record with invalid length';
  if (end - p < 5) return short;
  const length = u16At(buf, p);
  const holeOffset = u16At(buf, p + 2);
  const info = buf[p + 4] as number;
  const compression = compressionOf(info, ctx.major);
  const hasHole = (info & BKPIMAGE_HAS_HOLE) !== 0;
  let holeLength: number;
  if (compression !== 'none') {
    if (hasHole) {
      if (end - p < 7) return short;
      holeLength = u16At(buf, p + 5);
    } else {
      holeLength = 0;
    }
  } else {
    holeLength = ctx.blockSize - length;
  }
  if (hasHole && (holeOffset === 0 || holeLength === 0 || length === ctx.blockSize)) {
    return `BKPIMAGE_HAS_HOLE set, but hole offset ${holeOffset} length ${holeLength} block image length ${length}`;
  }
  if (!hasHole && (holeOffset !== 0 || holeLength !== 0)) {
    return `BKPIMAGE_HAS_HOLE not set, but hole offset ${holeOffset} length ${holeLength}`;
  }
  if (compression !== 'none' && length === ctx.blockSize) {
    return `BKPIMAGE_COMPRESSED set, but block image length ${length}`;
  }
  if (!hasHole && compression === 'none' && length !== ctx.blockSize) {
    return `neither BKPIMAGE_HAS_HOLE nor BKPIMAGE_COMPRESSED set, but block image length is ${length}`;
  }
  return { length, holeOffset, holeLength, apply: appliesImage(info, ctx.major), compression, info };
}

/**
 * Decodes the block/data headers of the record at `at` (whose header was already validated).
 * Returns a message instead when the record is malformed.
 */
export function decodeRecordBody(buf: Uint8Array, at: number, totalLength: number, ctx: DecodeContext): DecodedBody | string {
  const end = at + totalLength;
  let p = at + SIZE_OF_XLOG_RECORD;
  let datatotal = 0;
  let maxBlockId = -1;
  let mainDataLength = 0;
  let fpiLength = 0;
  let origin: number | undefined;
  let toplevelXid: number | undefined;
  const blocks: WalBlockRef[] = [];
  // The relation of the previous block reference, for BKPBLOCK_SAME_REL (no object per record).
  let haveRel = false;
  let spcOid = 0;
  let dbOid = 0;
  let relNumber = 0;
  const short = 'record with invalid length';

  while (end - p > datatotal) {
    const blockId = buf[p] as number;
    p += 1;
    if (blockId === XLR_BLOCK_ID_DATA_SHORT) {
      if (end - p < 1) return short;
      mainDataLength = buf[p] as number;
      p += 1;
      datatotal += mainDataLength;
      break; // by convention, the main data fragment is always last
    } else if (blockId === XLR_BLOCK_ID_DATA_LONG) {
      if (end - p < 4) return short;
      mainDataLength = u32At(buf, p);
      p += 4;
      datatotal += mainDataLength;
      break;
    } else if (blockId === XLR_BLOCK_ID_ORIGIN) {
      if (end - p < 2) return short;
      origin = u16At(buf, p);
      p += 2;
    } else if (blockId === XLR_BLOCK_ID_TOPLEVEL_XID && ctx.major >= 14) {
      if (end - p < 4) return short;
      toplevelXid = u32At(buf, p);
      p += 4;
    } else if (blockId <= XLR_MAX_BLOCK_ID) {
      if (blockId <= maxBlockId) return `out-of-order block_id ${blockId}`;
      maxBlockId = blockId;
      if (end - p < 3) return short;
      const forkFlags = buf[p] as number;
      const dataLength = u16At(buf, p + 1);
      p += 3;
      const hasImage = (forkFlags & BKPBLOCK_HAS_IMAGE) !== 0;
      const hasData = (forkFlags & BKPBLOCK_HAS_DATA) !== 0;
      // One comparison that every block runs (so the optimizer has seen it) rather than two
      // that each run only for some kinds of block.
      if (hasData !== (dataLength !== 0)) {
        return hasData ? 'BKPBLOCK_HAS_DATA set, but no data included' : `BKPBLOCK_HAS_DATA not set, but data length is ${dataLength}`;
      }
      datatotal += dataLength;
      let image: WalBlockImage | undefined;
      if (hasImage) {
        const decoded = decodeImageHeader(buf, p, end, ctx);
        if (typeof decoded === 'string') return decoded;
        image = decoded;
        p += imageHeaderSize(decoded);
        datatotal += decoded.length;
        fpiLength += decoded.length;
      }
      const sameRel = (forkFlags & BKPBLOCK_SAME_REL) !== 0;
      if (!sameRel) {
        if (end - p < 12) return short;
        spcOid = u32At(buf, p);
        dbOid = u32At(buf, p + 4);
        relNumber = u32At(buf, p + 8);
        haveRel = true;
        p += 12;
      } else if (!haveRel) {
        return 'BKPBLOCK_SAME_REL set but no previous rel';
      }
      if (end - p < 4) return short;
      const block = u32At(buf, p);
      p += 4;
      const fork = forkFlags & BKPBLOCK_FORK_MASK;
      const ref: Mutable<WalBlockRef> = {
        id: blockId,
        spcOid,
        dbOid,
        relNumber,
        fork,
        forkName: FORK_NAMES[fork] ?? String(fork),
        block,
        sameRel,
        willInit: (forkFlags & BKPBLOCK_WILL_INIT) !== 0,
        hasData,
        dataLength,
      };
      // Absent rather than undefined when there is none; set afterwards, as a spread would
      // build a throwaway object per block.
      if (image) ref.image = image;
      blocks.push(ref);
    } else {
      return `invalid block_id ${blockId}`;
    }
  }
  if (end - p !== datatotal) return short;
  const body: Mutable<DecodedBody> = { blocks, fpiLength, mainDataLength };
  if (origin !== undefined) body.origin = origin;
  if (toplevelXid !== undefined) body.toplevelXid = toplevelXid;
  return body;
}
