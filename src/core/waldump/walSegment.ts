// WAL segment files: which file holds an LSN, and what a file name says. A name is 24 hex
// digits: the timeline, then the segment number split into "xlog id" and the segment within
// it, where one xlog id spans 4 GiB (0x100000000 / segment size segments). The segment size is a
// power of two from 1 MiB to 1 GiB, chosen at initdb (--wal-segsize); 16 MiB by default.
import { formatLsn } from './lsn';

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 1024 * 1024;
const MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;
const XLOG_ID_SPAN = 0x100000000n;

export function isValidSegmentSize(bytes: number): boolean {
  return Number.isInteger(bytes) && bytes >= MIN_SEGMENT_SIZE && bytes <= MAX_SEGMENT_SIZE && (bytes & (bytes - 1)) === 0;
}

function segSizeBig(segSize: number): bigint {
  if (!isValidSegmentSize(segSize)) throw new RangeError(`invalid WAL segment size ${segSize}: a power of two from 1 MiB to 1 GiB`);
  return BigInt(segSize);
}

export function segmentsPerXLogId(segSize: number = DEFAULT_SEGMENT_SIZE): bigint {
  return XLOG_ID_SPAN / segSizeBig(segSize);
}

/** The segment number holding the byte at lsn. */
export function segmentNumber(lsn: bigint, segSize: number = DEFAULT_SEGMENT_SIZE): bigint {
  return lsn / segSizeBig(segSize);
}

/** The offset of lsn inside its segment. */
export function segmentOffset(lsn: bigint, segSize: number = DEFAULT_SEGMENT_SIZE): number {
  return Number(lsn % segSizeBig(segSize));
}

export function segmentStartLsn(segno: bigint, segSize: number = DEFAULT_SEGMENT_SIZE): bigint {
  return segno * segSizeBig(segSize);
}

function hex8(n: bigint | number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/** The file name of segment segno on a timeline. */
export function segmentFileName(timeline: number, segno: bigint, segSize: number = DEFAULT_SEGMENT_SIZE): string {
  if (!Number.isInteger(timeline) || timeline < 1 || timeline > 0xffffffff) throw new RangeError(`invalid timeline ${timeline}`);
  const per = segmentsPerXLogId(segSize);
  return `${hex8(timeline)}${hex8(segno / per)}${hex8(segno % per)}`;
}

export interface WalLocation {
  readonly fileName: string;
  readonly segmentNumber: bigint;
  readonly offset: number;
}

/** Where lsn lies on disk: the segment file on this timeline and the byte offset inside it. */
export function lsnToWalLocation(lsn: bigint, timeline: number, segSize: number = DEFAULT_SEGMENT_SIZE): WalLocation {
  const segno = segmentNumber(lsn, segSize);
  return { fileName: segmentFileName(timeline, segno, segSize), segmentNumber: segno, offset: segmentOffset(lsn, segSize) };
}

export type WalCompression = 'gz' | 'lz4' | 'zst';

export interface WalFileName {
  readonly timeline: number;
  readonly segmentNumber: bigint;
  readonly startLsn: bigint;
  /** The LSN just after the segment. */
  readonly endLsn: bigint;
  /** `.partial`: the last, incomplete segment of a timeline (pg_receivewal, promotion). */
  readonly partial: boolean;
  readonly compression: WalCompression | undefined;
  /** The 24-digit name without suffixes. */
  readonly baseName: string;
}

const NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})((?:\.partial|\.gz|\.lz4|\.zst)*)$/;

/** Reads a segment file name, also with `.partial` and/or a compression suffix. Undefined if it is not one. */
export function parseWalFileName(name: string, segSize: number = DEFAULT_SEGMENT_SIZE): WalFileName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const suffixes = (m[4] ?? '').split('.').filter((s) => s !== '');
  const partialCount = suffixes.filter((s) => s === 'partial').length;
  const comp = suffixes.filter((s) => s !== 'partial') as WalCompression[];
  if (partialCount > 1 || comp.length > 1) return undefined;
  const timeline = Number.parseInt(m[1] ?? '', 16);
  const per = segmentsPerXLogId(segSize);
  const hi = BigInt(`0x${m[2] ?? ''}`);
  const lo = BigInt(`0x${m[3] ?? ''}`);
  if (timeline < 1 || lo >= per) return undefined;
  const segno = hi * per + lo;
  const startLsn = segmentStartLsn(segno, segSize);
  return {
    timeline,
    segmentNumber: segno,
    startLsn,
    endLsn: startLsn + BigInt(segSize),
    partial: partialCount === 1,
    compression: comp[0],
    baseName: `${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ''}`,
  };
}

/** `start … end` of a segment, for hovers. */
export function describeSegment(file: WalFileName): string {
  return `timeline ${file.timeline}, segment ${file.segmentNumber}, ${formatLsn(file.startLsn)} … ${formatLsn(file.endLsn)}`;
}
