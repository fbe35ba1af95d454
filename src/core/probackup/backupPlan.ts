// What the backup wizard (or an argument object) chose, turned into the core builder's options.
// Pure: the e2e tests build their backups through the same function the command uses.
import type { BackupModeArg, BackupOptions } from './dataCommands';
import type { CompressAlgorithm, ConnectionOptions } from './commandArgs';

export const BACKUP_MODES: readonly BackupModeArg[] = ['FULL', 'DELTA', 'PAGE', 'PTRACK'];
export const COMPRESS_ALGORITHMS: readonly CompressAlgorithm[] = ['none', 'zlib', 'pglz'];

/** Where pg_probackup connects; the password is separate and never stored with the choices. */
export interface ServerTarget {
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly database?: string;
}

/** The wizard's answers, also what is remembered per instance (no password in it). */
export interface BackupChoices {
  readonly mode: BackupModeArg;
  /** STREAM (true) or ARCHIVE (false). */
  readonly stream: boolean;
  readonly compressAlgorithm?: CompressAlgorithm;
  readonly compressLevel?: number;
  readonly threads?: number;
  readonly note?: string;
  /** Pin for this long, e.g. `7d`. */
  readonly ttl?: string;
  /** A saved connection by name (resolved by the command). */
  readonly connectionName?: string;
  readonly server?: ServerTarget;
}

export interface BackupPlanInput {
  readonly binary: string;
  readonly catalog: string;
  readonly instance: string;
  readonly choices: BackupChoices;
  readonly password?: string;
}

export function isBackupMode(v: unknown): v is BackupModeArg {
  return typeof v === 'string' && (BACKUP_MODES as readonly string[]).includes(v);
}

export function isCompressAlgorithm(v: unknown): v is CompressAlgorithm {
  return typeof v === 'string' && (COMPRESS_ALGORITHMS as readonly string[]).includes(v);
}

/** The builder options of a backup: always with --progress so the notification can show it. */
/** Why pglz and several threads do not go together, for the wizard and the builder. */
export const PGLZ_THREADS = 'pglz compression runs in one thread only: pg_probackup refuses a backup with pglz and more threads';

export function backupOptionsFrom(p: BackupPlanInput): BackupOptions {
  const c = p.choices;
  const server = c.server;
  const connection: ConnectionOptions | undefined = server
    ? {
      ...(server.host !== undefined ? { host: server.host } : {}),
      ...(server.port !== undefined ? { port: server.port } : {}),
      ...(server.user !== undefined ? { user: server.user } : {}),
      ...(server.database !== undefined ? { database: server.database } : {}),
      ...(p.password !== undefined && p.password !== '' ? { password: p.password } : {}),
    }
    : undefined;
  // "none" is passed, not left out: left out, the instance's configured compression applies.
  // A level alone is dropped: pg_probackup refuses it without an algorithm.
  const compression = c.compressAlgorithm === undefined
    ? undefined
    : c.compressAlgorithm === 'none'
      ? { algorithm: c.compressAlgorithm }
      : { algorithm: c.compressAlgorithm, ...(c.compressLevel !== undefined ? { level: c.compressLevel } : {}) };
  // pg_probackup refuses it before it starts ("Multithread backup does not support pglz compression").
  if (c.compressAlgorithm === 'pglz' && (c.threads ?? 1) > 1) throw new RangeError(PGLZ_THREADS);
  return {
    binary: p.binary,
    catalog: p.catalog,
    instance: p.instance,
    mode: c.mode,
    stream: c.stream,
    progress: true,
    ...(connection ? { connection } : {}),
    ...(c.threads !== undefined && c.threads > 1 ? { threads: c.threads } : {}),
    ...(compression ? { compression } : {}),
    ...(c.note !== undefined && c.note !== '' ? { note: c.note } : {}),
    ...(c.ttl !== undefined && c.ttl !== '' ? { ttl: c.ttl } : {}),
  };
}

/** Reads remembered choices back (they come from globalState, so they are checked, not trusted). */
export function choicesFromUnknown(raw: unknown): BackupChoices | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (!isBackupMode(r['mode']) || typeof r['stream'] !== 'boolean') return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const s = r['server'] && typeof r['server'] === 'object' ? (r['server'] as Record<string, unknown>) : undefined;
  const server: ServerTarget | undefined = s
    ? {
      ...(str(s['host']) !== undefined ? { host: str(s['host'])! } : {}),
      ...(num(s['port']) !== undefined ? { port: num(s['port'])! } : {}),
      ...(str(s['user']) !== undefined ? { user: str(s['user'])! } : {}),
      ...(str(s['database']) !== undefined ? { database: str(s['database'])! } : {}),
    }
    : undefined;
  const algorithm = isCompressAlgorithm(r['compressAlgorithm']) ? r['compressAlgorithm'] : undefined;
  const level = num(r['compressLevel']);
  const threads = num(r['threads']);
  const note = str(r['note']);
  const ttl = str(r['ttl']);
  const connectionName = str(r['connectionName']);
  return {
    mode: r['mode'],
    stream: r['stream'],
    ...(algorithm !== undefined ? { compressAlgorithm: algorithm } : {}),
    ...(level !== undefined ? { compressLevel: level } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    ...(connectionName !== undefined ? { connectionName } : {}),
    ...(server ? { server } : {}),
  };
}
