// Lexer of one pg_hba.conf (or @-included) file, after hba.c: a line ending in a backslash
// continues on the next (PostgreSQL 14+, even inside quotes or comments); fields are
// separated by blanks (space, tab, CR); a field is a comma-separated list of tokens; double
// quotes protect blanks, commas and `#`, and `""` inside quotes is a literal quote; an
// unquoted `#` starts a comment. A token records whether it began with a quote: a quoted
// keyword is not a keyword, and "@x" is not a file inclusion while @"x" is.
import type { Range } from './findings';
import { range } from './findings';

export interface HbaRawToken {
  readonly text: string;
  /** True when the token began with a double quote. */
  readonly quoted: boolean;
  /** True for an unquoted `@name` (file inclusion); text is then the name after `@`. */
  readonly atFile: boolean;
  readonly range: Range;
}

export interface HbaRawLine {
  /** Zero-based first physical line. */
  readonly line: number;
  /** Physical lines joined by continuations, minus one. */
  readonly continuations: number;
  readonly fields: readonly (readonly HbaRawToken[])[];
  /** The logical line with continuations removed. */
  readonly raw: string;
  readonly range: Range;
}

interface Pos { line: number; character: number }

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

/** A run of a logical line that came from one physical line. */
interface Segment { readonly from: number; readonly line: number; readonly column: number }

interface LogicalLine { chars: string; segments: Segment[]; line: number; count: number; endPos: Pos }

/** Splits text into logical lines; segments map each character back to its physical position. */
function logicalLines(text: string, continuation: boolean): LogicalLine[] {
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < physical.length) {
    const first = i;
    // Pieces joined once at the end: a line continued over thousands of physical lines would
    // otherwise be copied once per line.
    const pieces: string[] = [];
    let length = 0;
    const segments: Segment[] = [];
    let endPos: Pos = { line: i, character: 0 };
    for (;;) {
      const raw = physical[i] ?? '';
      // Strip trailing CR/LF as pg_strip_crlf does.
      let len = raw.length;
      while (len > 0 && (raw[len - 1] === '\r' || raw[len - 1] === '\n')) len--;
      segments.push({ from: length, line: i, column: 0 });
      endPos = { line: i, character: len };
      // A continuation: this physical line (not empty) ends with a backslash, which is dropped.
      const continued = continuation && len > 0 && raw[len - 1] === '\\';
      const piece = raw.slice(0, continued ? len - 1 : len);
      pieces.push(piece);
      length += piece.length;
      // A backslash on the last line of the file: the server reads end of file and stops.
      if (continued && i + 1 < physical.length) {
        i++;
        continue;
      }
      break;
    }
    out.push({ chars: pieces.join(''), segments, line: first, count: i - first, endPos });
    i++;
  }
  return out;
}

function positionAt(l: LogicalLine, idx: number): Pos {
  if (idx >= l.chars.length) return l.endPos;
  // The last segment that starts at or before idx (binary search: a long continued line has
  // one segment per physical line, and every token asks).
  let lo = 0;
  let hi = l.segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((l.segments[mid]?.from ?? 0) <= idx) lo = mid;
    else hi = mid - 1;
  }
  const seg = l.segments[lo] ?? { from: 0, line: l.line, column: 0 };
  return { line: seg.line, character: seg.column + idx - seg.from };
}

/** Tokenizes one file's text. `major` decides whether backslash continuation applies (14+). */
export function lexHba(text: string, major = 17): HbaRawLine[] {
  const result: HbaRawLine[] = [];
  for (const l of logicalLines(text, major >= 14)) {
    const s = l.chars;
    const at = (idx: number): Pos => positionAt(l, idx);
    const after = (idx: number): Pos => {
      if (idx >= s.length) return l.endPos;
      const p = positionAt(l, idx);
      return { line: p.line, character: p.character + 1 };
    };
    const fields: HbaRawToken[][] = [];
    let p = 0;
    let lineDone = false;
    while (p < s.length && !lineDone) {
      // One field: tokens while each ends with a comma.
      const field: HbaRawToken[] = [];
      for (;;) {
        while (p < s.length && (isBlank(s[p]) || s[p] === ',')) p++;
        let buf = '';
        let inQuote = false;
        let wasQuote = false;
        let sawQuote = false;
        let initialQuote = false;
        let comma = false;
        const start = p;
        let last = p - 1;
        while (p < s.length && (!isBlank(s[p]) || inQuote)) {
          const c = s[p] ?? '';
          if (c === '#' && !inQuote) {
            p = s.length;
            lineDone = true;
            break;
          }
          if (c === ',' && !inQuote) {
            comma = true;
            break;
          }
          if (c !== '"' || wasQuote) buf += c;
          if (inQuote && c === '"') wasQuote = !wasQuote;
          else wasQuote = false;
          if (c === '"') {
            inQuote = !inQuote;
            sawQuote = true;
            if (buf.length === 0) initialQuote = true;
          }
          last = p;
          p++;
        }
        if (!sawQuote && buf.length === 0) break;
        const r = range(at(start).line, at(start).character, after(last).line, after(last).character);
        if (!initialQuote && buf.length > 1 && buf.startsWith('@')) {
          field.push({ text: buf.slice(1), quoted: false, atFile: true, range: r });
        } else {
          field.push({ text: buf, quoted: initialQuote, atFile: false, range: r });
        }
        if (!comma) break;
      }
      if (field.length > 0) fields.push(field);
    }
    if (fields.length === 0) continue;
    const start = at(0);
    result.push({
      line: l.line,
      continuations: l.count,
      fields,
      raw: s,
      range: range(start.line, start.character, l.endPos.line, l.endPos.character),
    });
  }
  return result;
}
