// Numbers of integer and real parameters, read as guc.c reads them (parse_int, parse_real,
// convert_to_base_unit), with C's strtol/strtod of glibc in the C locale:
// - an integer is read by strtol (base 0: decimal, 0x hex, leading-0 octal); when it stops at
//   '.', 'e' or 'E', or overflows a 64-bit long, the whole text is read again by strtod (so
//   fractions, exponents and hex floats like 0x1.8p10 are accepted);
// - a real is read by strtod only ("010" is ten, "0x10" sixteen, "inf" is a number);
// - strtod's ERANGE (overflow, or an underflow to zero or to a subnormal that is not exact)
//   and NaN make the value invalid;
// - whitespace (space, \t, \n, \v, \f, \r) may follow the number, then a unit of at most 3
//   characters spelled exactly (table below), then whitespace;
// - a value with a unit is multiplied into the base unit, then rounded (rint: half to even)
//   to a whole number of the next smaller unit of the table, when there is one;
// - an integer is finally rounded with rint and must fit a 32-bit int.

const C_SPACE = ' \t\n\v\f\r';
const MAX_UNIT_LEN = 3;

function isCSpace(c: string | undefined): boolean {
  return c !== undefined && c !== '' && C_SPACE.includes(c);
}

function skipSpaces(s: string, i: number): number {
  let j = i;
  while (isCSpace(s[j])) j++;
  return j;
}

