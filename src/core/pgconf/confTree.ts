// Loads a postgresql.conf with everything it includes, in the order the server reads it:
// each include is read where it stands; include_dir reads the directory's files whose names
// end in `.conf` and do not start with `.` (directories skipped), in byte order of name;
// relative paths are relative to the including file's directory; nesting deeper than 10
// fails, and so does a file that includes itself directly ("configuration file recursion");
// postgresql.auto.conf (in the data directory) is read last, if it exists. Later settings of
// a name (compared case-insensitively) override earlier ones, but the server skips an earlier
// line only when a later one spells the name byte for byte the same: it still applies (and
// checks) the others in turn.
import * as path from 'node:path';
import type { ConfSetting, ConfStatement, ParsedConfFile } from './confParser';
import { parseConfText } from './confParser';
import type { ConfReader, Finding, Range } from './findings';
import { finding, range } from './findings';
import { tokenRange } from './confLexer';

export const CONF_FILE_MAX_DEPTH = 10;
export const AUTO_CONF_FILENAME = 'postgresql.auto.conf';

export interface AppliedSetting extends ConfSetting {
  /** False when a later line sets the same parameter (names compared without case). */
  readonly applied: boolean;
  /**
   * True when the server skips the line: a later line spells the name byte for byte the same
   * (ProcessConfigFileInternal marks earlier duplicates of a parameter it has with strcmp). An
   * overridden line that is not ignored is still applied before the later one, and a bad value
   * there still fails.
   */
  readonly ignored: boolean;
  /** Position in the order the server reads the lines. */
  readonly seq: number;
}

export interface ConfTree {
  readonly mainFile: string;
  /** Where postgresql.auto.conf was looked for (see LoadConfOptions.dataDirectory). */
  readonly dataDirectory: string;
  /** Every file read, by absolute path. */
  readonly files: ReadonlyMap<string, ParsedConfFile>;
  /** All settings in reading order, each marked applied or overridden. */
  readonly settings: readonly AppliedSetting[];
  /** The setting in force for each parameter, keyed by lower-case name. */
  readonly effective: ReadonlyMap<string, AppliedSetting>;
  readonly findings: readonly Finding[];
}

export interface LoadConfOptions {
  /**
   * Where postgresql.auto.conf lives. Default: the absolute data_directory the files set,
   * else the main file's directory (see dataDirectorySetting).
   */
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
      const why = e instanceof Error ? e.message : String(e);
      if (at === undefined && file !== mainFile) {
        // postgresql.auto.conf in a data directory this user may not read (Debian's is the
        // postgres user's, mode 0700): the server reads it, the check cannot.
        findings.push(finding(mainFile, range(0, 0, 0, 0), 'warning', CODE_INCLUDE,
          `could not read "${file}" (${why}): settings made with ALTER SYSTEM, which override this file, are not checked`));
        return null;
      }
      const where = at ?? { file, range: range(0, 0, 0, 0) };
      findings.push(finding(where.file, where.range, 'error', CODE_INCLUDE, `could not read configuration file "${file}": ${why}`));
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
    // ParseConfigFile rejects a file that includes itself directly (compared after the path is
    // made absolute); longer cycles run on until the nesting depth is exceeded.
    if (at !== undefined && file === at.file) {
      findings.push(finding(where.file, where.range, 'error', 'pgconf/include-cycle', `configuration file recursion in "${at.file}"`));
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
  const dataDirectory = options.dataDirectory ?? absoluteDataDirectory(dataDirectorySetting(raw)) ?? path.posix.dirname(mainFile);
  if (options.readAutoConf ?? true) {
    await parseFile(path.posix.join(dataDirectory, AUTO_CONF_FILENAME), false, 0, undefined);
  }

  const lastIndex = new Map<string, number>();
  const lastExact = new Map<string, number>();
  raw.forEach((s, i) => {
    lastIndex.set(s.name.toLowerCase(), i);
    lastExact.set(s.name, i);
  });
  const settings: AppliedSetting[] = raw.map((s, i) => ({
    ...s, applied: lastIndex.get(s.name.toLowerCase()) === i, ignored: lastExact.get(s.name) !== i, seq: i,
  }));
  const effective = new Map<string, AppliedSetting>();
  for (const s of settings) if (s.applied) effective.set(s.name.toLowerCase(), s);
  return { mainFile, dataDirectory, files, settings, effective, findings };
}

/**
 * The data_directory line the server goes by: before it can read postgresql.auto.conf, it
 * reads postgresql.conf (with its includes) for data_directory alone, taking the last line
 * spelled exactly so (strcmp) with a non-empty value; without one, the data directory is the
 * -D directory.
 */
export function dataDirectorySetting(settings: readonly ConfSetting[]): ConfSetting | undefined {
  const last = settings.filter((s) => s.name === 'data_directory').at(-1);
  return last === undefined || last.value === '' ? undefined : last;
}

/** An absolute data_directory; a relative one depends on the server's working directory, which the files do not tell. */
function absoluteDataDirectory(s: ConfSetting | undefined): string | undefined {
  return s !== undefined && path.posix.isAbsolute(s.value) ? path.posix.resolve(s.value) : undefined;
}
