// Mutations of real inputs for fuzzing: byte flips, truncation, duplication of a span, splicing
// in a span of another input, deletion and insertion, applied one to a few times. For text
// the same operations work on characters, plus random strings and raw bytes read as UTF-8.
import fc from 'fast-check';

type Op =
  | { readonly kind: 'flip'; readonly at: number; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly from: number; readonly len: number; readonly to: number }
  | { readonly kind: 'splice'; readonly donor: number; readonly from: number; readonly len: number; readonly to: number }
  | { readonly kind: 'delete'; readonly at: number; readonly len: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string };

/** Positions are fractions of the input length, so one op fits inputs of any size. */
const unit = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

function opArbitrary(donors: number, maxSpan: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: unit, value: fc.nat(255) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: unit }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), from: unit, len: fc.nat(maxSpan), to: unit }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), donor: fc.nat(Math.max(0, donors - 1)), from: unit, len: fc.nat(maxSpan), to: unit }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: unit, len: fc.nat(maxSpan) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: unit, text: fc.string({ maxLength: 16, unit: 'binary' }) }) },
  );
}

const pos = (f: number, n: number): number => Math.min(n, Math.floor(f * (n + 1)));

function applyText(base: string, ops: readonly Op[], donors: readonly string[]): string {
  let s = base;
  for (const op of ops) {
    const n = s.length;
    switch (op.kind) {
      case 'flip': {
        if (n === 0) break;
        const i = Math.min(n - 1, Math.floor(op.at * n));
        // A nearby character (case, digit, punctuation change) or any byte-sized code unit.
        const c = s.charCodeAt(i);
        const next = op.value < 128 ? op.value : (c ^ (1 << (op.value % 7)));
        s = s.slice(0, i) + String.fromCharCode(next) + s.slice(i + 1);
        break;
      }
      case 'truncate':
        s = s.slice(0, pos(op.at, n));
        break;
      case 'duplicate': {
        const a = pos(op.from, n);
        s = s.slice(0, pos(op.to, n)) + s.slice(a, a + op.len) + s.slice(pos(op.to, n));
        break;
      }
      case 'splice': {
        const d = donors[op.donor % Math.max(1, donors.length)] ?? '';
        const a = pos(op.from, d.length);
        s = s.slice(0, pos(op.to, n)) + d.slice(a, a + op.len) + s.slice(pos(op.to, n));
        break;
      }
      case 'delete': {
        const a = pos(op.at, n);
        s = s.slice(0, a) + s.slice(a + op.len);
        break;
      }
      case 'insert': {
        const a = pos(op.at, n);
        s = s.slice(0, a) + op.text + s.slice(a);
        break;
      }
    }
  }
  return s;
}

function applyBytes(base: Uint8Array, ops: readonly Op[], donors: readonly Uint8Array[]): Uint8Array {
  // Flips work in place on one copy; ops that change the length build a new array.
  let b: Uint8Array = new Uint8Array(base);
  const join = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  for (const op of ops) {
    const n = b.length;
    switch (op.kind) {
      case 'flip':
        if (n > 0) {
          const i = Math.min(n - 1, Math.floor(op.at * n));
          b[i] = op.value < 128 ? (b[i]! ^ (1 << (op.value % 8))) : op.value;
        }
        break;
      case 'truncate':
        b = b.subarray(0, pos(op.at, n));
        break;
      case 'duplicate': {
        const a = pos(op.from, n);
        const t = pos(op.to, n);
        b = join(b.subarray(0, t), b.subarray(a, a + op.len), b.subarray(t));
        break;
      }
      case 'splice': {
        const d = donors[op.donor % Math.max(1, donors.length)] ?? new Uint8Array(0);
        const a = pos(op.from, d.length);
        const t = pos(op.to, n);
        b = join(b.subarray(0, t), d.subarray(a, a + op.len), b.subarray(t));
        break;
      }
      case 'delete': {
        const a = pos(op.at, n);
        b = join(b.subarray(0, a), b.subarray(a + op.len));
        break;
      }
      case 'insert': {
        const a = pos(op.at, n);
        b = join(b.subarray(0, a), Buffer.from(op.text, 'latin1'), b.subarray(a));
        break;
      }
    }
  }
  return b;
}

/** One of `bases` with 1..maxOps mutations; spans spliced in come from any of the bases. */
export function mutatedText(bases: readonly string[], maxOps = 4, maxSpan = 256): fc.Arbitrary<string> {
  if (bases.length === 0) return fc.string();
  return fc.tuple(fc.nat(bases.length - 1), fc.array(opArbitrary(bases.length, maxSpan), { minLength: 1, maxLength: maxOps }))
    .map(([i, ops]) => applyText(bases[i] ?? '', ops, bases));
}

export function mutatedBytes(bases: readonly Uint8Array[], maxOps = 6, maxSpan = 16384): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(Math.max(0, bases.length - 1)), fc.array(opArbitrary(bases.length, maxSpan), { minLength: 1, maxLength: maxOps }))
    .map(([i, ops]) => applyBytes(bases[i] ?? new Uint8Array(0), ops, bases));
}

/** Random text: any string, strings of tokens the parsers know, and random bytes read as UTF-8. */
export function randomText(pieces: readonly string[], maxLength = 400): fc.Arbitrary<string> {
  const arbs: fc.Arbitrary<string>[] = [
    fc.string({ maxLength }),
    fc.string({ maxLength, unit: 'grapheme' }),
    fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('utf8')),
  ];
  if (pieces.length > 0) arbs.push(fc.array(fc.constantFrom(...pieces), { maxLength: Math.ceil(maxLength / 4) }).map((a) => a.join('')));
  return fc.oneof(...arbs);
}

/** Real inputs mutated (most of the time), or random text. */
export function textInputs(bases: readonly string[], pieces: readonly string[], maxLength = 400): fc.Arbitrary<string> {
  if (bases.length === 0) return randomText(pieces, maxLength);
  return fc.oneof(
    { weight: 3, arbitrary: mutatedText(bases) },
    { weight: 1, arbitrary: fc.constantFrom(...bases) },
    { weight: 2, arbitrary: randomText(pieces, maxLength) },
  );
}
