// Names for a WAL block reference `rel spc/db/relfilenode`: the tablespace and database from
// the shared catalogs, the relation from pg_filenode_relation(). That function only searches
// the database the session is connected to (pg_class is per database, and so is the relation
// map of nailed catalogs such as pg_class itself), so the resolver keeps one client per
// database: the configured one ("home") for pg_database/pg_tablespace and shared relations
// (dbOid 0, tablespace pg_global), and one per other database, closed after a while idle.
//
// pg_filenode_relation(tablespace, filenode) takes the tablespace as WAL writes it: the server
// turns the session database's default tablespace into the 0 that pg_class stores, and for
// pg_global (1664) it asks the shared relation map. So the ref's numbers are passed unchanged.
//
// resolve() never throws: what could not be named is said in `problem`, worded for a hover.
import type { ClientConfig, QueryResultRow } from 'pg';
import type * as PgNamespace from 'pg';
import type { ConnectionInfo } from './connection';
import { classifyError } from './liveCheck';

/** `rel spc/db/rel` of a block reference; dbOid 0 is a shared relation (tablespace pg_global). */
export interface RelFileRef {
  readonly spcOid: number;
  readonly dbOid: number;
  readonly relNumber: number;
}

export interface RelationInfo {
  readonly schema: string;
  readonly name: string;
  /** 'table', 'index', 'TOAST table', 'TOAST index', 'sequence', 'materialized view', …; 'unlogged …' when so. */
  readonly kind: string;
  /** For an index, a TOAST table or a TOAST index: the table it belongs to, schema-qualified. */
  readonly owner?: string;
}

export interface RelationNames {
  readonly tablespace?: string;
  /** Absent for a shared relation (dbOid 0) and when the OID is unknown. */
  readonly database?: string;
  readonly relation?: RelationInfo;
  /** Why a part is missing, as a sentence for a hover. Never holds the password. */
  readonly problem?: string;
}

