// Whether a PostgreSQL server is running in a directory. pg_probackup 2.5.16 refuses a restore
// into a running instance's PGDATA only as "Restore destination is not empty" (it checks
// emptiness first, even with --force), so the restore builder asks this to tell the two apart.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The postmaster pid from `<dir>/postmaster.pid` when that process is alive, else undefined. */
export function runningPostmasterPid(dir: string): number | undefined {
  let first: string | undefined;
  try {
    first = readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  const pid = Number(first?.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: it exists but belongs to another user (a server run by the postgres account).
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
