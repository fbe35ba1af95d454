// pg_probackup locks a backup it works on with backups/<instance>/<id>/backup.pid, which holds
// the pid of the process (catalog.c, grab_excl_lock_file). A backup left RUNNING, MERGING or
// DELETING by a process that was killed keeps that status in `show` until pg_probackup next
// takes the lock and finds the process gone; the lock file tells it now.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { processAlive } from '../postgres/clusterRegistry';

/** Statuses a pg_probackup process sets while it works on a backup. */
export const IN_PROGRESS_STATUSES: ReadonlySet<string> = new Set(['RUNNING', 'MERGING', 'DELETING']);

export interface LockHolder {
  readonly pid: number;
  readonly alive: boolean;
}

/**
 * The process named in a backup's lock file, and whether it runs on this machine; undefined
 * without a readable lock file or with one that holds no pid (pg_probackup ignores those too).
 */
export function backupLockHolder(
  catalog: string, instance: string, backupId: string, alive: (pid: number) => boolean = processAlive,
): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(catalog, 'backups', instance, backupId, 'backup.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text, 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, alive: alive(pid) };
}
