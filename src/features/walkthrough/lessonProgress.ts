// What the sandbox itself says about the lesson's progress, so that the walkthrough's checkmarks
// follow what really happened: the server log records the backup role's "permission denied" for
// the backup-start function, and the catalogs say whether the role got its grants. No vscode here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Cluster } from '../../core/postgres/cluster';
import { LESSON_BACKUP_ROLE } from '../../core/postgres/lessonSandbox';
import { readControlFile } from '../../core/probackup/controlFile';

/** The function pg_probackup calls first as the backup role: renamed in PostgreSQL 15. */
export function backupStartSignature(major: number): string {
  return major >= 15 ? 'pg_catalog.pg_backup_start(text, boolean)' : 'pg_catalog.pg_start_backup(text, boolean, boolean)';
}

/** True when the server log shows a backup refused for lack of EXECUTE on the backup-start function. */
export function logShowsBackupDenied(serverLog: string): boolean {
  return /permission denied for function (?:pg_backup_start|pg_start_backup)\b/.test(serverLog);
}

/** Reads <clusterDir>/server.log ('' when unreadable). */
export function readServerLog(clusterDir: string): string {
  try {
    return readFileSync(path.join(clusterDir, 'server.log'), 'utf8');
  } catch {
    return '';
  }
}

export interface RoleReadiness {
  readonly replication: boolean;
  readonly canStartBackup: boolean;
}

/** The backup role's REPLICATION attribute and EXECUTE on the backup-start function (false when the role is missing). */
export async function backupRoleReadiness(cluster: Cluster, major: number): Promise<RoleReadiness> {
  const pg = await import('pg');
  const client = new (pg.default ?? pg).Client(cluster.pgConfig);
  // A server that shuts down right after the login (the sandbox being stopped) makes the client
  // emit 'error', possibly before connect() resolves: listen before connecting.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ replication: boolean; start: boolean }>(
      `SELECT r.rolreplication AS replication, has_function_privilege(r.oid, $2::text, 'EXECUTE') AS start
         FROM pg_roles r WHERE r.rolname = $1`,
      [LESSON_BACKUP_ROLE, backupStartSignature(major)],
    );
    const row = result.rows[0];
    return { replication: row?.replication === true, canStartBackup: row?.start === true };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

export interface CatalogProgress {
  /** Some catalog (a folder with backups/ and wal/) is open. */
  readonly catalog: boolean;
  /** Some instance of those catalogs stands for the data directory. */
  readonly instance: boolean;
  /** That instance holds a FULL STREAM backup with status OK. */
  readonly backupOk: boolean;
}

/** What the open catalogs say about the lesson, for the cluster in `dataDir`. */
export function catalogProgress(catalogs: readonly string[], dataDir: string): CatalogProgress {
  let catalog = false;
  let instance = false;
  let backupOk = false;
  for (const c of catalogs) {
    if (!existsSync(path.join(c, 'backups')) || !existsSync(path.join(c, 'wal'))) continue;
    catalog = true;
    for (const name of subdirs(path.join(c, 'backups'))) {
      const dir = path.join(c, 'backups', name);
      const pgdata = readControlFile(path.join(dir, 'pg_probackup.conf'))?.get('pgdata');
      if (pgdata === undefined || path.resolve(pgdata) !== path.resolve(dataDir)) continue;
      instance = true;
      for (const id of subdirs(dir)) {
        const b = readControlFile(path.join(dir, id, 'backup.control'));
        if (b?.get('status') === 'OK' && b.get('stream') === 'true' && b.get('backup-mode') === 'FULL') backupOk = true;
      }
    }
  }
  return { catalog, instance, backupOk };
}