/** The part of a pg Client the resolver uses; a connected `pg.Client` is one. */
export interface RelationClient {
  query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

/** Opens a connected client to `database`, or to the configured database when undefined. */
export type RelationConnect = (database: string | undefined) => Promise<RelationClient>;

export interface RelationNameResolverOptions {
  /** Close a database's client after this long unused; default 60 s. */
  readonly idleMs?: number;
  /** Limit for each connect and each query; default 5 s. */
  readonly queryTimeoutMs?: number;
  /** Answers kept (least recently used dropped first), including "not found" ones; default 2000. */
  readonly cacheSize?: number;
  /** After a failed connect, give the same answer without trying again for this long; default 5 s. */
  readonly retryMs?: number;
  /**
   * How long an answer stays true enough to reuse; default 60 s. A relfilenode changes owner
   * when VACUUM FULL, TRUNCATE or CLUSTER rewrites a table, so names must not be kept forever.
   */
  readonly answerTtlMs?: number;
}

export const NO_RELATION_NOW =
  'no relation uses this file node now (dropped, or rewritten by VACUUM FULL/TRUNCATE/CLUSTER since this WAL)';

const RELKINDS: Readonly<Record<string, string>> = {
  r: 'table', i: 'index', S: 'sequence', t: 'TOAST table', v: 'view', m: 'materialized view',
  c: 'composite type', f: 'foreign table', p: 'partitioned table', I: 'partitioned index',
};

/** Words for pg_class.relkind; `ofToast` marks an index of a TOAST table. */
export function relationKind(relkind: string, relpersistence: string, ofToast = false): string {
  const base = ofToast && relkind === 'i' ? 'TOAST index' : RELKINDS[relkind] ?? `relation of kind "${relkind}"`;
  return relpersistence === 'u' ? `unlogged ${base}` : base;
}

/** A Map kept in use order: get() refreshes an entry, set() drops the oldest beyond capacity. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.capacity) break;
      this.map.delete(oldest);
    }
  }
  clear(): void {
    this.map.clear();
  }
}

// The names of the two OIDs, asked of the configured database (both catalogs are shared).
const NAMES_SQL = `SELECT (SELECT spcname FROM pg_catalog.pg_tablespace WHERE oid = $1::oid) AS spcname,
       d.datname, d.datallowconn, d.datname = pg_catalog.current_database() AS is_current
  FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_database d ON d.oid = $2::oid`;

// The relation, in the database that owns it. The function is evaluated once (in the CTE), not
// per pg_class row. The owner of a TOAST table, or of an index on one, is the table whose
// reltoastrelid points at it; the owner of any other index is the indexed relation.
const RELATION_SQL = `WITH f AS (SELECT pg_catalog.pg_filenode_relation($1::oid, $2::oid) AS oid)
SELECT n.nspname AS schema, c.relname AS name, c.relkind, c.relpersistence,
       ix.relkind AS indexed_kind, own_n.nspname AS owner_schema, own.relname AS owner_name
  FROM f JOIN pg_catalog.pg_class c ON c.oid = f.oid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_catalog.pg_class ix ON ix.oid = i.indrelid
  LEFT JOIN pg_catalog.pg_class own ON own.oid = CASE
      WHEN c.relkind = 't' THEN (SELECT m.oid FROM pg_catalog.pg_class m WHERE m.reltoastrelid = c.oid LIMIT 1)
      WHEN ix.relkind = 't' THEN (SELECT m.oid FROM pg_catalog.pg_class m WHERE m.reltoastrelid = ix.oid LIMIT 1)
      ELSE ix.oid END
  LEFT JOIN pg_catalog.pg_namespace own_n ON own_n.oid = own.relnamespace`;

interface NamesRow extends QueryResultRow {
  spcname: string | null;
  datname: string | null;
  datallowconn: boolean | null;
  is_current: boolean | null;
}

interface RelationRow extends QueryResultRow {
  schema: string;
  name: string;
  relkind: string;
  relpersistence: string;
  indexed_kind: string | null;
  owner_schema: string | null;
  owner_name: string | null;
}

interface DatabaseInfo {
  readonly name: string;
  readonly allowConn: boolean;
  readonly isHome: boolean;
}

/** A failure already worded for the hover. */
class Unnamed extends Error {
  constructor(readonly problem: string) {
    super(problem);
  }
}

interface PoolEntry {
  readonly client: Promise<RelationClient>;
  busy: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  closing?: Promise<void>;
}

interface Outcome {
  readonly names: RelationNames;
  /** False for failures that may pass (no connection, timeout, closed). */
  readonly lasting: boolean;
}

const HOME = '\u0000home';

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class RelationNameResolver {
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly answers: LruCache<string, { readonly names: RelationNames; readonly at: number }>;
  private readonly ttlMs: number;
  private readonly databases = new LruCache<number, DatabaseInfo | null>(256);
  private readonly tablespaces = new LruCache<number, string | null>(256);
  private readonly inflight = new Map<string, Promise<Outcome>>();
  private readonly pool = new Map<string, PoolEntry>();
  private readonly failures = new Map<string, { problem: string; until: number }>();
  private disposed = false;

  constructor(private readonly connect: RelationConnect, options: RelationNameResolverOptions = {}) {
    this.idleMs = options.idleMs ?? 60_000;
    this.timeoutMs = options.queryTimeoutMs ?? 5_000;
    this.retryMs = options.retryMs ?? 5_000;
    this.answers = new LruCache(options.cacheSize ?? 2_000);
    this.ttlMs = options.answerTtlMs ?? 60_000;
  }

  /** Names for the ref; a cached answer when there is one. Aborting answers "cancelled" at once. */
  resolve(ref: RelFileRef, signal?: AbortSignal): Promise<RelationNames> {
    if (this.disposed) return Promise.resolve({ problem: 'the name lookup was closed' });
    if (signal?.aborted) return Promise.resolve({ problem: 'cancelled' });
    const key = `${ref.spcOid}/${ref.dbOid}/${ref.relNumber}`;
    const cached = this.answers.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return Promise.resolve(cached.names);
    let pending = this.inflight.get(key);
    if (!pending) {
      // Shared by concurrent callers; an aborted caller leaves it running so the answer is cached.
      pending = this.lookup(ref).then((o) => {
        if (o.lasting && !this.disposed) this.answers.set(key, { names: o.names, at: Date.now() });
        return o;
      });
      const mine = pending;
      void mine.finally(() => {
        if (this.inflight.get(key) === mine) this.inflight.delete(key);
      });
      this.inflight.set(key, pending);
    }
    const answer = pending.then((o) => o.names);
    if (!signal) return answer;
    return new Promise((resolve) => {
      const onAbort = (): void => resolve({ problem: 'cancelled' });
      signal.addEventListener('abort', onAbort, { once: true });
      void answer.then((names) => {
        signal.removeEventListener('abort', onAbort);
        resolve(names);
      });
    });
  }

  /** Closes every client and forgets all answers; resolve() afterwards answers "closed". */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.answers.clear();
    const entries = [...this.pool.entries()];
    this.pool.clear();
    await Promise.all(entries.map(([, entry]) => this.close(entry)));
  }

