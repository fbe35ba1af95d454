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

export interface RecordHeader {
  readonly totalLength: number;
  readonly xid: number;
  /** xl_prev as a number (exact below 2^53, i.e. for any LSN a real cluster reaches). */
  readonly prev: number;
  readonly info: number;
  readonly rmid: number;
  readonly crc: number;
}

function u16At(buf: Uint8Array, o: number): number {
  return (buf[o] as number) | ((buf[o + 1] as number) << 8);
}

function u32At(buf: Uint8Array, o: number): number {
  return ((buf[o] as number) | ((buf[o + 1] as number) << 8) | ((buf[o + 2] as number) << 16) | ((buf[o + 3] as number) << 24)) >>> 0;
}

export function readRecordHeader(buf: Uint8Array, at: number): RecordHeader {
  return {
    totalLength: u32At(buf, at),
    xid: u32At(buf, at + 4),
    prev: u32At(buf, at + 8) + u32At(buf, at + 12) * 0x100000000,
    info: buf[at + 16] as number,
    rmid: buf[at + 17] as number,
    crc: u32At(buf, at + CRC_OFFSET),
  };
}

/** The CRC PostgreSQL stores in xl_crc: over the data after the header, then the header up to xl_crc. */
export function recordCrc(buf: Uint8Array, at: number, totalLength: number): number {
  let c = crc32cUpdate(CRC32C_INIT, buf, at + SIZE_OF_XLOG_RECORD, at + totalLength);
  c = crc32cUpdate(c, buf, at, at + CRC_OFFSET);
  return crc32cFinish(c);
}

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
  let lastRel: { spc: number; db: number; rel: number } | undefined;
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
      if (hasData && dataLength === 0) return 'BKPBLOCK_HAS_DATA set, but no data included';
      if (!hasData && dataLength !== 0) return `BKPBLOCK_HAS_DATA not set, but data length is ${dataLength}`;
      datatotal += dataLength;
      let image: WalBlockImage | undefined;
      if (hasImage) {
        if (end - p < 5) return short;
        const length = u16At(buf, p);
        const holeOffset = u16At(buf, p + 2);
        const info = buf[p + 4] as number;
        p += 5;
        const compression = compressionOf(info, ctx.major);
        const hasHole = (info & BKPIMAGE_HAS_HOLE) !== 0;
        let holeLength: number;
        if (compression !== 'none') {
          if (hasHole) {
            if (end - p < 2) return short;
            holeLength = u16At(buf, p);
            p += 2;
          } else {
            holeLength = 0;
          }
        } else {
          holeLength = ctx.blockSize - length;
        }
        datatotal += length;
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
        fpiLength += length;
        image = { length, holeOffset, holeLength, apply: appliesImage(info, ctx.major), compression, info };
      }
      const sameRel = (forkFlags & BKPBLOCK_SAME_REL) !== 0;
      if (!sameRel) {
        if (end - p < 12) return short;
        lastRel = { spc: u32At(buf, p), db: u32At(buf, p + 4), rel: u32At(buf, p + 8) };
        p += 12;
      } else if (lastRel === undefined) {
        return 'BKPBLOCK_SAME_REL set but no previous rel';
      }
      if (end - p < 4) return short;
      const block = u32At(buf, p);
      p += 4;
      const fork = forkFlags & BKPBLOCK_FORK_MASK;
      const ref: WalBlockRef = {
        id: blockId,
        spcOid: lastRel.spc,
        dbOid: lastRel.db,
        relNumber: lastRel.rel,
        fork,
        forkName: FORK_NAMES[fork] ?? String(fork),
        block,
        sameRel,
        willInit: (forkFlags & BKPBLOCK_WILL_INIT) !== 0,
        hasData,
        dataLength,
        ...(image ? { image } : {}),
      };
      blocks.push(ref);
    } else {
      return `invalid block_id ${blockId}`;
    }
  }
  if (end - p !== datatotal) return short;
  return {
    blocks,
    fpiLength,
    mainDataLength,
    ...(origin !== undefined ? { origin } : {}),
    ...(toplevelXid !== undefined ? { toplevelXid } : {}),
  };
}
