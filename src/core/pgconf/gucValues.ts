// Checks a parameter value the way the server's GUC code reads it: booleans (prefixes of
// true/false/yes/no, on/off, 1/0, any case), integers (decimal, 0x hex, leading-0 octal, or
// a decimal fraction that is rounded) and reals, each with an optional unit that must be
// spelled exactly (kB, MB, ...; us, ms, s, min, h, d), enums (any case; enums that list
// on/off also take the boolean spellings), then the min..max range.
import type { ParamFact } from './paramFacts';

export type ValueProblem =
  | { readonly kind: 'bad-bool' }
  | { readonly kind: 'bad-number' }
  | { readonly kind: 'bad-unit'; readonly validUnits: readonly string[] }
  | { readonly kind: 'out-of-range'; readonly value: number; readonly min: number; readonly max: number }
  | { readonly kind: 'bad-enum'; readonly allowed: readonly string[] };

const MEMORY_UNITS: Readonly<Record<string, number>> = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 * 1024, TB: 1024 * 1024 * 1024 };
const TIME_UNITS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** The size in kB or milliseconds of one base unit of the parameter, and which family. */
function baseUnit(unit: string | null): { family: 'memory' | 'time'; size: number } | undefined {
  if (unit === null || unit === '') return undefined;
  const m = /^(\d*)(B|kB|MB|GB|TB|us|ms|s|min|h|d)$/.exec(unit);
  if (!m) return undefined;
  const factor = m[1] === '' || m[1] === undefined ? 1 : Number(m[1]);
  const u = m[2] ?? '';
  if (u in MEMORY_UNITS) return { family: 'memory', size: factor * (MEMORY_UNITS[u] ?? 1) };
  return { family: 'time', size: factor * (TIME_UNITS[u] ?? 1) };
}

export function parseBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (s.length === 0) return undefined;
  if ('true'.startsWith(s) || 'yes'.startsWith(s)) return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s)) return false;
  if (s === 'on') return true;
  if (s === 'off' || s === 'of') return false;
  if (s === '1') return true;
  if (s === '0') return false;
  return undefined;
}

/** Reads the leading number like strtol(base 0) falling back to strtod; returns it and the rest. */
function leadingNumber(v: string, integer: boolean): { value: number; rest: string } | undefined {
  const s = v.replace(/^\s+/, '');
  if (integer) {
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)/.exec(s);
    const asReal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
    if (hex && !(asReal && /^[.eE]/.test(s.slice((hex[0] ?? '').length)))) {
      const n = parseInt(hex[2] ?? '0', 16) * (hex[1] === '-' ? -1 : 1);
      return { value: n, rest: s.slice(hex[0].length) };
    }
    const intM = /^[+-]?\d+/.exec(s);
    const after = intM ? s.slice(intM[0].length) : s;
    if (intM && !/^[.eE]/.test(after)) {
      const t = intM[0];
      const digits = t.replace(/^[+-]/, '');
      // Base 0: a leading zero means octal; strtol stops at the first non-octal digit.
      if (digits.length > 1 && digits.startsWith('0')) {
        const oct = /^[0-7]*/.exec(digits.slice(1))?.[0] ?? '';
        const n = (oct === '' ? 0 : parseInt(oct, 8)) * (t.startsWith('-') ? -1 : 1);
        return { value: n, rest: s.slice((t.length - digits.length) + 1 + oct.length) };
      }
      return { value: Number(t), rest: after };
    }
  }
  const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  if (!m) return undefined;
  return { value: Number(m[0]), rest: s.slice(m[0].length) };
}

/** Returns undefined when the server would accept the value, else what is wrong. */
export function checkValue(fact: ParamFact, value: string): ValueProblem | undefined {
  switch (fact.vartype) {
    case 'string':
      return undefined;
    case 'bool':
      return parseBool(value) === undefined ? { kind: 'bad-bool' } : undefined;
    case 'enum': {
      const allowed = fact.enumvals ?? [];
      const lower = value.toLowerCase();
      if (allowed.some((a) => a.toLowerCase() === lower)) return undefined;
      if (allowed.includes('on') && allowed.includes('off') && parseBool(value) !== undefined) return undefined;
      if (fact.name === 'wal_level' && (lower === 'archive' || lower === 'hot_standby')) return undefined;
      return { kind: 'bad-enum', allowed };
    }
    case 'integer':
    case 'real': {
      const num = leadingNumber(value, fact.vartype === 'integer');
      if (num === undefined) return { kind: 'bad-number' };
      let n = num.value;
      const rest = num.rest.trim();
      const base = baseUnit(fact.unit);
      if (rest !== '') {
        if (base === undefined) return { kind: 'bad-number' };
        const table = base.family === 'memory' ? MEMORY_UNITS : TIME_UNITS;
        const size = table[rest];
        if (size === undefined) return { kind: 'bad-unit', validUnits: Object.keys(table) };
        n = (n * size) / base.size;
      }
      if (fact.vartype === 'integer') n = Math.round(n);
      if (!Number.isFinite(n)) return { kind: 'bad-number' };
      if (fact.min !== null && fact.max !== null && (n < fact.min || n > fact.max)) {
        return { kind: 'out-of-range', value: n, min: fact.min, max: fact.max };
      }
      return undefined;
    }
  }
}

/** The value in the parameter's base unit (e.g. "64MB" for shared_buffers → 8192), if numeric. */
export function numericValue(fact: ParamFact, value: string): number | undefined {
  if (fact.vartype !== 'integer' && fact.vartype !== 'real') return undefined;
  if (checkValue(fact, value) !== undefined && checkValue(fact, value)?.kind !== 'out-of-range') return undefined;
  const num = leadingNumber(value, fact.vartype === 'integer');
  if (num === undefined) return undefined;
  const rest = num.rest.trim();
  const base = baseUnit(fact.unit);
  let n = num.value;
  if (rest !== '' && base !== undefined) {
    const table = base.family === 'memory' ? MEMORY_UNITS : TIME_UNITS;
    n = (n * (table[rest] ?? 1)) / base.size;
  }
  return fact.vartype === 'integer' ? Math.round(n) : n;
}

/** Edit distance where swapping two neighbouring characters counts as one edit (optimal string alignment). */
export function levenshtein(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate within a third of the word's length (at least 1, at most 3 edits). */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
