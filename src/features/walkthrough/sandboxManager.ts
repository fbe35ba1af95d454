// The lesson's sandbox cluster over its whole life: create it in a folder, start and stop it again
// after a window reload, and remove exactly what we made. What the sandbox is lives in a small
// record (kept by the caller, e.g. in globalState). No vscode here.
import { appendFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { ClusterError, createCluster, openCluster } from '../../core/postgres/cluster';
import type { Cluster } from '../../core/postgres/cluster';
import { killPostmasterSync, processAlive, readPostmasterPid, unregisterCluster } from '../../core/postgres/clusterRegistry';
import { clusterUser } from '../../core/postgres/clusterUser';
import { isPortFree, pickPort } from '../../core/postgres/freePort';
import type { PgInstallation } from '../../core/postgres/installations';
import { lessonClusterOptions, prepareLessonDatabase } from '../../core/postgres/lessonSandbox';
import { claimFolder, folderProblem, reachProblem, releaseFolder, socketPathFits } from './sandboxFolder';
import { reopenInstallation, storeInstallation } from './sandboxInstallations';
import type { StoredInstallation } from './sandboxInstallations';

export interface SandboxRecord {
  readonly folder: string;
  /** The cluster's own folder inside `folder` (data/, server.log). */
  readonly clusterDir: string;
  readonly dataDir: string;
  readonly port: number;
  readonly major: number;
  readonly serverVersion: string;
  readonly installation: StoredInstallation;
  /** True when the folder did not exist before: removing the sandbox then removes it too. */
  readonly createdFolder: boolean;
  readonly osUser: string;
  readonly superuser: string;
}

/** Where the record lives between windows. */
export interface SandboxStore {
  get(): SandboxRecord | undefined;
  set(record: SandboxRecord | undefined): Thenable<void> | Promise<void>;
}

export type SandboxErrorCode = 'exists' | 'none' | 'folder' | 'gone' | 'still-running';

/** A problem the user can act on; the message says what happened and what to do. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(readonly code: SandboxErrorCode, message: string) {
    super(message);
  }
}

export interface ProgressOptions {
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
}

function required(store: SandboxStore): SandboxRecord {
  const record = store.get();
  if (!record) throw new SandboxError('none', 'There is no sandbox cluster; create one with "Create Sandbox Cluster…"');
  return record;
}

/** True when the sandbox's data directory is still on disk. */
export function sandboxExists(record: SandboxRecord): boolean {
  return existsSync(path.join(record.dataDir, 'PG_VERSION'));
}

export function sandboxRunning(record: SandboxRecord): boolean {
  const pid = readPostmasterPid(record.dataDir);
  return pid !== undefined && processAlive(pid);
}

function goneError(record: SandboxRecord): SandboxError {
  return new SandboxError('gone',
    `The sandbox folder ${record.clusterDir} is gone (deleted outside VS Code?). Run "Remove Sandbox" to forget it, then create a new one.`);
}

/**
 * initdb in a new folder of `folder`, start on a free port of 127.0.0.1, and create the lesson's
 * database and backup role. On failure, whatever it made is removed and the record stays empty.
 */
export async function createSandbox(store: SandboxStore, installation: PgInstallation, folder: string, options: ProgressOptions = {}): Promise<SandboxRecord> {
  const existing = store.get();
  if (existing) {
    throw new SandboxError('exists', `A sandbox cluster already exists in ${existing.folder}; remove it first ("Remove Sandbox")`);
  }
  const dir = path.resolve(folder);
  const problem = folderProblem(dir);
  if (problem) throw new SandboxError('folder', problem);
  const user = await clusterUser();
  const unreachable = reachProblem(dir, user);
  if (unreachable) throw new SandboxError('folder', unreachable);

  const createdFolder = await claimFolder(dir);
  let cluster: Cluster | undefined;
  try {
    cluster = await createCluster({
      installation,
      baseDir: dir,
      ...lessonClusterOptions,
      // A socket path longer than sun_path would stop the server from starting: TCP only then.
      settings: { ...lessonClusterOptions.settings, ...(socketPathFits(dir) ? {} : { unix_socket_directories: '' }) },
      ...options,
    });
    // The sandbox outlives this process (a window reload): keep it out of the exit cleanup.
    unregisterCluster(cluster);
    await prepareLessonDatabase(cluster);
    const record: SandboxRecord = {
      folder: dir,
      clusterDir: cluster.dir,
      dataDir: cluster.dataDir,
      port: cluster.port,
      major: installation.major,
      serverVersion: installation.version,
      installation: storeInstallation(installation),
      createdFolder,
      osUser: cluster.osUser.name,
      superuser: cluster.superuser,
    };
    await store.set(record);
    return record;
  } catch (e) {
    await cluster?.remove().catch(() => undefined);
    await releaseFolder(dir, cluster?.dir ?? '', createdFolder).catch(() => undefined);
    throw e;
  }
}

async function attach(record: SandboxRecord, options: ProgressOptions, port = record.port): Promise<Cluster> {
  const installation = await reopenInstallation(record.installation, options.signal);
  return openCluster({ installation, dir: record.clusterDir, port, superuser: record.superuser, ...options });
}

export interface StartResult {
  readonly record: SandboxRecord;
  /** Set when the old port was taken by another program and the sandbox moved. */
  readonly movedFrom?: number;
}

/** Starts the sandbox (nothing when it runs). A port taken meanwhile by someone else is replaced by a free one. */
export async function startSandbox(store: SandboxStore, options: ProgressOptions = {}): Promise<StartResult> {
  let record = required(store);
  if (!sandboxExists(record)) throw goneError(record);
  if (sandboxRunning(record)) return { record };
  let movedFrom: number | undefined;
  if (!(await isPortFree(record.port))) {
    movedFrom = record.port;
    const port = await pickPort(new Set([record.port]));
    // A later line wins in postgresql.conf; the file is the sandbox's own.
    appendFileSync(path.join(record.dataDir, 'postgresql.conf'), `# port ${movedFrom} was taken by another program\nport = ${port}\n`);
    record = { ...record, port };
    await store.set(record);
  }
  const cluster = await attach(record, options);
  await cluster.start();
  return { record, ...(movedFrom !== undefined ? { movedFrom } : {}) };
}

/** Fast shutdown (`pg_ctl stop -m fast`); the postmaster is signalled directly when its binaries are gone. */
export async function stopSandbox(store: SandboxStore, options: ProgressOptions = {}): Promise<SandboxRecord> {
  const record = required(store);
  if (!sandboxRunning(record)) return record;
  let cluster: Cluster | undefined;
  try {
    cluster = await attach(record, options);
  } catch {
    cluster = undefined;
  }
  if (cluster) await cluster.stop();
  const pid = readPostmasterPid(record.dataDir);
  if (pid !== undefined && processAlive(pid)) killPostmasterSync(pid, 10_000);
  if (sandboxRunning(record)) {
    throw new SandboxError('still-running', `The sandbox server (pid ${pid ?? '?'}) did not stop; nothing was deleted`);
  }
  return record;
}

export interface RemoveResult {
  readonly record: SandboxRecord;
  /** True when the folder had been deleted by hand and only the record was forgotten. */
  readonly wasGone: boolean;
}

/** Stops the server, deletes the cluster folder, our marker and the folder when we made it, then forgets the record. */
export async function removeSandbox(store: SandboxStore, options: ProgressOptions = {}): Promise<RemoveResult> {
  const record = required(store);
  const wasGone = !sandboxExists(record);
  if (!wasGone) await stopSandbox(store, options);
  await releaseFolder(record.folder, record.clusterDir, record.createdFolder);
  await store.set(undefined);
  return { record, wasGone };
}

/** A cluster handle for queries (the server must be running). */
export async function sandboxCluster(store: SandboxStore, options: ProgressOptions = {}): Promise<Cluster> {
  const record = required(store);
  if (!sandboxExists(record)) throw goneError(record);
  if (!sandboxRunning(record)) throw new ClusterError('the sandbox server is not running; start it with "Start Sandbox"', '');
  return attach(record, options);
}