/** What strtol/strtod read: the value, where they stopped (0: nothing read), and ERANGE. */
export interface CNumber {
  readonly value: number;
  readonly end: number;
  readonly erange: boolean;
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

function digitValue(c: string): number {
  const code = c.toLowerCase().charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  return 99;
}

/** The digits of `base` from index i on, as a BigInt (kept just past the long range), and where they end. */
function readDigits(s: string, i: number, base: number): { value: bigint; end: number } {
  let v = 0n;
  let j = i;
  while (j < s.length && digitValue(s[j] ?? '') < base) {
    if (v <= LONG_MAX + 1n) v = v * BigInt(base) + BigInt(digitValue(s[j] ?? ''));
    j++;
  }
  return { value: v, end: j };
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && c !== '' && digitValue(c) < 16;
}

/** strtol(s, &end, base) of a 64-bit long: base 10, or 0 (detects 0x and leading-0 octal). */
export function cStrtol(s: string, base: 0 | 10 = 0): CNumber & { readonly big: bigint } {
  let i = skipSpaces(s, 0);
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let radix: number = base === 0 ? 10 : base;
  if (base === 0 && s[i] === '0') {
    if ((s[i + 1] === 'x' || s[i + 1] === 'X') && isHexDigit(s[i + 2])) {
      radix = 16;
      i += 2;
    } else {
      radix = 8;
    }
  }
  const d = readDigits(s, i, radix);
  if (d.end === i) return { value: 0, big: 0n, end: 0, erange: false };
  const signed = negative ? -d.value : d.value;
  const clamped = signed > LONG_MAX ? LONG_MAX : signed < LONG_MIN ? LONG_MIN : signed;
  return { value: Number(clamped), big: clamped, end: d.end, erange: clamped !== signed };
}

/** atoi(s) of glibc: (int) strtol(s, NULL, 10). */
export function cAtoi(s: string): number {
  return Number(BigInt.asIntN(32, cStrtol(s, 10).big));
}

const DBL_MIN = 2.2250738585072014e-308;

function matchAt(s: string, i: number, word: string): boolean {
  return s.slice(i, i + word.length).toLowerCase() === word;
}

/** "inf", "infinity", "nan" and "nan(chars)" as strtod reads them, any case. */
function readSpecial(s: string, i: number): { value: number; end: number } | undefined {
  if (matchAt(s, i, 'infinity')) return { value: Infinity, end: i + 8 };
  if (matchAt(s, i, 'inf')) return { value: Infinity, end: i + 3 };
  if (!matchAt(s, i, 'nan')) return undefined;
  const paren = /^\([0-9A-Za-z_]*\)/.exec(s.slice(i + 3));
  return { value: NaN, end: i + 3 + (paren?.[0].length ?? 0) };
}

/** A hex float after "0x": mantissa digits with an optional point, then an optional binary exponent. */
function readHexFloat(s: string, i: number): CNumber | undefined {
  const m = /^([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?/.exec(s.slice(i));
  const int = m?.[1] ?? '';
  const frac = m?.[2] ?? '';
  if (int === '' && frac === '') return undefined;
  let end = i + (m?.[0].length ?? 0);
  let exp = 0;
  const e = /^[pP]([+-]?\d+)/.exec(s.slice(end));
  if (e) {
    exp = Number(e[1]);
    end += e[0].length;
  }
  const mantissa = BigInt(`0x0${int}${frac}`);
  return { ...scaleByTwo(mantissa, exp - 4 * frac.length), end };
}

/** mantissa × 2^exp rounded to a double, with strtod's ERANGE. */
function scaleByTwo(mantissa: bigint, exp: number): { value: number; erange: boolean } {
  if (mantissa === 0n) return { value: 0, erange: false };
  const bits = mantissa.toString(2).length;
  // Keep 64 significant bits for the division into a double; the rest only decides rounding.
  const shift = Math.max(0, bits - 64);
  let top = mantissa >> BigInt(shift);
  if (shift > 0 && (mantissa & ((1n << BigInt(shift)) - 1n)) !== 0n) top |= 1n; // sticky bit
  const value = Number(top) * 2 ** (exp + shift);
  const tiny = value < DBL_MIN;
  const exact = !tiny || exactSubnormal(mantissa, exp);
  return { value, erange: !Number.isFinite(value) || (tiny && !exact) };
}

function exactSubnormal(mantissa: bigint, exp: number): boolean {
  // Representable below DBL_MIN means: a whole multiple of 2^-1074.
  const below = -1074 - exp;
  if (below <= 0) return true;
  return below < mantissa.toString(2).length && mantissa % (1n << BigInt(below)) === 0n;
}

/** A decimal float: digits with an optional point (at least one digit), then an optional exponent. */
function readDecimalFloat(s: string, i: number): CNumber | undefined {
  const m = /^(\d*)(?:\.(\d*))?/.exec(s.slice(i));
  const int = m?.[1] ?? '';
  const frac = m?.[2] ?? '';
  if (int === '' && frac === '') return undefined;
  let end = i + (m?.[0].length ?? 0);
  const e = /^[eE][+-]?\d+/.exec(s.slice(end));
  if (e) end += e[0].length;
  const value = Number(s.slice(i, end));
  const nonZero = /[1-9]/.test(int + frac);
  const underflow = nonZero && Math.abs(value) < DBL_MIN;
  return { value, end, erange: !Number.isFinite(value) || underflow };
}

/** strtod(s, &end) of glibc in the C locale. */
export function cStrtod(s: string): CNumber {
  let i = skipSpaces(s, 0);
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') sign = s[i++] === '-' ? -1 : 1;
  const special = readSpecial(s, i);
  if (special) return { value: sign * special.value, end: special.end, erange: false };
  const hex = s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') ? readHexFloat(s, i + 2) : undefined;
  const read = hex ?? readDecimalFloat(s, i);
  if (read === undefined) return { value: 0, end: 0, erange: false };
  return { value: sign * read.value, end: read.end, erange: read.erange };
}

/** C's rint() in the default rounding mode: to the nearest integer, halves to even. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Units of guc.c's conversion tables, largest first; size in bytes or in microseconds. */
const MEMORY_UNITS: readonly (readonly [string, number])[] = [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['kB', 1024], ['B', 1]];
const TIME_UNITS: readonly (readonly [string, number])[] = [['d', 86_400_000_000], ['h', 3_600_000_000], ['min', 60_000_000], ['s', 1_000_000], ['ms', 1000], ['us', 1]];

export const MEMORY_UNIT_NAMES: readonly string[] = MEMORY_UNITS.map(([u]) => u).reverse();
export const TIME_UNIT_NAMES: readonly string[] = TIME_UNITS.map(([u]) => u).reverse();

/** A parameter's base unit (pg_settings.unit, e.g. "8kB", "ms"): its table and its size there. */
export interface BaseUnit {
  readonly family: 'memory' | 'time';
  readonly size: number;
}

export function baseUnitOf(unit: string | null): BaseUnit | undefined {
  if (unit === null || unit === '') return undefined;
  const m = /^(\d*)(B|kB|MB|GB|TB|us|ms|s|min|h|d)$/.exec(unit);
  if (!m) return undefined;
  const factor = m[1] === undefined || m[1] === '' ? 1 : Number(m[1]);
  const memory = MEMORY_UNITS.find(([u]) => u === m[2]);
  if (memory) return { family: 'memory', size: factor * memory[1] };
  const time = TIME_UNITS.find(([u]) => u === m[2]);
  return time === undefined ? undefined : { family: 'time', size: factor * time[1] };
}

/**
 * convert_to_base_unit: `value` written in the unit that `text` names (up to 3 characters,
 * then only whitespace), in the base unit; undefined when the unit is not in the table.
 * Each multiplier of guc.c is one division of whole numbers (e.g. 1.0 / (1000 * 60)), so
 * unit size / base size gives the same double.
 */
export function convertToBaseUnit(value: number, text: string, base: BaseUnit): number | undefined {
  let n = 0;
  while (n < text.length && n < MAX_UNIT_LEN && !isCSpace(text[n])) n++;
  if (skipSpaces(text, n) !== text.length) return undefined;
  const table = base.family === 'memory' ? MEMORY_UNITS : TIME_UNITS;
  const at = table.findIndex(([u]) => u === text.slice(0, n));
  const unit = table[at];
  if (unit === undefined) return undefined;
  const converted = value * (unit[1] / base.size);
  const next = table[at + 1];
  if (next === undefined) return converted;
  const step = next[1] / base.size;
  return rint(converted / step) * step;
}

/** parse_int reads with strtol, and again with strtod when strtol stops at '.', 'e' or 'E' or overflows; parse_real with strtod. */
function readGucNumber(text: string, vartype: 'integer' | 'real'): CNumber {
  if (vartype === 'real') return cStrtod(text);
  const asLong = cStrtol(text);
  const stop = text[asLong.end] ?? '';
  return stop === '.' || stop === 'e' || stop === 'E' || asLong.erange ? cStrtod(text) : asLong;
}

export type NumberProblem =
  | { readonly kind: 'bad-number'; readonly hint?: string }
  | { readonly kind: 'bad-unit'; readonly validUnits: readonly string[] };

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** The value of an integer or real parameter in its base unit, or what makes the server refuse it. */
export function parseGucNumber(text: string, vartype: 'integer' | 'real', unit: string | null): { value: number } | NumberProblem {
  const num = readGucNumber(text, vartype);
  if (num.end === 0 || num.erange || Number.isNaN(num.value)) return { kind: 'bad-number' };
  let value = num.value;
  const rest = text.slice(skipSpaces(text, num.end));
  if (rest !== '') {
    const base = baseUnitOf(unit);
    if (base === undefined) return { kind: 'bad-number' };
    const converted = convertToBaseUnit(value, rest, base);
    if (converted === undefined) return { kind: 'bad-unit', validUnits: base.family === 'memory' ? MEMORY_UNIT_NAMES : TIME_UNIT_NAMES };
    value = converted;
  }
  if (vartype === 'real') return { value };
  value = rint(value);
  if (value > INT_MAX || value < INT_MIN) return { kind: 'bad-number', hint: 'Value exceeds integer range.' };
  return { value };
}
