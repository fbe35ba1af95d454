// Names for `rel spc/db/relfilenode` from a real PostgreSQL 15 server. Every ref is the one the
// server itself gives: pg_relation_filepath() spells the same tablespace/database/filenode as
// the file on disk and WAL (base/D/R, global/R, pg_tblspc/S/PG_…/D/R), and one case reads it
// out of pg_waldump. Queries and connections are counted through the connect function.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { QueryResultRow } from 'pg';
import type { Cluster } from '../../src/core/postgres/cluster';
import type { ConnectionInfo } from '../../src/core/postgres/connection';
import { findFreePort } from '../../src/core/postgres/freePort';
import { hasProgram, programPath } from '../../src/core/postgres/installations';
import type { RelFileRef, RelationClient, RelationConnect, RelationNames } from '../../src/core/postgres/relationNames';
import { NO_RELATION_NOW, RelationNameResolver, relationConnector } from '../../src/core/postgres/relationNames';
import { run } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

const APP = 'pg-backup-studio relation names';
const PASSWORD = 'Pw-for-relnames-7';

/** The ref of a relation as its file path spells it (what WAL block references carry). */
async function refOf(c: Cluster, relation: string, database = 'postgres'): Promise<RelFileRef> {
  const client = await c.connect(database);
  try {
    const [row] = (await client.query<{ path: string }>('SELECT pg_relation_filepath($1::regclass) AS path', [relation])).rows;
    const p = row?.path ?? '';
    let m = /^base\/(\d+)\/(\d+)$/.exec(p);
    if (m) return { spcOid: 1663, dbOid: Number(m[1]), relNumber: Number(m[2]) };
    m = /^global\/(\d+)$/.exec(p);
    if (m) return { spcOid: 1664, dbOid: 0, relNumber: Number(m[1]) };
    m = /^pg_tblspc\/(\d+)\/[^/]+\/(\d+)\/(\d+)$/.exec(p);
    if (m) return { spcOid: Number(m[1]), dbOid: Number(m[2]), relNumber: Number(m[3]) };
    throw new Error(`unexpected path ${p} of ${relation}`);
  } finally {
    await client.end();
  }
}

interface Counted {
  readonly connect: RelationConnect;
  /** The database asked for by each connect (undefined = the configured one). */
  readonly connects: (string | undefined)[];
  readonly queries: string[];
  readonly pids: number[];
  ends: number;
  /** Settles at the next end() of a client. */
  nextEnd(): Promise<void>;
}

/** Wraps a connect function to count what goes through it. */
function counted(inner: RelationConnect): Counted {
  let waiters: (() => void)[] = [];
  const stats: Counted = {
    connects: [], queries: [], pids: [], ends: 0,
    nextEnd: () => new Promise<void>((r) => waiters.push(r)),
    connect: async (database) => {
      stats.connects.push(database);
      const client = await inner(database);
      const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', [])).rows;
      if (row) stats.pids.push(row.pid);
      const wrapped: RelationClient = {
        query: <R extends QueryResultRow>(text: string, values: unknown[]) => {
          stats.queries.push(text);
          return client.query<R>(text, values);
        },
        end: async () => {
          stats.ends++;
          await client.end();
          const w = waiters;
          waiters = [];
          for (const f of w) f();
        },
      };
      return wrapped;
    },
  };
  return stats;
}

