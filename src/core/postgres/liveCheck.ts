// The live readiness check through `pg` (loaded lazily): one session with statement_timeout,
// parameterized queries of pg_settings, pg_file_settings, pg_hba_file_rules, pg_stat_archiver,
// pg_replication_slots and the backup role's privileges, judged by liveCheckRules.ts; and the
// GRANT script it builds, applied in one transaction. A refused connection, a timeout or a
// failed login is a LiveCheckError with a kind, never a hang.
import { fsConfReader } from '../pgconf/confReaders';
import { loadHba } from '../pgconf/hbaLoader';
import type { HbaFileSet } from '../pgconf/hbaLoader';
import { identEntries } from '../pgconf/identMap';
import { parseHbaSet } from '../pgconf/hbaRules';
import { isLoopback } from '../pgconf/ipAddress';
import type { ClientHostname } from '../pgconf/clientHostname';
import { parseIp } from '../pgconf/ipAddress';
import type { Client, ClientConfig, QueryResultRow } from 'pg';
import type * as PgNamespace from 'pg';
import { buildGrantScript, buildGrantStatements } from './grants';
import type { PrivilegeReport, PrivilegeRow } from './privileges';
import { privilegeCheckQuery, readPrivilegeRows } from './privileges';
import type { ArchiverRow, FileSettingRow, HbaRuleRow, LiveFinding, SettingRow, SlotRow } from './liveCheckRules';
import { LIVE_SETTING_NAMES, liveFindings } from './liveCheckRules';

export interface LiveTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Never logged nor put in a message. */
  readonly password?: string;
}

export interface LiveCheckOptions {
  /** The backup role to check; default the connecting user. */
  readonly role?: string;
  /** Use this major's function list instead of the server's own. */
  readonly major?: number;
  readonly walMode?: 'stream' | 'archive';
  readonly catalog?: string;
  readonly instance?: string;
  /** Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** statement_timeout, and the client's own limit per query (plus 2 s); default 10 s. */
  readonly statementTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Where pg_probackup connects from, for the pg_hba.conf rules: an IP address (default 127.0.0.1) or 'local'. */
  readonly clientAddress?: string;
  /** Looks up clientAddress's host name (confirmedClientHostname); called only when a rule names a host. */
  readonly resolveHostname?: (address: string) => Promise<ClientHostname>;
  /** The OS user pg_probackup runs as, for peer rules over the local socket. */
  readonly clientOsUser?: string;
}

export interface LiveCheckResult {
  readonly serverVersion: string;
  readonly major: number;
  readonly role: string;
  readonly walMode: 'stream' | 'archive';
  readonly findings: readonly LiveFinding[];
  readonly privileges: PrivilegeReport;
  /** Exactly the statements that give the role what it lacks (empty when nothing). */
  readonly missingGrants: readonly string[];
  /** The same statements in BEGIN … COMMIT ('' when nothing). */
  readonly grantScript: string;
  readonly configFile?: string;
  readonly hbaFile?: string;
  readonly dataDirectory?: string;
}

export type LiveCheckErrorKind = 'refused' | 'timeout' | 'auth' | 'unreachable' | 'cancelled' | 'query';

export class LiveCheckError extends Error {
  override readonly name = 'LiveCheckError';
  constructor(readonly kind: LiveCheckErrorKind, message: string, readonly sqlState?: string) {
    super(message);
  }
}

type PgModule = typeof PgNamespace;

async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as PgModule & { default?: PgModule };
  return mod.default ?? mod;
}

function where(t: LiveTarget): string {
  return `${t.host}:${t.port}`;
}

/** Turns what pg throws into a LiveCheckError with a message that names the server, never the password. */
export function classifyError(e: unknown, t: LiveTarget): LiveCheckError {
  if (e instanceof LiveCheckError) return e;
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const raw = typeof err?.message === 'string' ? err.message : String(e);
  const message = t.password ? raw.split(t.password).join('***') : raw;
  if (code === 'ECONNREFUSED') return new LiveCheckError('refused', `the server at ${where(t)} refused the connection (is it running and listening there?)`);
  if (code === 'ETIMEDOUT' || /timeout/i.test(message) && !/statement timeout/i.test(message)) {
    return new LiveCheckError('timeout', `no answer from ${where(t)} in time: ${message}`);
  }
  if (code === '57014') return new LiveCheckError('timeout', `a query to ${where(t)} ran past statement_timeout: ${message}`, code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return new LiveCheckError('unreachable', `cannot reach ${where(t)}: ${message}`);
  }
  if (code === '28P01' || code === '28000') return new LiveCheckError('auth', `login to ${where(t)} as "${t.user}" failed: ${message}`, code);
  // The pg client's own words when the server asks for a password and none was given.
  if (/client password must be a (non-empty )?string|^Password must be a string/i.test(message)) {
    return new LiveCheckError('auth', `${where(t)} asks "${t.user}" for a password, and none was given`);
  }
  return new LiveCheckError('query', `${where(t)}: ${message}`, code || undefined);
}

