// Log sequence numbers (XLogRecPtr): 64-bit byte positions in the WAL stream, printed by
// PostgreSQL as two hex halves `X/Y`. pg_waldump 13–17 prints record LSNs as `%X/%08X` and some
// messages as `%X/%X`; 18 pads everywhere. Both read back the same.

export const INVALID_LSN = 0n;
export const MAX_LSN = (1n << 64n) - 1n;
const LOW_MASK = 0xffffffffn;

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Parses `X/Y` (1–8 hex digits each side). Undefined for anything else. */
export function parseLsn(text: string): bigint | undefined {
  const m = LSN_TEXT.exec(text.trim());
  if (!m) return undefined;
  return (BigInt(`0x${m[1] ?? '0'}`) << 32n) | BigInt(`0x${m[2] ?? '0'}`);
}

export interface FormatLsnOptions {
  /** Pad the low half to 8 digits (`%X/%08X`, as in record lines). Default true. */
  readonly padLow?: boolean;
}

/** Formats an LSN the way PostgreSQL prints it: upper-case hex, high half unpadded. */
export function formatLsn(lsn: bigint, options: FormatLsnOptions = {}): string {
  checkRange(lsn);
  const hi = (lsn >> 32n).toString(16).toUpperCase();
  const lo = (lsn & LOW_MASK).toString(16).toUpperCase();
  return `${hi}/${options.padLow === false ? lo : lo.padStart(8, '0')}`;
}

export function lsnFromParts(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function lsnParts(lsn: bigint): { hi: number; lo: number } {
  checkRange(lsn);
  return { hi: Number(lsn >> 32n), lo: Number(lsn & LOW_MASK) };
}

export function compareLsn(a: bigint, b: bigint): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** lsn + bytes; a RangeError if the result leaves 0 … 2^64-1. */
export function addLsn(lsn: bigint, bytes: bigint | number): bigint {
  const r = lsn + BigInt(bytes);
  checkRange(r);
  return r;
}

/** Bytes from b to a (a - b), like pg_wal_lsn_diff; negative when a is before b. */
export function lsnDiff(a: bigint, b: bigint): bigint {
  return a - b;
}

/** A usable XLogRecPtr: inside the 64-bit range and not InvalidXLogRecPtr (0/0). */
export function isValidLsn(lsn: bigint): boolean {
  return lsn > INVALID_LSN && lsn <= MAX_LSN;
}

function checkRange(lsn: bigint): void {
  if (lsn < 0n || lsn > MAX_LSN) throw new RangeError(`LSN out of range: ${lsn}`);
}
