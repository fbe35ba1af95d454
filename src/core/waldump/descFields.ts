// Splits a record's desc payload into fields, for both styles pg_waldump has used:
//   13–15: `off 31 xmax 2051 flags 0x01 ; new off 43 xmax 0`, `redo 0/1000028; tli 1; fpw true`
//   16+:   `old_xmax: 3, old_off: 34, old_infobits: [], flags: 0x00`, `dead: [4, 5, 6]`
// plus `key=value` (PARAMETER_CHANGE) and commit timestamps. Keys may be several words
// (`prev tli 1`, `oldest/newest commit timestamp xid: 0/0`). It is a best-effort reading for
// hovers: it never throws, and text it cannot pair becomes bare `value` or `flag` fields.

export type DescFieldKind = 'pair' | 'value' | 'flag' | 'timestamp';

export interface DescField {
  readonly kind: DescFieldKind;
  /** '' for bare values, flags and timestamps. */
  readonly key: string;
  readonly value: string;
  /** Offsets in the line; for bare fields the key range is empty at valueStart. */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

const SPACE = 32;
const COMMA = 44;
const SEMI = 59;
const COLON = 58;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSep(c: number): boolean {
  return c === SPACE || c === COMMA || c === SEMI;
}

function isUpperWord(s: string, a: number, b: number): boolean {
  let letters = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) letters++;
  }
  return letters > 0;
}

/** A token that reads as a value: a number, an LSN, a path with digits, true/false. */
function isValueToken(s: string, a: number, b: number): boolean {
  const c = s.charCodeAt(a);
  if (isDigit(c)) return true;
  if (c === 45 /* - */ && isDigit(s.charCodeAt(a + 1))) return true;
  const len = b - a;
  if ((len === 4 && s.startsWith('true', a)) || (len === 5 && s.startsWith('false', a))) return true;
  // paths such as base/1/13391
  const slash = s.indexOf('/', a);
  if (slash >= 0 && slash < b) {
    for (let i = slash; i < b; i++) if (isDigit(s.charCodeAt(i))) return true;
  }
  return false;
}

const DATE = /^\d{4}-\d\d-\d\d$/;
const TIME = /^\d\d:\d\d:\d\d(?:\.\d+)?$/;
const ZONE = /^(?:[A-Za-z][A-Za-z_/+-]*|[+-]\d\d(?::?\d\d)?)$/;

/** Reads the fields of line[start, end). */
export function parseDescFields(line: string, start: number, end: number): DescField[] {
  const out: DescField[] = [];
  // pending key words: pairs of [start, end]
  const pending: number[] = [];
  const flush = (): void => {
    const n = pending.length / 2;
    if (n === 0) return;
    const lastA = pending[pending.length - 2] ?? 0;
    const lastB = pending[pending.length - 1] ?? 0;
    if (n >= 2 && !isUpperWord(line, lastA, lastB)) {
      const ka = pending[0] ?? 0;
      const kb = pending[pending.length - 3] ?? 0;
      out.push(pair(line, ka, kb, lastA, lastB));
    } else {
      for (let k = 0; k < pending.length; k += 2) {
        const a = pending[k] ?? 0;
        const b = pending[k + 1] ?? 0;
        out.push(bare(line, isUpperWord(line, a, b) ? 'flag' : 'value', a, b));
      }
    }
    pending.length = 0;
  };

  let i = start;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    if (c === SEMI || c === COMMA) {
      flush();
      i++;
      continue;
    }
    let t = i;
    while (t < end && !isSep(line.charCodeAt(t))) t++;
    // t: end of token
    if (isValueToken(line, i, t)) {
      const ts = pending.length === 0 ? timestamp(line, i, t, end) : -1;
      if (ts > 0) {
        out.push(bare(line, 'timestamp', i, ts));
        i = ts;
        continue;
      }
      const vb = line.charCodeAt(t - 1) === COLON && t - 1 > i ? t - 1 : t;
      if (pending.length > 0) {
        out.push(pair(line, pending[0] ?? i, (pending[pending.length - 1] ?? i), i, vb));
        pending.length = 0;
      } else {
        out.push(bare(line, 'value', i, vb));
      }
      i = t;
      continue;
    }
    if (line.charCodeAt(t - 1) === COLON && t - 1 > i && (t === end || line.charCodeAt(t) === SPACE)) {
      const ka = pending.length > 0 ? (pending[0] ?? i) : i;
      pending.length = 0;
      let v = t;
      while (v < end && line.charCodeAt(v) === SPACE) v++;
      const ve = valueEnd(line, v, end);
      let vb = ve;
      while (vb > v && line.charCodeAt(vb - 1) === SPACE) vb--;
      out.push(pair(line, ka, t - 1, v, vb));
      i = ve;
      continue;
    }
    const eq = line.indexOf('=', i);
    if (eq > i && eq < t - 1) {
      flush();
      out.push(pair(line, i, eq, eq + 1, t));
      i = t;
      continue;
    }
    if (pending.length === 0 && isUpperWord(line, i, t)) {
      out.push(bare(line, 'flag', i, t));
      i = t;
      continue;
    }
    pending.push(i, t);
    i = t;
  }
  flush();
  return out;
}

/** End of a `key: value` value: the next `,` or `;` outside brackets and braces. */
function valueEnd(s: string, i: number, end: number): number {
  let depth = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === COMMA || c === SEMI)) return i;
  }
  return end;
}

/** If a `YYYY-MM-DD HH:MM:SS[.ffffff] [ZONE]` timestamp starts at a, returns its end, else -1. */
function timestamp(s: string, a: number, dateEnd: number, end: number): number {
  if (dateEnd - a !== 10 || !DATE.test(s.slice(a, dateEnd)) || s.charCodeAt(dateEnd) !== SPACE) return -1;
  let t = dateEnd + 1;
  while (t < end && !isSep(s.charCodeAt(t))) t++;
  if (!TIME.test(s.slice(dateEnd + 1, t))) return -1;
  if (s.charCodeAt(t) === SPACE) {
    let z = t + 1;
    while (z < end && !isSep(s.charCodeAt(z))) z++;
    if (z > t + 1 && ZONE.test(s.slice(t + 1, z))) return z;
  }
  return t;
}

function pair(s: string, ka: number, kb: number, va: number, vb: number): DescField {
  return { kind: 'pair', key: s.slice(ka, kb), value: s.slice(va, vb), keyStart: ka, keyEnd: kb, valueStart: va, valueEnd: vb };
}

function bare(s: string, kind: DescFieldKind, a: number, b: number): DescField {
  return { kind, key: '', value: s.slice(a, b), keyStart: a, keyEnd: a, valueStart: a, valueEnd: b };
}

/** The first field with this key, if any. */
export function descField(fields: readonly DescField[], key: string): DescField | undefined {
  return fields.find((f) => f.key === key);
}