async function open(t: LiveTarget, options: LiveCheckOptions): Promise<Client> {
  const pg = await loadPg();
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  const config: ClientConfig = {
    host: t.host,
    port: t.port,
    user: t.user,
    database: t.database,
    ...(t.password === undefined ? {} : { password: t.password }),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 2_000,
    application_name: 'pg-backup-studio readiness check',
  };
  const client = new pg.Client(config);
  client.on('error', () => undefined); // a dropped connection surfaces through the pending query
  if (options.signal?.aborted) throw new LiveCheckError('cancelled', 'cancelled');
  const onAbort = (): void => void client.end().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (e) {
    options.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
    if (options.signal?.aborted) throw new LiveCheckError('cancelled', 'cancelled');
    throw classifyError(e, t);
  }
  return client;
}

async function close(client: Client): Promise<void> {
  await client.end().catch(() => undefined);
}

/** Runs the check; throws LiveCheckError when the server cannot be reached or a query fails. */
function isLocalHost(host: string): boolean {
  const ip = parseIp(host);
  return host.startsWith('/') || host === 'localhost' || (ip !== undefined && isLoopback(ip));
}

/**
 * One of the server's authentication files (pg_hba.conf, pg_ident.conf) read from disk, when
 * the server runs on this machine and the file is readable here; undefined otherwise (the
 * rules then come from the views).
 */
async function localAuthFile(host: string, file: string | null | undefined, major: number): Promise<HbaFileSet | undefined> {
  if (!isLocalHost(host) || !file) return undefined;
  try {
    const set = await loadHba(fsConfReader, file, { major });
    return set.files.has(file) ? set : undefined;
  } catch {
    return undefined;
  }
}

