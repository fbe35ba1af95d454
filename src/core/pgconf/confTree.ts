// Loads a postgresql.conf with everything it includes, in the order the server reads it:
// each include is read where it stands; include_dir reads the directory's files whose names
// end in `.conf` and do not start with `.` (directories skipped), in byte order of name;
// relative paths are relative to the including file's directory; nesting deeper than 10
// fails; postgresql.auto.conf (in the data directory) is read last, if it exists. Later
// settings of a name (compared case-insensitively) override earlier ones.
import * as path from 'node:path';
import type { ConfSetting, ConfStatement, ParsedConfFile } from './confParser';
import { parseConfText } from './confParser';
import type { ConfReader, Finding, Range } from './findings';
import { finding, range } from './findings';
import { tokenRange } from './confLexer';

export const CONF_FILE_MAX_DEPTH = 10;
export const AUTO_CONF_FILENAME = 'postgresql.auto.conf';

export interface AppliedSetting extends ConfSetting {
  /** False when a later line sets the same parameter. */
  readonly applied: boolean;
  /** Position in the order the server reads the lines. */
  readonly seq: number;
}

export interface ConfTree {
  readonly mainFile: string;
  /** Every file read, by absolute path. */
  readonly files: ReadonlyMap<string, ParsedConfFile>;
  /** All settings in reading order, each marked applied or overridden. */
  readonly settings: readonly AppliedSetting[];
  /** The setting in force for each parameter, keyed by lower-case name. */
  readonly effective: ReadonlyMap<string, AppliedSetting>;
  readonly findings: readonly Finding[];
}

export interface LoadConfOptions {
  /** Where postgresql.auto.conf lives; defaults to the main file's directory. */
  readonly dataDirectory?: string;
  /** Read postgresql.auto.conf (default true). */
  readonly readAutoConf?: boolean;
  /** Give up on a file at its first syntax error, as backends and pg_file_settings do (default: after 100, as the postmaster). */
  readonly abandonFileOnError?: boolean;
}

/** Resolves a location like AbsoluteConfigLocation: relative to the calling file's directory. */
export function absoluteConfigLocation(location: string, callingFile: string): string {
  if (path.posix.isAbsolute(location)) return path.posix.normalize(location);
  return path.posix.normalize(path.posix.join(path.posix.dirname(callingFile), location));
}

/** Compares like strcmp on the UTF-8 bytes. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function isIncludedConfName(name: string): boolean {
  return name.length >= 6 && !name.startsWith('.') && name.endsWith('.conf');
}

const CODE_SYNTAX = 'pgconf/syntax';
const CODE_INCLUDE = 'pgconf/include';

export async function loadConfTree(reader: ConfReader, mainFile: string, options: LoadConfOptions = {}): Promise<ConfTree> {
  const files = new Map<string, ParsedConfFile>();
  const findings: Finding[] = [];
  const raw: ConfSetting[] = [];
  const stack: string[] = [];

  const readText = async (file: string, at: { file: string; range: Range } | undefined): Promise<string | undefined | null> => {
    try {
      return await reader.readFile(file);
    } catch (e) {
      const where = at ?? { file, range: range(0, 0, 0, 0) };
      findings.push(finding(where.file, where.range, 'error', CODE_INCLUDE, `could not read configuration file "${file}": ${e instanceof Error ? e.message : String(e)}`));
      return null;
    }
  };

  const parseFile = async (file: string, strict: boolean, depth: number, at: { file: string; range: Range } | undefined): Promise<void> => {
    const where = at ?? { file, range: range(0, 0, 0, 0) };
    if (file.trim() === '') {
      findings.push(finding(where.file, where.range, 'error', CODE_INCLUDE, `empty configuration file name: "${file}"`));
      return;
    }
    if (depth > CONF_FILE_MAX_DEPTH) {
      findings.push(finding(where.file, where.range, 'error', CODE_INCLUDE, `could not open configuration file "${file}": maximum nesting depth exceeded`));
      return;
    }
    if (stack.includes(file)) {
      findings.push(finding(where.file, where.range, 'error', 'pgconf/include-cycle',
        `include cycle: "${file}" includes itself through ${stack.slice(stack.indexOf(file)).map((f) => path.posix.basename(f)).join(' → ')}; the server fails with "maximum nesting depth exceeded"`));
      return;
    }
    const text = await readText(file, at);
    if (text === null) return;
    if (text === undefined) {
      if (strict) findings.push(finding(where.file, where.range, 'error', CODE_INCLUDE, `could not open configuration file "${file}": No such file or directory`));
      else if (at !== undefined) findings.push(finding(where.file, where.range, 'info', 'pgconf/include-skipped', `skipping missing configuration file "${file}"`));
      return;
    }
    const parsed = parseConfText(file, text, options.abandonFileOnError === true ? 1 : undefined);
    files.set(file, parsed);
    for (const e of parsed.errors) findings.push(finding(e.file, e.range, 'error', CODE_SYNTAX, e.message));
    stack.push(file);
    try {
      for (const st of parsed.statements) await statement(st, depth);
    } finally {
      stack.pop();
    }
  };

  const statement = async (st: ConfStatement, depth: number): Promise<void> => {
    if (st.type === 'setting') {
      raw.push(st);
      return;
    }
    const at = { file: st.file, range: tokenRange(st.valueToken) };
    if (st.kind === 'include_dir') {
      await parseDirectory(st.value, st.file, depth + 1, at);
    } else {
      const target = st.value.trim() === '' ? st.value : absoluteConfigLocation(st.value, st.file);
      await parseFile(target, st.kind === 'include', depth + 1, at);
    }
  };

  const parseDirectory = async (dir: string, callingFile: string, depth: number, at: { file: string; range: Range }): Promise<void> => {
    if (dir.trim() === '') {
      findings.push(finding(at.file, at.range, 'error', CODE_INCLUDE, `empty configuration directory name: "${dir}"`));
      return;
    }
    const directory = absoluteConfigLocation(dir, callingFile);
    let entries;
    try {
      entries = await reader.readDir(directory);
    } catch (e) {
      findings.push(finding(at.file, at.range, 'error', CODE_INCLUDE, `could not open configuration directory "${directory}": ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (entries === undefined) {
      findings.push(finding(at.file, at.range, 'error', CODE_INCLUDE, `could not open configuration directory "${directory}": No such file or directory`));
      return;
    }
    const names = entries.filter((e) => !e.isDirectory && isIncludedConfName(e.name)).map((e) => path.posix.join(directory, e.name));
    names.sort(byteCompare);
    for (const f of names) await parseFile(f, true, depth, at);
  };

  await parseFile(mainFile, true, 0, undefined);
  if (options.readAutoConf ?? true) {
    const dataDir = options.dataDirectory ?? path.posix.dirname(mainFile);
    await parseFile(path.posix.join(dataDir, AUTO_CONF_FILENAME), false, 0, undefined);
  }

  const lastIndex = new Map<string, number>();
  raw.forEach((s, i) => lastIndex.set(s.name.toLowerCase(), i));
  const settings: AppliedSetting[] = raw.map((s, i) => ({ ...s, applied: lastIndex.get(s.name.toLowerCase()) === i, seq: i }));
  const effective = new Map<string, AppliedSetting>();
  for (const s of settings) if (s.applied) effective.set(s.name.toLowerCase(), s);
  return { mainFile, files, settings, effective, findings };
}
