// CRC-32C over long inputs in WebAssembly. The JavaScript loop in crc32c.ts is as fast once the
// optimizing compiler has compiled it, but a segment full of page images (16 MB through the
// CRC) is mostly read before that happens: the first read in a fresh process, which is what
// opening a segment in the editor costs, ran the CRC about twice as slow as later reads.
// WebAssembly is compiled to machine code before its first call, so it is fast from the start.
//
// The module is small enough to write out by hand. It has one page of memory (64 KiB): the 16
// slicing tables of crc32c.ts at address 0, and a window for the data after them; longer inputs
// go through the window piece by piece (a CRC can be continued), so the memory never grows.
// Its one function, in the text format:
//
//   (func $crc (param $c i32) (param $p i32) (param $n i32) (result i32)
//     (local $a i32) (local $b i32) (local $d i32) (local $e i32)
//     (block (loop                        ;; 16 bytes per step while n >= 16
//       (br_if 1 (i32.lt_u (local.get $n) (i32.const 16)))
//       (local.set $a (i32.xor (i32.load offset=0 (local.get $p)) (local.get $c)))
//       (local.set $b (i32.load offset=4 (local.get $p)))   ;; $d, $e: offsets 8 and 12
//       (local.set $c (i32.xor (i32.load offset=15360 (i32.shl (i32.and (local.get $a) (i32.const 255)) (i32.const 2)))
//                     ... one load per byte: byte k of the 16 through table 15 - k ...))
//       (local.set $p (i32.add (local.get $p) (i32.const 16)))
//       (local.set $n (i32.sub (local.get $n) (i32.const 16)))
//       (br 0)))
//     (block (loop                        ;; then byte by byte through table 0
//       (br_if 1 (i32.eqz (local.get $n)))
//       (local.set $c (i32.xor (i32.load (i32.shl (i32.and (i32.xor (local.get $c) (i32.load8_u (local.get $p))) (i32.const 255)) (i32.const 2)))
//                              (i32.shr_u (local.get $c) (i32.const 8))))
//       ... $p + 1, $n - 1 ...
//       (br 0)))
//     (local.get $c))

/** Where the tables end and the data window starts; the window runs to the end of the page. */
const DATA = 16 * 1024;
const WINDOW = 64 * 1024 - DATA;

// Instruction and type codes of the WebAssembly binary format (its specification, section 5.4).
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_LOAD = 0x28;
const I32_LOAD8_U = 0x2d;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_XOR = 0x73;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const I32 = 0x7f;

// Locals: the three parameters, then four temporaries.
const C = 0;
const P = 1;
const N = 2;
const A = 3;
const B = 4;
const D = 5;
const E = 6;

function unsignedLeb(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    const low = v & 0x7f;
    v >>>= 7;
    out.push(v !== 0 ? low | 0x80 : low);
  } while (v !== 0);
  return out;
}

/** Signed LEB128, for i32.const (255 takes two bytes: its 0x40 bit would read as a sign). */
function signedLeb(n: number): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const low = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (low & 0x40) === 0) || (v === -1 && (low & 0x40) !== 0)) {
      out.push(low);
      return out;
    }
    out.push(low | 0x80);
  }
}

const get = (local: number): number[] => [LOCAL_GET, local];
const set = (local: number): number[] => [LOCAL_SET, local];
const i32 = (value: number): number[] => [I32_CONST, ...signedLeb(value)];
/** i32.load with alignment hint 4 bytes (log2 = 2) and a constant offset added to the address. */
const load = (offset: number): number[] => [I32_LOAD, 2, ...unsignedLeb(offset)];

/** Table `table`'s entry for byte `shift / 8` of a word: T[table * 256 + ((word >>> shift) & 255)]. */
function lookup(word: number, shift: number, table: number): number[] {
  return [
    ...get(word),
    ...(shift > 0 ? [...i32(shift), I32_SHR_U] : []),
    ...(shift < 24 ? [...i32(255), I32_AND] : []),
    ...i32(2), I32_SHL, // entries are 4 bytes
    ...load(table * 1024),
  ];
}

function functionBody(): number[] {
  const sixteen = [
    BLOCK, VOID, LOOP, VOID,
    ...get(N), ...i32(16), I32_LT_U, BR_IF, 1,
    ...get(P), ...load(0), ...get(C), I32_XOR, ...set(A),
    ...get(P), ...load(4), ...set(B),
    ...get(P), ...load(8), ...set(D),
    ...get(P), ...load(12), ...set(E),
    ...lookup(A, 0, 15),
  ];
  // The other 15 lookups, each xor-ed into the running value: byte k of the step uses table 15 - k.
  const words = [A, B, D, E];
  for (let k = 1; k < 16; k++) sixteen.push(...lookup(words[k >> 2] as number, (k & 3) * 8, 15 - k), I32_XOR);
  sixteen.push(
    ...set(C),
    ...get(P), ...i32(16), I32_ADD, ...set(P),
    ...get(N), ...i32(16), I32_SUB, ...set(N),
    BR, 0, END, END,
  );
  const bytes = [
    BLOCK, VOID, LOOP, VOID,
    ...get(N), I32_EQZ, BR_IF, 1,
    ...get(C), ...get(P), I32_LOAD8_U, 0, 0, I32_XOR, ...i32(255), I32_AND, ...i32(2), I32_SHL, ...load(0),
    ...get(C), ...i32(8), I32_SHR_U, I32_XOR, ...set(C),
    ...get(P), ...i32(1), I32_ADD, ...set(P),
    ...get(N), ...i32(1), I32_SUB, ...set(N),
    BR, 0, END, END,
  ];
  return [1, 4, I32, ...sixteen, ...bytes, ...get(C), END]; // one group of 4 i32 locals
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function moduleBytes(): Uint8Array {
  const body = functionBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // type 0: (i32, i32, i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory, one page, no maximum
    ...section(7, [2, ...name('crc'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...unsignedLeb(body.length), ...body]),
  ]);
}

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => unknown;
  readonly Instance: new (module: unknown) => { readonly exports: Readonly<Record<string, unknown>> };
}
declare const WebAssembly: WebAssemblyApi | undefined;

export interface WasmCrc {
  /** Like crc32cUpdate: feeds bytes [start, end) into a running register. */
  update(crc: number, buf: Uint8Array, start: number, end: number): number;
}

/**
 * Compiles the module with the slicing tables of crc32c.ts (16 × 256 entries). Undefined where
 * WebAssembly is missing or refuses the module; the caller then stays with JavaScript.
 */
export function createWasmCrc(tables: Uint32Array): WasmCrc | undefined {
  if (typeof WebAssembly !== 'object' || tables.length !== 16 * 256) return undefined;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
    const memory = instance.exports['memory'] as { readonly buffer?: unknown } | undefined;
    const crc = instance.exports['crc'];
    if (!(memory?.buffer instanceof ArrayBuffer) || typeof crc !== 'function') return undefined;
    const fn = crc as (c: number, p: number, n: number) => number;
    // The memory never grows, so this view stays valid.
    const mem = new Uint8Array(memory.buffer);
    new Uint32Array(memory.buffer, 0, tables.length).set(tables);
    return {
      update(crcIn, buf, start, end) {
        let c = crcIn | 0;
        for (let i = start; i < end; i += WINDOW) {
          const n = Math.min(WINDOW, end - i);
          mem.set(buf.subarray(i, i + n), DATA);
          c = fn(c, DATA, n);
        }
        return c >>> 0;
      },
    };
  } catch {
    return undefined;
  }
}
