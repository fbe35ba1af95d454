// Finds the pg_waldump that matches a PostgreSQL major version: pg_waldump of one major cannot
// read the WAL of another. Looks first at the user's setting for that major, then at the
// Debian/Ubuntu layout (/usr/lib/postgresql/<major>/bin), then at the PGDG RPM layout
// (/usr/pgsql-<major>/bin), then along PATH; each candidate is confirmed by its --version.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Invocation, RunResult } from '../process/runner';
import { run } from '../process/runner';
import { isExecutableFile } from '../process/which';

export interface WaldumpVersion {
  /** e.g. 15, 17, 18 (for 9.6 and older: 9). */
  readonly major: number;
  /** e.g. 20 in 15.20; undefined for devel, beta and rc builds. */
  readonly minor: number | undefined;
  /** The version as printed: `15.20`, `18beta1`, `19devel`. */
  readonly version: string;
  /** Packager's note in parentheses, e.g. `Debian 15.20-0+deb12u1`. */
  readonly packaging: string | undefined;
}

const VERSION_LINE = /^pg_waldump \(PostgreSQL\) (\d+)(?:\.(\d+))?(devel|beta\d*|rc\d*)?\S*(?:\s+\((.*)\))?\s*$/;

/** Reads `pg_waldump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)`. Undefined for other text. */
export function parseWaldumpVersion(text: string): WaldumpVersion | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  const m = VERSION_LINE.exec(line);
  if (!m) return undefined;
  const version = line.slice('pg_waldump (PostgreSQL) '.length).split(/\s/)[0] ?? '';
  const major = Number(m[1]);
  return {
    major,
    minor: m[3] !== undefined || m[2] === undefined ? undefined : Number(m[2]),
    version,
    packaging: m[4],
  };
}

/** `pg_waldump --version` as an invocation; parse gives undefined for unexpected output. */
export function waldumpVersionInvocation(file: string): Invocation<WaldumpVersion | undefined> {
  return {
    file,
    args: ['--version'],
    parse: (result: RunResult) => (result.exitCode === 0 ? parseWaldumpVersion(result.stdout) : undefined),
  };
}

export type WaldumpSource = 'setting' | 'debian' | 'pgdg-rpm' | 'path';

export interface WaldumpCandidate {
  readonly file: string;
  readonly source: WaldumpSource;
}

export interface CandidateOptions {
  /** The setting: major version (as text) → path of pg_waldump, or of the directory holding it. */
  readonly paths?: Readonly<Record<string, string>>;
  /** PATH to search; process.env.PATH when omitted. */
  readonly pathEnv?: string | undefined;
}

function isDirectory(p: string): boolean {
  if (p.endsWith('/') || p.endsWith(path.sep)) return true;
  try {
    return statSync(p).isDirectory();
  } catch {
    // a missing path: a bin directory if its name says so
    return path.basename(p) === 'bin';
  }
}

/** Where to look for pg_waldump of a major version, best first, without duplicates. */
export function waldumpCandidates(major: number, options: CandidateOptions = {}): WaldumpCandidate[] {
  const out: WaldumpCandidate[] = [];
  const add = (file: string, source: WaldumpSource): void => {
    if (file !== '' && !out.some((c) => c.file === file)) out.push({ file, source });
  };
  const configured = options.paths?.[String(major)]?.trim();
  if (configured) {
    add(isDirectory(configured) ? path.join(configured, 'pg_waldump') : configured, 'setting');
  }
  add(`/usr/lib/postgresql/${major}/bin/pg_waldump`, 'debian');
  add(`/usr/pgsql-${major}/bin/pg_waldump`, 'pgdg-rpm');
  const pathEnv = 'pathEnv' in options ? options.pathEnv : process.env['PATH'];
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (dir) add(path.join(dir, 'pg_waldump'), 'path');
  }
  return out;
}

export interface WaldumpFound {
  readonly file: string;
  readonly source: WaldumpSource;
  readonly version: WaldumpVersion;
}

export interface DiscoveryResult {
  readonly found: WaldumpFound | undefined;
  /** What was looked at and why it was not taken, for the log and error messages. */
  readonly tried: readonly { readonly file: string; readonly reason: string }[];
}

export interface DiscoveryDeps {
  readonly isExecutable?: (file: string) => boolean;
  readonly version?: (file: string, signal?: AbortSignal) => Promise<WaldumpVersion | undefined>;
}

async function runVersion(file: string, signal?: AbortSignal): Promise<WaldumpVersion | undefined> {
  const inv = waldumpVersionInvocation(file);
  const result = await run(inv.file, inv.args, signal ? { signal } : {});
  return inv.parse(result);
}

/** Finds the first candidate that exists and whose --version reports this major. */
export async function discoverWaldump(
  major: number,
  options: CandidateOptions & { readonly signal?: AbortSignal } = {},
  deps: DiscoveryDeps = {},
): Promise<DiscoveryResult> {
  const isExec = deps.isExecutable ?? isExecutableFile;
  const version = deps.version ?? runVersion;
  const tried: { file: string; reason: string }[] = [];
  for (const c of waldumpCandidates(major, options)) {
    if (!isExec(c.file)) {
      if (c.source === 'setting') tried.push({ file: c.file, reason: 'not an executable file' });
      continue;
    }
    let v: WaldumpVersion | undefined;
    try {
      v = await version(c.file, options.signal);
    } catch (e) {
      tried.push({ file: c.file, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (v === undefined) tried.push({ file: c.file, reason: '--version printed no pg_waldump version' });
    else if (v.major !== major) tried.push({ file: c.file, reason: `it is pg_waldump ${v.version}, not ${major}` });
    else return { found: { file: c.file, source: c.source, version: v }, tried };
  }
  return { found: undefined, tried };
}
