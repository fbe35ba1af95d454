// Text edits that the fixes use: replace a token, append a line at the end of a file,
// insert a line above another.
import type { TextEdit } from './findings';
import { range } from './findings';
import type { ConfToken } from './confLexer';

export function replaceToken(file: string, token: Pick<ConfToken, 'line' | 'start' | 'end'>, newText: string): TextEdit {
  return { file, range: range(token.line, token.start, token.line, token.end), newText };
}

/** Appends `line` (no newline needed) at the end of a file whose current text is `text`. */
export function appendLine(file: string, text: string, line: string): TextEdit {
  const lines = text.split('\n');
  const last = lines.length - 1;
  const lastLen = (lines[last] ?? '').length;
  const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
  return { file, range: range(last, lastLen, last, lastLen), newText: `${prefix}${line}\n` };
}

/** Inserts `line` as a new line above zero-based line `before`. */
export function insertLineAbove(file: string, before: number, line: string): TextEdit {
  return { file, range: range(before, 0, before, 0), newText: `${line}\n` };
}

/** Applies edits of one file to its text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => {
    let o = 0;
    for (let i = 0; i < line && i < lines.length; i++) o += (lines[i] ?? '').length + 1;
    return o + character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = text;
  for (const e of sorted) {
    const s = offset(e.range.start.line, e.range.start.character);
    const t = offset(e.range.end.line, e.range.end.character);
    out = out.slice(0, s) + e.newText + out.slice(t);
  }
  return out;
}
