// A saved server connection, as the features share it. The password is never part of it: it
// lives in SecretStorage and reaches programs only through PGPASSWORD in the child environment.
export interface ConnectionInfo {
  /** Unique, shown to the user. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The data directory, when known (a sandbox, or `SHOW data_directory` answered). */
  readonly dataDir?: string;
  /** The OS user the server runs as, when known (a sandbox started as root runs as another user). */
  readonly osUser?: string;
}

/** libpq environment for a child process (psql, pg_probackup, pg_basebackup). */
export function libpqEnv(c: ConnectionInfo, password?: string): Record<string, string> {
  const env: Record<string, string> = {
    PGHOST: c.host,
    PGPORT: String(c.port),
    PGUSER: c.user,
    PGDATABASE: c.database,
  };
  if (password !== undefined) env['PGPASSWORD'] = password;
  return env;
}

/**
 * Where a connection's password is kept in secret storage. It names the server and user as
 * well as the connection's name: a workspace that redefines a connection called "prod" to point
 * at another host must not be handed the password saved for the real one.
 */
export function passwordKey(c: Pick<ConnectionInfo, 'name' | 'host' | 'port' | 'user'>): string {
  return `pgBackupStudio.password.${JSON.stringify([c.name, c.user, c.host, c.port])}`;
}

export function describeConnection(c: ConnectionInfo): string {
  return `${c.user}@${c.host}:${c.port}/${c.database}`;
}

/** Validates what a user typed or a setting holds; returns a message for the first problem. */
export function connectionProblem(c: Partial<ConnectionInfo>): string | undefined {
  if (!c.name) return 'a connection needs a name';
  if (!c.host) return 'a connection needs a host';
  if (c.port === undefined || !Number.isInteger(c.port) || c.port < 1 || c.port > 65535) return 'the port must be a whole number from 1 to 65535';
  if (!c.user) return 'a connection needs a user';
  if (!c.database) return 'a connection needs a database';
  return undefined;
}
