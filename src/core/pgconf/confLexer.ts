// Lexer of one postgresql.conf file, after the token classes of PostgreSQL's guc-file.l:
// the longest match wins, and among equally long matches the class listed first
// (identifier, qualified identifier, quoted string, unquoted string, integer, real, `=`).
// Letters include every byte from 0x80 up, so any non-ASCII character counts as a letter.
import type { Range } from './findings';
import { lineRange } from './findings';

export type ConfTokenKind =
  | 'id' | 'qualified-id' | 'string' | 'unquoted' | 'integer' | 'real' | 'equals' | 'error' | 'comment' | 'eol';

export interface ConfToken {
  readonly kind: ConfTokenKind;
  readonly text: string;
  /** Zero-based line of the token. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export function tokenRange(t: ConfToken): Range {
  return lineRange(t.line, t.start, t.end);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function isLetterOrDigit(c: number): boolean {
  return isLetter(c) || isDigit(c);
}
function isUnitLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Length of an identifier at i (0 when none). */
function idLength(s: string, i: number): number {
  if (i >= s.length || !isLetter(s.charCodeAt(i))) return 0;
  let j = i + 1;
  while (j < s.length && isLetterOrDigit(s.charCodeAt(j))) j++;
  return j - i;
}

function qualifiedLength(s: string, i: number): number {
  const a = idLength(s, i);
  if (a === 0 || s[i + a] !== '.') return 0;
  const b = idLength(s, i + a + 1);
  return b === 0 ? 0 : a + 1 + b;
}

function unquotedLength(s: string, i: number): number {
  if (i >= s.length || !isLetter(s.charCodeAt(i))) return 0;
  let j = i + 1;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (!(isLetterOrDigit(c) || c === 45 || c === 46 || c === 95 || c === 58 || c === 47)) break;
  }
  return j - i;
}

/**
 * A quoted string: '...' with '' and backslash-anything (not a newline) inside. A doubled
 * quote may also be read as the closing quote; the longest string that closes wins.
 */
function stringLength(s: string, i: number): number {
  if (s[i] !== "'") return 0;
  let lastClose = 0;
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '\n') return lastClose;
    if (c === '\\') {
      if (j + 1 >= s.length || s[j + 1] === '\n') return lastClose;
      j += 2;
      continue;
    }
    if (c === "'") {
      lastClose = j + 1 - i;
      if (s[j + 1] === "'") { j += 2; continue; }
      return lastClose;
    }
    j++;
  }
  return lastClose;
}

function signLength(s: string, i: number): number {
  return s[i] === '-' || s[i] === '+' ? 1 : 0;
}

function integerLength(s: string, i: number): number {
  let j = i + signLength(s, i);
  const digitsStart = j;
  if (s[j] === '0' && s[j + 1] === 'x' && isHex(s.charCodeAt(j + 2))) {
    j += 2;
    while (j < s.length && isHex(s.charCodeAt(j))) j++;
  } else {
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    if (j === digitsStart) return 0;
  }
  while (j < s.length && isUnitLetter(s.charCodeAt(j))) j++;
  return j - i;
}

function realLength(s: string, i: number): number {
  let j = i + signLength(s, i);
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (s[j] !== '.') return 0;
  j++;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  if (s[j] === 'e' || s[j] === 'E') {
    let k = j + 1 + signLength(s, j + 1);
    const d = k;
    while (k < s.length && isDigit(s.charCodeAt(k))) k++;
    if (k > d) j = k;
  }
  return j - i;
}

/** Splits one file into tokens; comments are kept (the parser skips them), `eol` ends each line. */
export function lexConf(text: string): ConfToken[] {
  const out: ConfToken[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const push = (kind: ConfTokenKind, len: number): void => {
    out.push({ kind, text: text.slice(i, i + len), line, start: i - lineStart, end: i + len - lineStart });
    i += len;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      push('eol', 1);
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') {
      let j = i;
      while (j < text.length && text[j] !== '\n') j++;
      push('comment', j - i);
      continue;
    }
    // Ordered candidates: the first of the longest wins, as in flex. Only the classes that
    // can start with this character are tried.
    const code0 = text.charCodeAt(i);
    let best: [ConfTokenKind, number] = ['error', 0];
    const consider = (kind: ConfTokenKind, len: number): void => {
      if (len > best[1]) best = [kind, len];
    };
    if (isLetter(code0)) {
      consider('id', idLength(text, i));
      consider('qualified-id', qualifiedLength(text, i));
      consider('unquoted', unquotedLength(text, i));
    } else if (c === "'") {
      consider('string', stringLength(text, i));
    } else if (c === '=') {
      consider('equals', 1);
    } else if (isDigit(code0) || c === '-' || c === '+' || c === '.') {
      consider('integer', integerLength(text, i));
      consider('real', realLength(text, i));
    }
    if (best[1] === 0) {
      // One character; a surrogate pair stays whole so ranges never split it.
      const code = text.charCodeAt(i);
      push('error', code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1);
      continue;
    }
    push(best[0], best[1]);
  }
  return out;
}

/**
 * Removes the quotes of a quoted value and resolves its escapes as PostgreSQL does:
 * `''` is a quote; backslash then b f n r t gives that control character, one to three octal
 * digits give that byte, and any other character stands for itself. A NUL byte ends the
 * value, because the server keeps it as a C string.
 */
export function unquoteConfString(quoted: string): string {
  const s = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1] ?? '';
      i++;
      switch (n) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        default:
          if (n >= '0' && n <= '7') {
            let v = 0;
            let k = 0;
            while (k < 3 && i + k < s.length && (s[i + k] ?? '') >= '0' && (s[i + k] ?? '') <= '7') {
              v = v * 8 + Number(s[i + k]);
              k++;
            }
            i += k - 1;
            const byte = v & 0xff;
            if (byte === 0) return out;
            out += String.fromCharCode(byte);
          } else {
            out += n;
          }
      }
    } else if (c === "'" && s[i + 1] === "'") {
      out += "'";
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
