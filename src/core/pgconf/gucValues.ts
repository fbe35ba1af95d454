// Checks a parameter value the way the server's GUC code reads it: booleans (prefixes of
// true/false/yes/no, on/off, 1/0, any case), integers and reals as guc.c's parse_int and
// parse_real read them (see gucNumber.ts: strtol/strtod forms, units spelled exactly, rounding
// half to even), enums (any case; the listed values and the hidden ones of the server's option
// list, exact words only), then the min..max range.
import type { NumberProblem } from './gucNumber';
import { parseGucNumber } from './gucNumber';
import type { ParamFact } from './paramFacts';

export type ValueProblem =
  | { readonly kind: 'bad-bool' }
  | NumberProblem
  | { readonly kind: 'out-of-range'; readonly value: number; readonly min: number; readonly max: number }
  | { readonly kind: 'bad-enum'; readonly allowed: readonly string[] }
  | { readonly kind: 'bad-list' };

/**
 * Parameters whose check hook reads the value as a comma-separated list of identifiers
 * (SplitIdentifierString): an item is "quoted" or a run without blanks and commas, and only
 * blanks may follow it before the next comma. Anything else stops the server from starting.
 */
const IDENTIFIER_LISTS: ReadonlySet<string> = new Set(['search_path', 'temp_tablespaces']);

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Whether SplitIdentifierString(value, ',') succeeds. */
export function isIdentifierList(value: string): boolean {
  let i = 0;
  const n = value.length;
  while (i < n && isBlank(value[i] as string)) i++;
  if (i === n) return true; // an empty list
  for (;;) {
    if (value[i] === '"') {
      // A quoted name (it may be empty); "" inside stands for one quote.
      i++;
      for (;;) {
        const q = value.indexOf('"', i);
        if (q < 0) return false;
        if (value[q + 1] === '"') {
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
    } else {
      const start = i;
      while (i < n && value[i] !== ',' && !isBlank(value[i] as string)) i++;
      if (i === start) return false;
    }
    while (i < n && isBlank(value[i] as string)) i++;
    if (i === n) return true;
    if (value[i] !== ',') return false;
    i++;
    while (i < n && isBlank(value[i] as string)) i++;
  }
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

/** config_enum_lookup_by_name: a listed or hidden value, compared without case. */
export function enumAccepts(fact: ParamFact, value: string): boolean {
  const lower = value.toLowerCase();
  return [...(fact.enumvals ?? []), ...(fact.hiddenEnumvals ?? [])].some((a) => a.toLowerCase() === lower);
}

/** The value of a numeric parameter in its base unit, range not checked, or why the server refuses it. */
function parsedNumber(fact: ParamFact, value: string): { value: number } | NumberProblem | undefined {
  if (fact.vartype !== 'integer' && fact.vartype !== 'real') return undefined;
  return parseGucNumber(value, fact.vartype, fact.unit);
}

/** Returns undefined when the server would accept the value, else what is wrong. */
export function checkValue(fact: ParamFact, value: string): ValueProblem | undefined {
  switch (fact.vartype) {
    case 'string':
      return IDENTIFIER_LISTS.has(fact.name) && !isIdentifierList(value) ? { kind: 'bad-list' } : undefined;
    case 'bool':
      return parseBool(value) === undefined ? { kind: 'bad-bool' } : undefined;
    case 'enum':
      return enumAccepts(fact, value) ? undefined : { kind: 'bad-enum', allowed: fact.enumvals ?? [] };
    case 'integer':
    case 'real': {
      const parsed = parsedNumber(fact, value);
      if (parsed === undefined || !('value' in parsed)) return parsed;
      const n = parsed.value;
      if (fact.min !== null && fact.max !== null && (n < fact.min || n > fact.max)) {
        return { kind: 'out-of-range', value: n, min: fact.min, max: fact.max };
      }
      return undefined;
    }
  }
}

/** The value in the parameter's base unit (e.g. "64MB" for shared_buffers → 8192), if numeric (in range or not). */
export function numericValue(fact: ParamFact, value: string): number | undefined {
  const parsed = parsedNumber(fact, value);
  return parsed !== undefined && 'value' in parsed ? parsed.value : undefined;
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
    // The distance is at least the difference in length: a candidate that differs by more than
    // the limit cannot be the answer, and skipping it keeps a very long unknown word (a pasted
    // line, a binary file) from costing its length times every parameter's.
    if (Math.abs(c.length - w.length) > limit) continue;
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
