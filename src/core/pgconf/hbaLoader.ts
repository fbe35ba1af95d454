// Reads a pg_hba.conf with what it pulls in, as hba.c does:
// - `@name` in a field is replaced by every token of that file (all its lines), read
//   relative to the including file's directory; nested @ and include lines work there too;
// - PostgreSQL 16+: a line of exactly two fields whose first token is `include`,
//   `include_if_exists` or `include_dir` reads the named file (or the directory's `.conf`
//   files in name order) in its place; include_if_exists skips a missing file;
// - nesting deeper than 10 fails; a cycle is reported as such.
// Errors become lines carrying an error (the server shows them in pg_hba_file_rules).
import * as path from 'node:path';
import type { ConfReader, Range } from './findings';
import { absoluteConfigLocation, byteCompare, CONF_FILE_MAX_DEPTH, isIncludedConfName } from './confTree';
import type { HbaRawLine } from './hbaLexer';
import { lexHba } from './hbaLexer';

export interface HbaToken {
  readonly text: string;
  readonly quoted: boolean;
  /** File and range where the token was written (inside the @file when it came from one). */
  readonly file: string;
  readonly range: Range;
  /** The @file it came from, if any. */
  readonly viaFile?: string;
}

export interface HbaLine {
  readonly file: string;
  /** Zero-based first physical line. */
  readonly line: number;
  readonly range: Range;
  readonly raw: string;
  readonly fields: readonly (readonly HbaToken[])[];
  readonly error?: { readonly message: string; readonly range: Range };
}

export interface HbaLoadOptions {
  /** Major version: continuation needs 14+, include directives 16+. Default 17. */
  readonly major?: number;
}

export interface HbaFileSet {
  readonly mainFile: string;
  readonly lines: readonly HbaLine[];
  /** Texts read, by absolute path. */
  readonly files: ReadonlyMap<string, string>;
}

export async function loadHba(reader: ConfReader, mainFile: string, options: HbaLoadOptions = {}): Promise<HbaFileSet> {
  const major = options.major ?? 17;
  const files = new Map<string, string>();
  const stack: string[] = [];

  type Opened = { text: string } | { error: string; missing: boolean };
  const open = async (file: string, depth: number): Promise<Opened> => {
    if (depth > CONF_FILE_MAX_DEPTH) return { error: `could not open file "${file}": maximum nesting depth exceeded`, missing: false };
    if (stack.includes(file)) return { error: `could not open file "${file}": it includes itself (the server fails with "maximum nesting depth exceeded")`, missing: false };
    try {
      const text = await reader.readFile(file);
      if (text === undefined) return { error: `could not open file "${file}": No such file or directory`, missing: true };
      files.set(file, text);
      return { text };
    } catch (e) {
      return { error: `could not open file "${file}": ${e instanceof Error ? e.message : String(e)}`, missing: false };
    }
  };

  const tokenizeFile = async (file: string, text: string, depth: number, out: HbaLine[]): Promise<void> => {
    stack.push(file);
    try {
      for (const raw of lexHba(text, major)) await line(file, raw, depth, out);
    } finally {
      stack.pop();
    }
  };

  const expandAt = async (file: string, name: string, depth: number): Promise<{ tokens: HbaToken[]; error?: string }> => {
    const full = absoluteConfigLocation(name, file);
    const opened = await open(full, depth);
    if (!('text' in opened)) return { tokens: [], error: opened.error };
    const inner: HbaLine[] = [];
    await tokenizeFile(full, opened.text, depth, inner);
    const tokens: HbaToken[] = [];
    for (const l of inner) {
      if (l.error) return { tokens, error: l.error.message };
      for (const f of l.fields) for (const t of f) tokens.push(t.viaFile === undefined ? { ...t, viaFile: full } : t);
    }
    return { tokens };
  };

  const line = async (file: string, raw: HbaRawLine, depth: number, out: HbaLine[]): Promise<void> => {
    const fields: HbaToken[][] = [];
    let error: { message: string; range: Range } | undefined;
    for (const f of raw.fields) {
      const tokens: HbaToken[] = [];
      for (const t of f) {
        if (t.atFile) {
          const got = await expandAt(file, t.text, depth + 1);
          tokens.push(...got.tokens);
          if (got.error !== undefined) {
            error = { message: got.error, range: t.range };
            break;
          }
        } else {
          tokens.push({ text: t.text, quoted: t.quoted, file, range: t.range });
        }
      }
      if (tokens.length > 0) fields.push(tokens);
      if (error) break;
    }
    const base = { file, line: raw.line, range: raw.range, raw: raw.raw, fields };
    const first = fields[0]?.[0];
    const second = fields[1]?.[0];
    if (error === undefined && major >= 16 && fields.length === 2 && first !== undefined && second !== undefined) {
      const kind = first.text;
      if (kind === 'include' || kind === 'include_if_exists') {
        const full = absoluteConfigLocation(second.text, file);
        const opened = await open(full, depth + 1);
        if ('text' in opened) {
          await tokenizeFile(full, opened.text, depth + 1, out);
          return;
        }
        if (opened.missing && kind === 'include_if_exists') return;
        out.push({ ...base, error: { message: opened.error, range: second.range } });
        return;
      }
      if (kind === 'include_dir') {
        const dir = absoluteConfigLocation(second.text, file);
        let entries;
        try {
          entries = await reader.readDir(dir);
        } catch (e) {
          out.push({ ...base, error: { message: `could not open directory "${dir}": ${e instanceof Error ? e.message : String(e)}`, range: second.range } });
          return;
        }
        if (entries === undefined) {
          out.push({ ...base, error: { message: `could not open directory "${dir}": No such file or directory`, range: second.range } });
          return;
        }
        const names = entries.filter((e) => !e.isDirectory && isIncludedConfName(e.name)).map((e) => path.posix.join(dir, e.name)).sort(byteCompare);
        const errors: string[] = [];
        for (const n of names) {
          const opened = await open(n, depth + 1);
          if ('text' in opened) await tokenizeFile(n, opened.text, depth + 1, out);
          else errors.push(opened.error);
        }
        if (errors.length > 0) out.push({ ...base, error: { message: errors.join('\n'), range: second.range } });
        return;
      }
    }
    out.push(error === undefined ? base : { ...base, error });
  };

  const lines: HbaLine[] = [];
  const opened = await open(mainFile, 0);
  if ('text' in opened) await tokenizeFile(mainFile, opened.text, 0, lines);
  else lines.push({ file: mainFile, line: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, raw: '', fields: [], error: { message: opened.error, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } });
  return { mainFile, lines, files };
}

/** Tokenizes a single buffer with no file access (@ and include lines become errors). */
export async function loadHbaText(file: string, text: string, options: HbaLoadOptions = {}): Promise<HbaFileSet> {
  const reader: ConfReader = {
    readFile: (f) => Promise.resolve(f === file ? text : undefined),
    readDir: () => Promise.resolve(undefined),
  };
  return loadHba(reader, file, options);
}
