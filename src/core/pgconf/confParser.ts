// Parser of one postgresql.conf file into statements, after ParseConfigFp: each logical
// line is `name [=] value`, the name an identifier or qualified identifier, the value an
// identifier, quoted string, unquoted string, integer or real, then end of line. A line
// that breaks this rule is a syntax error; parsing goes on at the next line, and gives up
// after 100 errors in one file. include, include_if_exists and include_dir (any case) are
// directives, not settings.
import type { ConfToken, ConfTokenKind } from './confLexer';
import { lexConf, tokenRange, unquoteConfString } from './confLexer';
import type { Range } from './findings';
import { range } from './findings';

export type IncludeKind = 'include' | 'include_if_exists' | 'include_dir';

export interface ConfStatementBase {
  readonly file: string;
  /** Zero-based line of the name. */
  readonly line: number;
  readonly name: string;
  /** The value as the server sees it (quotes and escapes resolved). */
  readonly value: string;
  readonly nameToken: ConfToken;
  readonly valueToken: ConfToken;
  /** From the name to the end of the value. */
  readonly range: Range;
}

export interface ConfSetting extends ConfStatementBase {
  readonly type: 'setting';
}

export interface ConfDirective extends ConfStatementBase {
  readonly type: 'directive';
  readonly kind: IncludeKind;
}

export type ConfStatement = ConfSetting | ConfDirective;

export interface ConfSyntaxError {
  readonly file: string;
  readonly range: Range;
  readonly message: string;
}

export interface ParsedConfFile {
  readonly file: string;
  readonly text: string;
  readonly tokens: readonly ConfToken[];
  readonly statements: readonly ConfStatement[];
  readonly errors: readonly ConfSyntaxError[];
}

const VALUE_KINDS: ReadonlySet<ConfTokenKind> = new Set(['id', 'string', 'integer', 'real', 'unquoted']);
const MAX_ERRORS = 100;

/**
 * `maxErrors`: the server's postmaster gives up on a file after 100 syntax errors; backends,
 * and the pg_file_settings view, give up at the first one (they read at a DEBUG level).
 */
export function parseConfText(file: string, text: string, maxErrors = MAX_ERRORS): ParsedConfFile {
  const tokens = lexConf(text);
  const significant = tokens.filter((t) => t.kind !== 'comment');
  const statements: ConfStatement[] = [];
  const errors: ConfSyntaxError[] = [];
  let i = 0;
  const next = (): ConfToken | undefined => significant[i++];
  const endOfLineRange = (line: number): Range => {
    // Point at the end of the line's last token (or its start when the line is empty).
    let last: ConfToken | undefined;
    for (const t of tokens) if (t.line === line && t.kind !== 'eol') last = t;
    const ch = last === undefined ? 0 : last.end;
    return range(line, ch, line, ch);
  };
  while (i < significant.length) {
    let tok = next();
    if (tok === undefined) break;
    if (tok.kind === 'eol') continue;
    const fail = (at: ConfToken | undefined, lineOfStatement: number): boolean => {
      if (at === undefined || at.kind === 'eol') {
        errors.push({ file, range: endOfLineRange(lineOfStatement), message: 'syntax error near end of line' });
      } else {
        errors.push({ file, range: tokenRange(at), message: `syntax error near token "${at.text}"` });
      }
      // Resynchronise at the next end of line.
      let t = at;
      while (t !== undefined && t.kind !== 'eol') t = next();
      return errors.length >= maxErrors;
    };
    const startLine = tok.line;
    if (tok.kind !== 'id' && tok.kind !== 'qualified-id') {
      if (fail(tok, startLine)) break;
      continue;
    }
    const nameToken = tok;
    tok = next();
    if (tok?.kind === 'equals') tok = next();
    if (tok === undefined || !VALUE_KINDS.has(tok.kind)) {
      if (fail(tok, startLine)) break;
      continue;
    }
    const valueToken = tok;
    tok = next();
    if (tok !== undefined && tok.kind !== 'eol') {
      if (fail(tok, startLine)) break;
      continue;
    }
    const value = valueToken.kind === 'string' ? unquoteConfString(valueToken.text) : valueToken.text;
    const base = {
      file,
      line: nameToken.line,
      name: nameToken.text,
      value,
      nameToken,
      valueToken,
      range: range(nameToken.line, nameToken.start, valueToken.line, valueToken.end),
    };
    const lower = nameToken.text.toLowerCase();
    if (lower === 'include' || lower === 'include_if_exists' || lower === 'include_dir') {
      statements.push({ ...base, type: 'directive', kind: lower });
    } else {
      statements.push({ ...base, type: 'setting' });
    }
  }
  return { file, text, tokens, statements, errors };
}