export async function runLiveCheck(t: LiveTarget, options: LiveCheckOptions = {}): Promise<LiveCheckResult> {
  const client = await open(t, options);
  try {
    return await checkWith(client, t, options);
  } catch (e) {
    if (options.signal?.aborted) throw new LiveCheckError('cancelled', 'cancelled');
    throw classifyError(e, t);
  } finally {
    await close(client);
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

async function checkWith(client: Client, t: LiveTarget, options: LiveCheckOptions): Promise<LiveCheckResult> {
  const q = async <R extends QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> =>
    (await client.query<R>(text, [...values])).rows;
  const unreadable = new Map<string, string>();
  /** A view the connecting role may not read becomes an info finding, not a failure. */
  const maybe = async <R extends QueryResultRow>(view: string, text: string, values: readonly unknown[] = []): Promise<R[] | undefined> => {
    try {
      return await q<R>(text, values);
    } catch (e) {
      if ((e as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) {
        unreadable.set(view, (e as Error).message);
        return undefined;
      }
      throw e;
    }
  };

  const [version] = await q<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version");
  const serverMajor = Math.floor(Number(version?.num ?? '0') / 10_000);
  const major = options.major ?? serverMajor;
  const role = options.role ?? t.user;
  const walMode = options.walMode ?? 'stream';

  const settings = await q<SettingRow>(
    `SELECT name, setting, unit, context, source, sourcefile, sourceline, pending_restart
       FROM pg_catalog.pg_settings WHERE name = ANY($1::text[]) OR pending_restart ORDER BY name`,
    [LIVE_SETTING_NAMES]);
  const fileSettings = await maybe<FileSettingRow>('pg_file_settings',
    'SELECT sourcefile, sourceline, name, setting, error FROM pg_catalog.pg_file_settings WHERE error IS NOT NULL ORDER BY seqno');
  const hbaRules = await maybe<HbaRuleRow>('pg_hba_file_rules',
    serverMajor >= 16
      ? 'SELECT line_number, file_name, type, database, user_name, address, netmask, auth_method, options, error FROM pg_catalog.pg_hba_file_rules ORDER BY rule_number NULLS LAST, line_number'
      : 'SELECT line_number, type, database, user_name, address, netmask, auth_method, options, error FROM pg_catalog.pg_hba_file_rules ORDER BY line_number');
  // The roles the backup role belongs to, for +group rules (hba.c counts membership, not inheritance).
  let memberOf: string[] = [];
  try {
    memberOf = (await q<{ rolname: string }>(
      "SELECT b.rolname FROM pg_catalog.pg_roles b WHERE b.rolname <> $1 AND pg_catalog.pg_has_role($1, b.oid, 'MEMBER')", [role]))
      .map((r) => r.rolname);
  } catch {
    // The role does not exist (the privilege check says so); no group counts.
  }
  const hbaSet = await localAuthFile(t.host, settings.find((r) => r.name === 'hba_file')?.setting ?? undefined, serverMajor);
  const hbaFileRecords = hbaSet === undefined ? undefined : parseHbaSet(hbaSet, serverMajor).records;
  const identSet = options.clientOsUser === undefined ? undefined
    : await localAuthFile(t.host, settings.find((r) => r.name === 'ident_file')?.setting ?? undefined, serverMajor);
  const identMaps = identSet === undefined ? undefined : identEntries(identSet);
  const clientAddress = options.clientAddress ?? '127.0.0.1';
  const namesHost = (hbaRules ?? []).some((r) => r.address != null && !['all', 'samehost', 'samenet'].includes(r.address) && parseIp(r.address) === undefined);
  const clientHostname = namesHost && clientAddress !== 'local' && options.resolveHostname !== undefined
    ? (await options.resolveHostname(clientAddress)).hostname : undefined;
  const [archiver] = await q<ArchiverRow>(
    'SELECT archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time FROM pg_catalog.pg_stat_archiver');
  const slots = await q<SlotRow>(
    'SELECT slot_name, slot_type, active, restart_lsn::text AS restart_lsn, wal_status FROM pg_catalog.pg_replication_slots ORDER BY slot_name');
  const pq = privilegeCheckQuery(role, major);
  const privileges = readPrivilegeRows(await q<PrivilegeRow>(pq.text, pq.values), major);

  const findings = liveFindings({
    settings, privileges, unreadable,
    ...(fileSettings === undefined ? {} : { fileSettings }),
    ...(hbaRules === undefined ? {} : { hbaRules }),
    ...(hbaFileRecords === undefined ? {} : { hbaFileRecords }),
    ...(archiver === undefined ? {} : { archiver }),
    slots,
  }, {
    role, walMode, major: serverMajor, clientAddress, memberOf,
    ...(options.clientOsUser === undefined ? {} : { clientOsUser: options.clientOsUser }),
    ...(identMaps === undefined ? {} : { identEntries: identMaps }),
    ...(clientHostname === undefined ? {} : { clientHostname }),
    ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
    ...(options.instance === undefined ? {} : { instance: options.instance }),
  });
  const stream = walMode === 'stream';
  const setting = (name: string): string | undefined => {
    const v = settings.find((s) => s.name === name)?.setting;
    return v === null || v === undefined || v === '' ? undefined : v;
  };
  const configFile = setting('config_file');
  const hbaFile = setting('hba_file');
  const dataDirectory = setting('data_directory');
  return {
    serverVersion: version?.version ?? '',
    major,
    role,
    walMode,
    findings,
    privileges,
    missingGrants: buildGrantStatements(role, privileges, { stream }),
    grantScript: buildGrantScript(role, privileges, { stream }),
    ...(configFile === undefined ? {} : { configFile }),
    ...(hbaFile === undefined ? {} : { hbaFile }),
    ...(dataDirectory === undefined ? {} : { dataDirectory }),
  };
}

/**
 * Runs the statements in one transaction (all or nothing). Returns them as applied; throws a
 * LiveCheckError (after ROLLBACK) when one fails.
 */
export async function applyStatements(t: LiveTarget, statements: readonly string[], options: LiveCheckOptions = {}): Promise<readonly string[]> {
  if (statements.length === 0) return [];
  const client = await open(t, options);
  try {
    await client.query('BEGIN');
    for (const s of statements) await client.query(s);
    await client.query('COMMIT');
    return statements;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw classifyError(e, t);
  } finally {
    await close(client);
  }
}
