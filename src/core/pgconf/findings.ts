// Shared shapes of the configuration checker: positions in files, findings and their fixes,
// and the reader through which every file is read (the editor passes unsaved buffers).

/** Zero-based line and UTF-16 column, like an editor position. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** Replace `range` of `file` with `newText` (an empty range inserts). */
export interface TextEdit {
  readonly file: string;
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface Finding {
  readonly file: string;
  readonly range: Range;
  readonly severity: Severity;
  /** Stable identifier, e.g. `pgconf/wal-level`. */
  readonly code: string;
  readonly message: string;
  readonly fix?: Fix;
}

export interface DirEntry {
  readonly name: string;
  /** Directories are skipped by include_dir; every other kind of entry is read. */
  readonly isDirectory: boolean;
}

/**
 * Reads configuration files. `readFile` returns undefined when the file does not exist;
 * `readDir` likewise for a missing directory. Any other failure may throw: callers turn
 * it into a finding.
 */
export interface ConfReader {
  readFile(path: string): Promise<string | undefined>;
  readDir(path: string): Promise<readonly DirEntry[] | undefined>;
}

export function range(line: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line, character: startChar }, end: { line: endLine, character: endChar } };
}

export function lineRange(line: number, startChar: number, endChar: number): Range {
  return range(line, startChar, line, endChar);
}

export function finding(
  file: string, r: Range, severity: Severity, code: string, message: string, fix?: Fix,
): Finding {
  return fix === undefined ? { file, range: r, severity, code, message } : { file, range: r, severity, code, message, fix };
}
