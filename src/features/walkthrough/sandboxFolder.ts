// The folder a sandbox cluster lives in, and what the extension may do with it. The folder holds
// a marker file of ours and the cluster's own folder (pgbs-cluster-XXXXXX, made by createCluster);
// removing the sandbox deletes exactly those two, and the folder itself only when we made it.
// No vscode here: the rules are plain file-system facts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod/mini';
import type { OsUser } from '../../core/postgres/clusterUser';
import { firstUntraversable } from '../../core/postgres/clusterUser';

export const MARKER_FILE = '.pg-backup-studio-sandbox.json';
const MARKER_TAG = 'pg-backup-studio sandbox';
/** createCluster names its folder `pgbs-cluster-` plus six characters from mkdtemp. */
const CLUSTER_DIR_RE = /^pgbs-cluster-[A-Za-z0-9]{6}$/;
/** sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

const markerSchema = z.object({ tag: z.literal(MARKER_TAG), createdAt: z.string() });

/** Why a folder cannot hold a new sandbox; undefined when it can (absent, empty, or ours). */
export function folderProblem(folder: string): string | undefined {
  if (!path.isAbsolute(folder)) return `the sandbox folder must be an absolute path, not "${folder}"`;
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) return `${folder} is a file, not a folder`;
    entries = readdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${folder} cannot be read: ${(e as Error).message}`;
  }
  if (entries.length === 0 || isOurs(folder)) return undefined;
  return `${folder} is not empty and was not made by PostgreSQL Backup Studio; choose an empty or new folder (nothing in it was touched)`;
}

/** True when the folder holds our marker file. */
export function isOurs(folder: string): boolean {
  try {
    return markerSchema.safeParse(JSON.parse(readFileSync(path.join(folder, MARKER_FILE), 'utf8'))).success;
  } catch {
    return false;
  }
}

/** Creates the folder when absent and writes our marker. Returns whether the folder was made here. */
export async function claimFolder(folder: string): Promise<boolean> {
  const existed = existsSync(folder);
  // Traversable for everyone: a cluster user other than us (we are root) must reach its own folder inside.
  if (!existed) await mkdir(folder, { recursive: true, mode: 0o755 });
  await writeFile(path.join(folder, MARKER_FILE), `${JSON.stringify({ tag: MARKER_TAG, createdAt: new Date().toISOString() }, null, 2)}\n`);
  return !existed;
}

/**
 * Deletes what the sandbox made: the cluster folder (only when its name is createCluster's and it
 * sits directly in `folder`), the marker, and the folder itself when we made it and it is empty now.
 */
export async function releaseFolder(folder: string, clusterDir: string, createdFolder: boolean): Promise<void> {
  if (path.dirname(clusterDir) === folder && CLUSTER_DIR_RE.test(path.basename(clusterDir))) {
    await rm(clusterDir, { recursive: true, force: true });
  }
  await rm(path.join(folder, MARKER_FILE), { force: true });
  if (createdFolder && existsSync(folder) && readdirSync(folder).length === 0) await rmdir(folder);
}

/** The first existing folder on the way up from `p` (itself when it exists). */
function nearestExisting(p: string): string {
  let dir = path.resolve(p);
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Why the cluster's OS user could not use a sandbox under `folder` (a root-owned home folder
 * when we run as root); undefined when it can.
 */
export function reachProblem(folder: string, user: OsUser): string | undefined {
  const blocked = firstUntraversable(nearestExisting(folder), user);
  return blocked === undefined
    ? undefined
    : `PostgreSQL runs as the OS user ${user.name}, who cannot enter ${blocked}; choose a folder outside it`;
}

/** True when the Unix socket of a cluster made in `folder` would fit in sun_path. */
export function socketPathFits(folder: string): boolean {
  const socket = path.join(folder, 'pgbs-cluster-XXXXXX', '.s.PGSQL.65535');
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH;
}

/** The default folder: the first candidate the cluster user can reach (global storage first). */
export function defaultFolder(candidates: readonly string[], user: OsUser): string | undefined {
  return candidates.find((c) => reachProblem(c, user) === undefined);
}
