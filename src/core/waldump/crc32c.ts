// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum PostgreSQL puts in
// every WAL record. Table-driven, eight bytes per step ("slicing-by-8").

const POLY = 0x82f63b78;

function makeTables(): Uint32Array[] {
  const tables: Uint32Array[] = [];
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c >>> 0;
  }
  tables.push(t0);
  for (let t = 1; t < 8; t++) {
    const prev = tables[t - 1] as Uint32Array;
    const cur = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const p = prev[i] as number;
      cur[i] = ((p >>> 8) ^ (t0[p & 0xff] as number)) >>> 0;
    }
    tables.push(cur);
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = makeTables() as [
  Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array,
];

/** The register value before any byte: start here, feed with {@link crc32cUpdate}, then {@link crc32cFinish}. */
export const CRC32C_INIT = 0xffffffff;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes a 32-bit view costs more than it saves. */
const WORDS_FROM = 64;

/** Feeds bytes [start, end) of `buf` into a running (not yet finished) CRC register. */
export function crc32cUpdate(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = crc >>> 0;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= WORDS_FROM) {
    // Byte-wise up to a 4-byte aligned address, then two 32-bit loads per 8 bytes.
    while ((buf.byteOffset + i) & 3) {
      c = (T0[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
      i++;
    }
    const words = (end - i) >>> 3 << 1;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let k = 0; k < words; k += 2) {
      const lo = (c ^ (w[k] as number)) >>> 0;
      const hi = w[k + 1] as number;
      c = (T7[lo & 0xff] as number) ^ (T6[(lo >>> 8) & 0xff] as number) ^ (T5[(lo >>> 16) & 0xff] as number) ^ (T4[lo >>> 24] as number)
        ^ (T3[hi & 0xff] as number) ^ (T2[(hi >>> 8) & 0xff] as number) ^ (T1[(hi >>> 16) & 0xff] as number) ^ (T0[hi >>> 24] as number);
    }
    i += words * 4;
    while (i < end) {
      c = (T0[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
      i++;
    }
    return c >>> 0;
  }
  // Byte-wise until the remaining length is a multiple of 8.
  while (i < end && (end - i) % 8 !== 0) {
    c = (T0[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  while (i < end) {
    const lo = (c ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24))) >>> 0;
    const hi = ((buf[i + 4] as number) | ((buf[i + 5] as number) << 8) | ((buf[i + 6] as number) << 16) | ((buf[i + 7] as number) << 24)) >>> 0;
    c = (T7[lo & 0xff] as number) ^ (T6[(lo >>> 8) & 0xff] as number) ^ (T5[(lo >>> 16) & 0xff] as number) ^ (T4[lo >>> 24] as number)
      ^ (T3[hi & 0xff] as number) ^ (T2[(hi >>> 8) & 0xff] as number) ^ (T1[(hi >>> 16) & 0xff] as number) ^ (T0[hi >>> 24] as number);
    i += 8;
  }
  return c >>> 0;
}

/** The final value of a running CRC register. */
export function crc32cFinish(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32C of a whole buffer (or a range of it). */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return crc32cFinish(crc32cUpdate(CRC32C_INIT, buf, start, end));
}
