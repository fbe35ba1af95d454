// Finding pg_probackup: an explicit setting wins; otherwise every PATH entry is searched for
// `pg_probackup` and `pg_probackup-<major>` (the Debian/RPM packages name it after the
// PostgreSQL major it was built for). Which one fits a cluster is decided by `--version`.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Invocation, RunOptions } from '../process/runner';
import { ProcessError, runInvocation } from '../process/runner';
import { isExecutableFile, which } from '../process/which';
import { ProbackupError } from './probackupError';
import type { ProbackupVersion } from './version';
import { parseProbackupVersion } from './version';

const NAME_RE = /^pg_probackup(?:-(\d+(?:\.\d+)?))?$/;

/** The PostgreSQL major a file name promises (`pg_probackup-15` → 15), if any. */
export function majorFromName(file: string): number | undefined {
  const m = NAME_RE.exec(path.basename(file));
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

export interface CandidateInput {
  /** The user's setting; when set, it is the only candidate. A bare name is looked up in PATH. */
  readonly explicitPath?: string | undefined;
  /** The PATH to search, e.g. process.env.PATH. */
  readonly pathEnv: string | undefined;
  /** Directory listing, replaceable for tests of odd directories; defaults to readdirSync. */
  readonly listDir?: (dir: string) => readonly string[];
  readonly isExecutable?: (file: string) => boolean;
}

/** Absolute paths of the executables worth asking for `--version`, in PATH order, without duplicates. */
export function probackupCandidates(input: CandidateInput): string[] {
  const isExec = input.isExecutable ?? isExecutableFile;
  if (input.explicitPath !== undefined && input.explicitPath.trim() !== '') {
    const p = input.explicitPath.trim();
    if (p.includes('/')) return [path.resolve(p)];
    const found = which(p, input.pathEnv);
    return found ? [found] : [];
  }
  const list = input.listDir ?? safeReaddir;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of (input.pathEnv ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue; // a relative PATH entry depends on the cwd: skip it
    const names = list(dir).filter((n) => NAME_RE.test(n));
    // Plain `pg_probackup` first, then the versioned ones, highest major first.
    names.sort((a, b) => (majorFromName(b) ?? Infinity) - (majorFromName(a) ?? Infinity) || a.localeCompare(b));
    for (const name of names) {
      const file = path.join(dir, name);
      if (seen.has(file) || !isExec(file)) continue;
      seen.add(file);
      out.push(file);
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function versionCommand(binary: string): Invocation<ProbackupVersion> {
  return {
    file: binary,
    args: ['--version'],
    env: { LC_ALL: 'C' },
    parse: (r) => {
      if (r.exitCode !== 0) {
        throw new ProbackupError('unknown', `${binary} --version exited with code ${r.exitCode}`, { exitCode: r.exitCode, stderr: r.stderr });
      }
      return parseProbackupVersion(r.stdout);
    },
  };
}

export interface ProbackupBinary {
  readonly path: string;
  readonly version: ProbackupVersion;
}

export interface ProbeFailure {
  readonly path: string;
  readonly error: ProbackupError | ProcessError;
}

export interface ProbeResult {
  readonly found: readonly ProbackupBinary[];
  readonly failed: readonly ProbeFailure[];
}

/** Runs `--version` on each candidate, one after another, through the runner. */
export async function probeProbackups(candidates: readonly string[], options: RunOptions = {}): Promise<ProbeResult> {
  const found: ProbackupBinary[] = [];
  const failed: ProbeFailure[] = [];
  for (const file of candidates) {
    try {
      found.push({ path: file, version: await runInvocation(versionCommand(file), options) });
    } catch (e) {
      if (e instanceof ProbackupError || e instanceof ProcessError) failed.push({ path: file, error: e });
      else throw e;
    }
  }
  return { found, failed };
}

/**
 * The binary built for this PostgreSQL major: among those whose `--version` names that major,
 * one named for it (`pg_probackup-15`) first, else the first in candidate order. pg_probackup
 * refuses to back up a server of another major, so there is no fallback to a near one.
 */
export function pickForMajor(binaries: readonly ProbackupBinary[], major: number): ProbackupBinary | undefined {
  const built = binaries.filter((b) => b.version.server.major === major);
  return built.find((b) => majorFromName(b.path) === major) ?? built[0];
}

/**
 * A warning when a binary's name promises another major than its `--version` reports
 * (`pg_probackup-16` built for PostgreSQL 15: a wrong link or a copied file), else undefined.
 */
export function nameMajorMismatch(b: ProbackupBinary): string | undefined {
  const named = majorFromName(b.path);
  if (named === undefined || named === b.version.server.major) return undefined;
  return `${b.path} is named for PostgreSQL ${named} but reports PostgreSQL ${b.version.server.major} (pg_probackup ${b.version.program}); it is used for PostgreSQL ${b.version.server.major} only.`;
}
