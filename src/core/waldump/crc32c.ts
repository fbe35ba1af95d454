// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum PostgreSQL puts in
// every WAL record. pg_waldump computes it with the SSE 4.2 crc32 instruction; JavaScript has
// none, so this is table-driven "slicing": table t maps a byte to its CRC contribution when t
// more bytes follow it, which lets one step fold several independent table lookups together
// instead of running one dependent lookup per byte.
//  - Large inputs (a WAL segment full of page images is ~16 MB through here) go 16 bytes per
//    step, read as four aligned 32-bit words through a Uint32Array view of the same memory.
//  - Short inputs (most records are under 200 bytes, and every record's 20-byte header) go 4
//    bytes per step, assembled from bytes: creating a view costs more than it saves there.
//  - Long inputs go to the same 16-byte loop in WebAssembly where it is available (see
//    walReaderCrcWasm.ts: it is fast from its first call, when the JavaScript one is not yet).
import { createWasmCrc } from './walReaderCrcWasm';
import type { WasmCrc } from './walReaderCrcWasm';

const POLY = 0x82f63b78;
/** Tables 0..15, 256 entries each, one after another in one array (table t at t * 256). */
const SLICES = 16;

function buildTable(): Uint32Array {
  const t = new Uint32Array(SLICES * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  // Table s: the byte followed by s zero bytes, i.e. table s-1's value pushed through one more byte.
  for (let s = 1; s < SLICES; s++) {
    for (let i = 0; i < 256; i++) {
      const p = t[(s - 1) * 256 + i] as number;
      t[s * 256 + i] = (p >>> 8) ^ (t[p & 0xff] as number);
    }
  }
  return t;
}

/**
 * Built at import (about 0.3 ms), not on first use: as a module-level constant the optimizing
 * compiler folds the table's address and length into the loop below, which made it ~20% faster
 * than reading a lazily assigned variable.
 */
const T = buildTable();

/** The register value before any byte: start here, feed with {@link crc32cUpdate}, then {@link crc32cFinish}. */
export const CRC32C_INIT = 0xffffffff;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** From this many bytes on, the 16-bytes-per-step path with a 32-bit view pays for its setup. */
const WIDE_FROM = 128;

/** From this many bytes on, copying into WebAssembly memory and calling there pays off. */
const WASM_FROM = 256;
/** null where WebAssembly is not available; set up on first use (~0.5 ms). */
let wasm: WasmCrc | null = null;
let primed = false;

/**
 * Sets up WebAssembly, then runs every path of crc32cUpdate a few times on a small buffer.
 * Why the runs: V8 compiles optimized code for the paths a function has been seen to take. The
 * reader's first records are often all short; its optimized code (with the CRC inlined) was
 * then thrown away and rebuilt at the first record long enough for another path, up to three
 * times on a first read of a pgbench segment. A few dozen calls on 300 bytes cost microseconds.
 */
function prime(): void {
  primed = true;
  wasm = (LITTLE_ENDIAN ? createWasmCrc(T) : undefined) ?? null;
  const sample = new Uint8Array(WASM_FROM + 64);
  for (let k = 0; k < 12; k++) {
    crc32cUpdate(CRC32C_INIT, sample, 1, WASM_FROM + 33); // WebAssembly (or the word loop)
    crc32cUpdate(CRC32C_INIT, sample, 1, WIDE_FROM + 33); // the word loop
    crc32cUpdate(CRC32C_INIT, sample, 1, 23); // bytes only
  }
}

/** Which code computes long inputs: WebAssembly, or JavaScript where that is missing. */
export function crc32cLongInputs(): 'webassembly' | 'javascript' {
  if (!primed) prime();
  return wasm !== null ? 'webassembly' : 'javascript';
}

/** Feeds bytes [start, end) of `buf` into a running (not yet finished) CRC register. */
export function crc32cUpdate(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  if (!primed) prime();
  if (end - start >= WASM_FROM && wasm !== null) return wasm.update(crc, buf, start, end);
  return crc32cUpdateJs(crc, buf, start, end);
}

/** {@link crc32cUpdate} in JavaScript only: where WebAssembly is missing, and for short inputs. */
export function crc32cUpdateJs(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = crc | 0;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= WIDE_FROM) {
    // Bytes up to a 4-byte aligned address (a Uint32Array view must start aligned), then whole
    // 16-byte steps as words; the rest below.
    const aligned = i + ((4 - ((buf.byteOffset + i) & 3)) & 3);
    c = crcBytes(c, buf, i, aligned);
    const words = ((end - aligned) >>> 4) << 2;
    c = crcWords(c, new Uint32Array(buf.buffer, buf.byteOffset + aligned, words));
    i = aligned + (words << 2);
  }
  return crcBytes(c, buf, i, end) >>> 0;
}

// The two loops are separate functions so that each is optimized for the inputs it has seen:
// when one function held both, its first 128-byte input after optimization (a segment of short
// records meets one late) threw the optimized code away and compiled it again.

/** 16 bytes per step over little-endian words (a multiple of four of them). */
function crcWords(crc: number, w: Uint32Array): number {
  let c = crc;
  for (let k = 0; k < w.length; k += 4) {
    // The words hold the bytes in stream order, lowest byte first; the first byte has 15 bytes
    // after it in this step, so it goes through table 15.
    const a = c ^ (w[k] as number);
    const b = w[k + 1] as number;
    const d = w[k + 2] as number;
    const e = w[k + 3] as number;
    c = (T[0xf00 | (a & 0xff)] as number) ^ (T[0xe00 | ((a >>> 8) & 0xff)] as number)
      ^ (T[0xd00 | ((a >>> 16) & 0xff)] as number) ^ (T[0xc00 | (a >>> 24)] as number)
      ^ (T[0xb00 | (b & 0xff)] as number) ^ (T[0xa00 | ((b >>> 8) & 0xff)] as number)
      ^ (T[0x900 | ((b >>> 16) & 0xff)] as number) ^ (T[0x800 | (b >>> 24)] as number)
      ^ (T[0x700 | (d & 0xff)] as number) ^ (T[0x600 | ((d >>> 8) & 0xff)] as number)
      ^ (T[0x500 | ((d >>> 16) & 0xff)] as number) ^ (T[0x400 | (d >>> 24)] as number)
      ^ (T[0x300 | (e & 0xff)] as number) ^ (T[0x200 | ((e >>> 8) & 0xff)] as number)
      ^ (T[0x100 | ((e >>> 16) & 0xff)] as number) ^ (T[e >>> 24] as number);
  }
  return c;
}

/** Four bytes per step, assembled from single bytes (any alignment, any byte order), then the rest one by one. */
function crcBytes(crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = crc;
  let i = start;
  for (; end - i >= 4; i += 4) {
    const a = c ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
    c = (T[0x300 | (a & 0xff)] as number) ^ (T[0x200 | ((a >>> 8) & 0xff)] as number)
      ^ (T[0x100 | ((a >>> 16) & 0xff)] as number) ^ (T[a >>> 24] as number);
  }
  for (; i < end; i++) c = (T[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

/** The final value of a running CRC register. */
export function crc32cFinish(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32C of a whole buffer (or a range of it). */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return crc32cFinish(crc32cUpdate(CRC32C_INIT, buf, start, end));
}