describe('relation names of WAL block references (PostgreSQL 15, e2e)', function () {
  this.timeout(180_000);
  const handle = useCluster(15, { source: 'debian', hbaLines: ['host all relnames_pw 127.0.0.1/32 scram-sha-256'] });
  const info = (): ConnectionInfo => {
    const c = handle.cluster;
    return { name: 'test', host: c.host, port: c.port, user: c.superuser, database: 'postgres' };
  };
  let resolver: RelationNameResolver | undefined;
  const resolverFor = (connect: RelationConnect, options: ConstructorParameters<typeof RelationNameResolver>[1] = {}): RelationNameResolver => {
    resolver = new RelationNameResolver(connect, options);
    return resolver;
  };
  let spcOid = 0;
  let otherOid = 0;

  before(async () => {
    const c = handle.cluster;
    await c.query('CREATE TABLE public.accounts (id int PRIMARY KEY, note text)');
    await c.query("INSERT INTO public.accounts SELECT g, repeat('x', 10) FROM generate_series(1, 100) g");
    await c.query('CREATE TABLE public.churn (id int)');
    await c.query('INSERT INTO public.churn SELECT generate_series(1, 10)');
    await c.query('CREATE DATABASE other');
    // A tablespace inside pg_tblspc (a developer option), so no directory has to be prepared for the server user.
    const admin = await c.connect();
    try {
      await admin.query('SET allow_in_place_tablespaces = on');
      await admin.query("CREATE TABLESPACE spc_inplace LOCATION ''");
    } finally {
      await admin.end();
    }
    await c.query('CREATE DATABASE spcdb TABLESPACE spc_inplace');
    await c.query(`CREATE ROLE relnames_pw LOGIN PASSWORD '${PASSWORD}'`);
    const other = await c.connect('other');
    try {
      await other.query('CREATE SCHEMA sales');
      await other.query('CREATE TABLE sales.orders (id bigint)');
    } finally {
      await other.end();
    }
    const spcdb = await c.connect('spcdb');
    try {
      await spcdb.query('CREATE TABLE in_db_default (id int)');
      await spcdb.query('CREATE TABLE in_pg_default (id int) TABLESPACE pg_default');
    } finally {
      await spcdb.end();
    }
    spcOid = Number((await c.query<{ oid: string }>("SELECT oid::text FROM pg_tablespace WHERE spcname = 'spc_inplace'"))[0]?.oid);
    otherOid = Number((await c.query<{ oid: string }>("SELECT oid::text FROM pg_database WHERE datname = 'other'"))[0]?.oid);
  });

  afterEach(async () => {
    await resolver?.dispose();
    resolver = undefined;
  });

  it('names a user table, its primary key index and its TOAST table', async () => {
    const c = handle.cluster;
    const r = resolverFor(relationConnector(info()));
    const table = await r.resolve(await refOf(c, 'public.accounts'));
    assert.deepEqual(table, { tablespace: 'pg_default', database: 'postgres', relation: { schema: 'public', name: 'accounts', kind: 'table' } });
    const index = await r.resolve(await refOf(c, 'public.accounts_pkey'));
    assert.deepEqual(index.relation, { schema: 'public', name: 'accounts_pkey', kind: 'index', owner: 'public.accounts' });
    const [toast] = await c.query<{ name: string; idx: string }>(
      "SELECT reltoastrelid::regclass::text AS name, (SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = reltoastrelid) AS idx FROM pg_class WHERE oid = 'public.accounts'::regclass");
    assert.ok(toast);
    const toastNames = await r.resolve(await refOf(c, toast.name));
    assert.deepEqual(toastNames.relation, { schema: 'pg_toast', name: toast.name.replace('pg_toast.', ''), kind: 'TOAST table', owner: 'public.accounts' });
    const toastIndex = await r.resolve(await refOf(c, toast.idx));
    assert.deepEqual(toastIndex.relation, { schema: 'pg_toast', name: toast.idx.replace('pg_toast.', ''), kind: 'TOAST index', owner: 'public.accounts' });
  });

  it('names a mapped catalog (pg_class, relfilenode 0 in pg_class) through the relation map', async () => {
    const c = handle.cluster;
    const [row] = await c.query<{ relfilenode: string }>("SELECT relfilenode::text FROM pg_class WHERE oid = 'pg_catalog.pg_class'::regclass");
    assert.equal(row?.relfilenode, '0', 'pg_class is a mapped catalog');
    const ref = await refOf(c, 'pg_catalog.pg_class');
    assert.notEqual(ref.relNumber, 0);
    const names = await resolverFor(relationConnector(info())).resolve(ref);
    assert.deepEqual(names, { tablespace: 'pg_default', database: 'postgres', relation: { schema: 'pg_catalog', name: 'pg_class', kind: 'table' } });
  });

  it('names a shared catalog and its index (database 0, tablespace pg_global)', async () => {
    const c = handle.cluster;
    const r = resolverFor(relationConnector(info()));
    const ref = await refOf(c, 'pg_catalog.pg_database');
    assert.equal(ref.dbOid, 0);
    assert.equal(ref.spcOid, 1664);
    assert.deepEqual(await r.resolve(ref), { tablespace: 'pg_global', relation: { schema: 'pg_catalog', name: 'pg_database', kind: 'table' } });
    const index = await r.resolve(await refOf(c, 'pg_catalog.pg_database_datname_index'));
    assert.deepEqual(index.relation, { schema: 'pg_catalog', name: 'pg_database_datname_index', kind: 'index', owner: 'pg_catalog.pg_database' });
  });

  it('connects to the database of the ref by name to name a relation there, and reuses that client', async () => {
    const c = handle.cluster;
    const counts = counted(relationConnector(info()));
    const r = resolverFor(counts.connect);
    const ref = await refOf(c, 'sales.orders', 'other');
    assert.equal(ref.dbOid, otherOid);
    assert.deepEqual(await r.resolve(ref), { tablespace: 'pg_default', database: 'other', relation: { schema: 'sales', name: 'orders', kind: 'table' } });
    // The same filenode number asked of the configured database would name nothing (or something else).
    const here = await c.query<{ r: string | null }>('SELECT pg_filenode_relation(0, $1)::text AS r', [ref.relNumber]);
    assert.notEqual(here[0]?.r, 'sales.orders');
    assert.deepEqual(counts.connects, [undefined, 'other']);
    const o = await c.connect('other');
    try {
      await o.query('CREATE TABLE sales.refunds (id int)');
    } finally {
      await o.end();
    }
    const rel = await refOf(c, 'sales.refunds', 'other');
    assert.equal((await r.resolve(rel)).relation?.name, 'refunds');
    assert.deepEqual(counts.connects, [undefined, 'other'], 'both clients reused, and the database name came from a cache');
  });

  it('passes the tablespace as WAL spells it: a database whose default is another tablespace, and a table put in pg_default there', async () => {
    const c = handle.cluster;
    const r = resolverFor(relationConnector(info()));
    const inDefault = await refOf(c, 'in_db_default', 'spcdb');
    assert.equal(inDefault.spcOid, spcOid, 'the file lives in the database\'s own tablespace');
    const spcdb = await c.connect('spcdb');
    try {
      const [row] = (await spcdb.query<{ t: string }>("SELECT reltablespace::text AS t FROM pg_class WHERE relname = 'in_db_default'")).rows;
      assert.equal(row?.t, '0', 'pg_class stores 0 for the database default');
    } finally {
      await spcdb.end();
    }
    assert.deepEqual(await r.resolve(inDefault), { tablespace: 'spc_inplace', database: 'spcdb', relation: { schema: 'public', name: 'in_db_default', kind: 'table' } });
    const inPgDefault = await refOf(c, 'in_pg_default', 'spcdb');
    assert.equal(inPgDefault.spcOid, 1663);
    assert.deepEqual(await r.resolve(inPgDefault), { tablespace: 'pg_default', database: 'spcdb', relation: { schema: 'public', name: 'in_pg_default', kind: 'table' } });
  });

  it('says that no relation uses a file node that VACUUM FULL left, and names the new one', async () => {
    const c = handle.cluster;
    const r = resolverFor(relationConnector(info()));
    const old = await refOf(c, 'public.churn');
    await c.query('VACUUM FULL public.churn');
    const now = await refOf(c, 'public.churn');
    assert.notEqual(now.relNumber, old.relNumber);
    assert.deepEqual(await r.resolve(old), { tablespace: 'pg_default', database: 'postgres', problem: NO_RELATION_NOW });
    assert.deepEqual((await r.resolve(now)).relation, { schema: 'public', name: 'churn', kind: 'table' });
  });

  it('says when the database OID does not exist, and when the database does not accept connections', async () => {
    const c = handle.cluster;
    const counts = counted(relationConnector(info()));
    const r = resolverFor(counts.connect);
    const missing = await r.resolve({ spcOid: 1663, dbOid: 4_000_000_000, relNumber: 16384 });
    assert.deepEqual(missing, { tablespace: 'pg_default', problem: 'database OID 4000000000 does not exist on this server' });
    const [t0] = await c.query<{ oid: string }>("SELECT oid::text FROM pg_database WHERE datname = 'template0'");
    const [cls] = await c.query<{ f: string }>("SELECT pg_relation_filenode('pg_class')::text AS f");
    const template0 = await r.resolve({ spcOid: 1663, dbOid: Number(t0?.oid), relNumber: Number(cls?.f) });
    assert.equal(template0.database, 'template0');
    assert.equal(template0.relation, undefined);
    assert.match(template0.problem ?? '', /^database "template0" does not accept connections \(datallowconn is false\)/);
    assert.deepEqual(counts.connects, [undefined], 'no attempt to connect to template0');
    const badSpc = await r.resolve({ spcOid: 4_000_000_001, dbOid: 0, relNumber: 3_999_999_999 });
    assert.match(badSpc.problem ?? '', /^tablespace OID 4000000001 does not exist on this server; no relation uses this file node now/);
  });

  it('names the relation of a block reference that pg_waldump printed for an INSERT', async function () {
    const c = handle.cluster;
    if (!hasProgram(c.installation, 'pg_waldump')) skipBecause(this, `this PostgreSQL ${c.installation.major} installation has no pg_waldump`);
    const [start] = await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await c.query("INSERT INTO public.accounts VALUES (1000, 'from wal')");
    const [end] = await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const dump = await run(programPath(c.installation, 'pg_waldump'),
      ['-p', `${c.dataDir}/pg_wal`, '-s', start?.lsn ?? '', '-e', end?.lsn ?? '', '-r', 'Heap'], { ...c.runAs, env: c.installation.env });
    const line = dump.stdout.split('\n').find((l) => /desc: INSERT/.test(l));
    const m = line ? /rel (\d+)\/(\d+)\/(\d+)/.exec(line) : null;
    assert.ok(m, dump.stdout + dump.stderr);
    const ref = { spcOid: Number(m[1]), dbOid: Number(m[2]), relNumber: Number(m[3]) };
    assert.deepEqual(ref, await refOf(c, 'public.accounts'));
    assert.deepEqual((await resolverFor(relationConnector(info())).resolve(ref)).relation, { schema: 'public', name: 'accounts', kind: 'table' });
  });

  it('answers a second resolve of the same ref (found or not) from the cache, and forgets the least recently used', async () => {
    const c = handle.cluster;
    const counts = counted(relationConnector(info()));
    const r = resolverFor(counts.connect, { cacheSize: 2 });
    const accounts = await refOf(c, 'public.accounts');
    const gone = { ...accounts, relNumber: 3_999_999_999 };
    const first = await r.resolve(accounts);
    const afterFirst = counts.queries.length;
    assert.equal(afterFirst, 2, 'names, then relation');
    assert.deepEqual(await r.resolve(accounts), first);
    assert.equal((await r.resolve(gone)).problem, NO_RELATION_NOW);
    const afterGone = counts.queries.length;
    assert.equal(afterGone, afterFirst + 1, 'the database and tablespace names were cached');
    assert.equal((await r.resolve(gone)).problem, NO_RELATION_NOW);
    assert.equal(await r.resolve(accounts), first);
    assert.equal(counts.queries.length, afterGone, 'both answers came from the cache');
    // A third ref pushes out the least recently used (gone), which is asked again.
    await r.resolve(await refOf(c, 'public.accounts_pkey'));
    await r.resolve(accounts);
    const before = counts.queries.length;
    await r.resolve(gone);
    assert.equal(counts.queries.length, before + 1);
    // Concurrent resolves of one ref share one lookup.
    const churn = await refOf(c, 'public.churn');
    const n = counts.queries.length;
    const [a, b] = await Promise.all([r.resolve(churn), r.resolve(churn)]);
    assert.deepEqual(a, b);
    assert.equal(counts.queries.length, n + 1);
    assert.deepEqual(counts.connects, [undefined]);
  });

  it('asks again once an answer is older than its time to live, and so sees a rewrite', async () => {
    const c = handle.cluster;
    await c.query('CREATE TABLE public.rewritten (id int)');
    const old = await refOf(c, 'public.rewritten');
    const counts = counted(relationConnector(info()));
    const r = resolverFor(counts.connect, { answerTtlMs: 0 });
    assert.equal((await r.resolve(old)).relation?.name, 'rewritten');
    await c.query('VACUUM FULL public.rewritten');
    const n = counts.queries.length;
    assert.equal((await r.resolve(old)).problem, NO_RELATION_NOW);
    assert.equal(counts.queries.length, n + 1, 'the expired answer was asked again');
  });

  it('answers "cancelled" to an aborted caller and still caches what the lookup found', async () => {
    const c = handle.cluster;
    const counts = counted(relationConnector(info()));
    const r = resolverFor(counts.connect);
    const ref = await refOf(c, 'public.accounts');
    const before = new AbortController();
    before.abort();
    assert.deepEqual(await r.resolve(ref, before.signal), { problem: 'cancelled' });
    assert.deepEqual(counts.connects, [], 'an already aborted signal starts nothing');
    const during = new AbortController();
    const pending = r.resolve(ref, during.signal);
    during.abort();
    assert.deepEqual(await pending, { problem: 'cancelled' });
    assert.equal((await r.resolve(ref)).relation?.name, 'accounts');
    assert.equal(counts.connects.length, 1);
    assert.equal(counts.queries.length, 2, 'the second caller joined the lookup the first one started');
  });

  it('uses the password, and never puts it in a problem when the login fails', async () => {
    const c = handle.cluster;
    const user = { ...info(), user: 'relnames_pw' };
    const ok = resolverFor(relationConnector(user, PASSWORD));
    assert.equal((await ok.resolve(await refOf(c, 'public.accounts'))).relation?.name, 'accounts');
    await ok.dispose();
    const wrong = 'Wrong-secret-42';
    const bad = resolverFor(relationConnector(user, wrong));
    const names = await bad.resolve(await refOf(c, 'public.accounts'));
    assert.match(names.problem ?? '', /^could not connect: login to 127\.0\.0\.1:\d+ as "relnames_pw" failed: password authentication failed/);
    assert.ok(!(names.problem ?? '').includes(wrong));
  });

  it('says "could not connect" at once for a server that is down, and does not retry right away', async () => {
    const port = await findFreePort();
    const counts = counted(relationConnector({ ...info(), port }, 'S3cret-down'));
    const r = resolverFor(counts.connect, { retryMs: 600_000 });
    const names = await r.resolve({ spcOid: 1663, dbOid: 5, relNumber: 16384 });
    assert.match(names.problem ?? '', new RegExp(`^could not connect: the server at 127\\.0\\.0\\.1:${port} refused the connection`));
    assert.ok(!(names.problem ?? '').includes('S3cret-down'));
    assert.deepEqual(await r.resolve({ spcOid: 1663, dbOid: 5, relNumber: 16385 }), names);
    assert.equal(counts.connects.length, 1, 'the failure is remembered for retryMs');
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const r = resolverFor(relationConnector({ ...info(), port }, undefined, { connectTimeoutMs: 120_000 }), { queryTimeoutMs: 300 });
      const names = await r.resolve({ spcOid: 1663, dbOid: 5, relNumber: 16384 });
      assert.equal(names.problem, 'the server gave no answer within 300 ms (connecting)');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('closes a client after idleMs unused, and dispose closes every client', async () => {
    const c = handle.cluster;
    const counts = counted(relationConnector(info()));
    const idle = resolverFor(counts.connect, { idleMs: 50 });
    const ended = counts.nextEnd();
    assert.ok((await idle.resolve(await refOf(c, 'public.accounts'))).relation);
    await ended;
    assert.equal(counts.ends, 1);
    assert.ok((await idle.resolve(await refOf(c, 'public.churn'))).relation);
    assert.equal(counts.connects.length, 2, 'a new client after the idle one was closed');
    await idle.dispose();

    const many = counted(relationConnector(info()));
    const r = resolverFor(many.connect);
    assert.ok((await r.resolve(await refOf(c, 'public.accounts'))).relation);
    assert.ok((await r.resolve(await refOf(c, 'sales.orders', 'other'))).relation);
    const live = async (): Promise<number[]> =>
      (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid = ANY($2::int[])', [APP, many.pids])).map((x) => x.pid);
    assert.equal((await live()).length, 2);
    await r.dispose();
    assert.equal(many.ends, 2);
    // A backend leaves pg_stat_activity shortly after its client hung up.
    let left = await live();
    for (let i = 0; i < 200 && left.length > 0; i++) {
      await new Promise((res) => setTimeout(res, 25));
      left = await live();
    }
    assert.deepEqual(left, []);
    assert.deepEqual(await r.resolve(await refOf(c, 'public.accounts')), { problem: 'the name lookup was closed' } satisfies RelationNames);
  });
});