  private async lookup(ref: RelFileRef): Promise<Outcome> {
    const names: { tablespace?: string; database?: string } = {};
    try {
      const shared = ref.dbOid === 0;
      let spc = this.tablespaces.get(ref.spcOid);
      let db = shared ? undefined : this.databases.get(ref.dbOid);
      if (spc === undefined || (!shared && db === undefined)) {
        const [row] = await this.query<NamesRow>(HOME, NAMES_SQL, [ref.spcOid, ref.dbOid]);
        spc = row?.spcname ?? null;
        this.tablespaces.set(ref.spcOid, spc);
        if (!shared) {
          db = row?.datname ? { name: row.datname, allowConn: row.datallowconn === true, isHome: row.is_current === true } : null;
          this.databases.set(ref.dbOid, db);
        }
      }
      if (spc !== null) names.tablespace = spc;
      const problems: string[] = [];
      if (spc === null) problems.push(`tablespace OID ${ref.spcOid} does not exist on this server`);
      if (db === null) {
        problems.push(`database OID ${ref.dbOid} does not exist on this server`);
        return { names: { ...names, problem: problems.join('; ') }, lasting: true };
      }
      if (db) names.database = db.name;
      if (db && !db.allowConn) {
        problems.push(`database "${db.name}" does not accept connections (datallowconn is false), so its relations cannot be named`);
        return { names: { ...names, problem: problems.join('; ') }, lasting: true };
      }
      const target = !db || db.isHome ? HOME : db.name;
      const [row] = await this.query<RelationRow>(target, RELATION_SQL, [ref.spcOid, ref.relNumber]);
      if (!row) {
        problems.push(NO_RELATION_NOW);
        return { names: { ...names, problem: problems.join('; ') }, lasting: true };
      }
      const ofToast = row.relkind === 't' || row.indexed_kind === 't';
      const owner = row.owner_name !== null && row.owner_schema !== null ? `${row.owner_schema}.${row.owner_name}` : undefined;
      const relation: RelationInfo = {
        schema: row.schema,
        name: row.name,
        kind: relationKind(row.relkind, row.relpersistence, ofToast),
        ...(owner === undefined ? {} : { owner }),
      };
      return { names: { ...names, relation, ...(problems.length ? { problem: problems.join('; ') } : {}) }, lasting: true };
    } catch (e) {
      const problem = e instanceof Unnamed ? e.problem : `the name lookup failed: ${messageOf(e)}`;
      return { names: { ...names, problem }, lasting: false };
    }
  }

  /** One query on the database's client, within the time limit; a client that failed is dropped. */
  private async query<R extends QueryResultRow>(database: string, text: string, values: unknown[]): Promise<R[]> {
    const entry = this.acquire(database);
    try {
      const client = await this.limit(entry.client, () => this.drop(database, entry), 'connecting');
      return (await this.limit(client.query<R>(text, values), () => this.drop(database, entry), 'answering')).rows;
    } catch (e) {
      // A client whose query failed may be broken (server restarted, timeout): start afresh next time.
      this.drop(database, entry);
      throw e instanceof Unnamed ? e : new Unnamed(`the name lookup failed: ${messageOf(e)}`);
    } finally {
      this.release(database, entry);
    }
  }

  private acquire(database: string): PoolEntry {
    if (this.disposed) throw new Unnamed('the name lookup was closed');
    const failed = this.failures.get(database);
    if (failed && failed.until > Date.now()) throw new Unnamed(failed.problem);
    let entry = this.pool.get(database);
    if (!entry) {
      const client = this.connect(database === HOME ? undefined : database).catch((e: unknown) => {
        const where = database === HOME ? '' : ` to database "${database}"`;
        const problem = `could not connect${where}: ${messageOf(e)}`;
        this.failures.set(database, { problem, until: Date.now() + this.retryMs });
        throw new Unnamed(problem);
      });
      client.then(() => this.failures.delete(database), () => undefined);
      entry = { client, busy: 0, timer: undefined };
      this.pool.set(database, entry);
    }
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.busy++;
    return entry;
  }

  private release(database: string, entry: PoolEntry): void {
    entry.busy--;
    if (entry.busy > 0 || this.pool.get(database) !== entry) return;
    entry.timer = setTimeout(() => this.drop(database, entry), this.idleMs);
    entry.timer.unref();
  }

  private drop(database: string, entry: PoolEntry): void {
    if (this.pool.get(database) === entry) this.pool.delete(database);
    void this.close(entry);
  }

  /** Ends the entry's client once, also when it is still connecting. */
  private close(entry: PoolEntry): Promise<void> {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.closing ??= entry.client.then((c) => c.end(), () => undefined).catch(() => undefined);
    return entry.closing;
  }

  private limit<T>(work: Promise<T>, onTimeout: () => void, doing: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        reject(new Unnamed(`the server gave no answer within ${this.timeoutMs} ms (${doing})`));
      }, this.timeoutMs);
      work.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }
}

type PgModule = typeof PgNamespace;

async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as PgModule & { default?: PgModule };
  return mod.default ?? mod;
}

export interface RelationConnectorOptions {
  /** Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** statement_timeout and the client's own query limit; default 5 s. */
  readonly statementTimeoutMs?: number;
}

/**
 * A RelationConnect for a saved connection: the same server and user, any database. Errors
 * are worded by the live check's classifier, which names the server and hides the password.
 */
export function relationConnector(info: ConnectionInfo, password?: string, options: RelationConnectorOptions = {}): RelationConnect {
  const statementTimeout = options.statementTimeoutMs ?? 5_000;
  return async (database) => {
    const pg = await loadPg();
    const target = { host: info.host, port: info.port, user: info.user, database: database ?? info.database, ...(password === undefined ? {} : { password }) };
    const config: ClientConfig = {
      ...target,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1_000,
      application_name: 'pg-backup-studio relation names',
    };
    const client = new pg.Client(config);
    client.on('error', () => undefined); // a dropped connection surfaces through the next query
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw classifyError(e, target); // a LiveCheckError: its kind says whether a password would help
    }
    return client;
  };
}
