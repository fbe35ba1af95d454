// Restores the restore command plans, proven by starting the restored server, with the real
// pg_probackup (PG_PROBACKUP, 2.5 for PostgreSQL 15) and the same core functions the command
// calls outside its vscode shell: planLsnTarget / planLatestTarget (target and timeline),
// proposeRelocations / relocationProblems (tablespaces and external directories), restorability
// (what the picker offers), ttlPinnedUntil (the pin prompt). Each test first shows what
// pg_probackup accepts and the server or pg_probackup then refuses, then the planned restore.
//
// The first suite builds a catalog with a tablespace, an external directory and two timelines:
// a FULL ARCHIVE backup B on TL1, then TL2 made by a PITR restore of B that is promoted and
// archives into the same instance, and runs on past the end of TL1. The original cluster is
// stopped by then: one server at a time, plus the restored copy.
import * as assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cluster } from '../../src/core/postgres/cluster';
import { createCluster } from '../../src/core/postgres/cluster';
import { installExitCleanup } from '../../src/core/postgres/clusterRegistry';
import { findFreePort } from '../../src/core/postgres/freePort';
import { programPath } from '../../src/core/postgres/installations';
import { addInstanceCommand, initCommand, setBackupCommand, showCommand } from '../../src/core/probackup/catalogCommands';
import { isPinned } from '../../src/core/probackup/catalogModel';
import type { InstanceModel } from '../../src/core/probackup/catalogModel';
import { ttlPinnedUntil } from '../../src/core/probackup/commandArgs';
import type { RecoveryTarget } from '../../src/core/probackup/commandArgs';
import { backupCommand, restoreCommand, validateCommand } from '../../src/core/probackup/dataCommands';
import type { BackupModeArg } from '../../src/core/probackup/dataCommands';
import { versionCommand } from '../../src/core/probackup/discovery';
import { shellQuote } from '../../src/core/probackup/format';
import { failure } from '../support/probackupFailure';
import { readCatalog } from '../../src/core/probackup/catalogReader';
import { segmentName } from '../../src/core/probackup/recoverableWindow';
import { planLatestTarget, planLsnTarget, restorability } from '../../src/core/probackup/restorePlan';
import type { PlanInput } from '../../src/core/probackup/restorePlan';
import { proposeRelocations, relocationProblems } from '../../src/core/probackup/restorePreflight';
import type { Relocation } from '../../src/core/probackup/restorePreflight';
import { run, runInvocation } from '../../src/core/process/runner';
import type { RunOptions } from '../../src/core/process/runner';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';

const binary = process.env['PG_PROBACKUP'];
const INSTANCE = 'main';
const SEG = 16n * 1024n * 1024n;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const lsnValue = (lsn: string): bigint => {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/** A cluster, its catalog and a work folder owned by the cluster's OS user, with helpers for restored copies. */
class Lab {
  readonly catalog: string;
  cluster!: Cluster;
  as!: RunOptions;
  private copies: string[] = [];

  constructor(readonly work: string) {
    this.catalog = path.join(work, 'catalog');
  }

  async create(extra: { hbaLines?: string[] } = {}): Promise<void> {
    const installation = await installationFor(15);
    this.cluster = await createCluster({
      installation,
      initdbArgs: ['--data-checksums'],
      settings: {
        wal_level: 'replica', max_wal_senders: 4, fsync: 'off', archive_mode: 'on', archive_timeout: 0,
        archive_command: `${shellQuote(binary!)} archive-push -B ${shellQuote(this.catalog)} --instance=${INSTANCE} --wal-file-path=%p --wal-file-name=%f`,
      },
      ...(extra.hbaLines ? { hbaLines: extra.hbaLines } : {}),
    });
    chownSync(this.work, this.cluster.osUser.uid, this.cluster.osUser.gid);
    this.as = { ...this.cluster.runAs };
    await runInvocation(initCommand({ binary: binary!, catalog: this.catalog }), this.as);
    await runInvocation(addInstanceCommand({ binary: binary!, catalog: this.catalog, instance: INSTANCE, pgdata: this.cluster.dataDir }), this.as);
  }

  /** A folder the cluster's user owns. */
  dir(name: string): string {
    const d = path.join(this.work, name);
    mkdirSync(d, { recursive: true });
    chownSync(d, this.cluster.osUser.uid, this.cluster.osUser.gid);
    return d;
  }

  async model(): Promise<InstanceModel> {
    const r = await readCatalog(this.catalog, binary!, this.as);
    assert.equal(r.kind, 'ok', r.kind === 'error' ? r.message : '');
    const m = r.kind === 'ok' ? r.model.instances.find((i) => i.instance === INSTANCE) : undefined;
    assert.ok(m);
    return m;
  }

  async backup(mode: BackupModeArg, more: { stream?: boolean; externalDirs?: string[] } = {}): Promise<string> {
    // Backup IDs are the start time in seconds: two in one second would collide.
    await sleep(1100);
    const c = this.cluster;
    const out = await runInvocation(backupCommand({
      binary: binary!, catalog: this.catalog, instance: INSTANCE, mode, ...more,
      connection: { host: c.host, port: c.port, user: c.superuser, database: 'postgres' },
    }), this.as);
    return out.backupId;
  }

  /** Waits until the server behind `query` has archived `segment` (or a later one). */
  async waitArchived(query: (sql: string) => Promise<Record<string, unknown>[]>, segment: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const [row] = await query('SELECT last_archived_wal AS w FROM pg_stat_archiver');
      const w = row?.['w'] as string | null;
      if (w !== null && w !== undefined && !w.endsWith('.history') && w >= segment) return;
      await sleep(200);
    }
    assert.fail(`segment ${segment} was not archived`);
  }

  /**
   * Starts a restored copy on a free port (archiving off unless asked: it would push into the
   * catalog) and waits for `until` to be true, or for the server to die: pg_ctl -w returns once a
   * hot standby accepts connections, before recovery may stop short of its target.
   */
  async start(dir: string, until: string, archive = false): Promise<{ up: boolean; log: string; query: (sql: string) => Promise<Record<string, unknown>[]> }> {
    this.copies.push(dir);
    const port = await findFreePort();
    const logFile = path.join(this.work, `${path.basename(dir)}.log`);
    const opts = `-p ${port} -k ${this.work} -c listen_addresses=127.0.0.1${archive ? '' : ' -c archive_mode=off'}`;
    await run(programPath(this.cluster.installation, 'pg_ctl'), ['start', '-D', dir, '-w', '-t', '120', '-l', logFile, '-o', opts], { ...this.as, env: { ...this.cluster.installation.env } });
    const query = async (sql: string): Promise<Record<string, unknown>[]> => {
      const pg = await import('pg');
      const client = new pg.Client({ host: '127.0.0.1', port, user: this.cluster.superuser, database: 'postgres' });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    for (let i = 0; i < 600; i++) {
      if (!existsSync(path.join(dir, 'postmaster.pid'))) return { up: false, log: log(), query };
      const [row] = await query(`SELECT (${until}) AS ok`).catch(() => [] as Record<string, unknown>[]);
      if (row?.['ok'] === true) return { up: true, log: log(), query };
      await sleep(200);
    }
    return assert.fail(`${dir}: neither "${until}" nor a dead server after 120 s\n${log()}`);
  }

  async stopCopies(): Promise<void> {
    for (const dir of this.copies.splice(0)) {
      if (existsSync(path.join(dir, 'postmaster.pid'))) {
        await run(programPath(this.cluster.installation, 'pg_ctl'), ['stop', '-D', dir, '-m', 'fast', '-w'], { ...this.as, env: { ...this.cluster.installation.env } });
      }
    }
  }

  async restore(opts: {
    dir: string; backupId?: string; target?: RecoveryTarget; targetAction?: 'promote';
    relocations?: readonly Relocation[]; skipExternalDirs?: boolean; noValidate?: boolean;
  }): Promise<string | undefined> {
    const map = (k: Relocation['kind']) => (opts.relocations ?? []).filter((l) => l.kind === k && l.from !== l.to).map((l) => ({ from: l.from, to: l.to }));
    const out = await runInvocation(restoreCommand({
      binary: binary!, catalog: this.catalog, instance: INSTANCE, pgdata: opts.dir,
      ...(opts.backupId ? { backupId: opts.backupId } : {}), ...(opts.target ? { target: opts.target } : {}),
      ...(opts.targetAction ? { targetAction: opts.targetAction } : {}),
      tablespaceMapping: map('tablespace'), externalMapping: map('external'),
      ...(opts.skipExternalDirs ? { skipExternalDirs: true } : {}),
      ...(opts.noValidate ? { noValidate: true } : {}),
    }), this.as);
    return out.backupId;
  }

  async remove(): Promise<void> {
    await this.stopCopies().catch(() => undefined);
    await this.cluster?.remove();
    rmSync(this.work, { recursive: true, force: true });
  }
}

function planInput(m: InstanceModel): PlanInput {
  return { backups: [...m.byId.values()], timelines: m.archiveKnown ? m.timelines : undefined, segmentSize: m.segmentSize, window: m.window };
}

const RECOVERY_SHORT = /recovery ended before configured recovery target was reached/;

async function requireProbackup15(ctx: Mocha.Context): Promise<void> {
  if (!binary) skipBecause(ctx, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
  const v = await runInvocation(versionCommand(binary));
  if (v.server.major !== 15) skipBecause(ctx, `PG_PROBACKUP is built for PostgreSQL ${v.server.major}, these tests run on 15`);
  installExitCleanup();
}

describe('restore plans on two timelines, a tablespace and an external directory, with the real pg_probackup (e2e)', function () {
  this.timeout(600_000);
  let lab: Lab;
  let full: string;
  let tsOid: string;
  let l2: string;
  let tl1Last: string;

  before(async function () {
    this.timeout(900_000);
    await requireProbackup15(this);
    lab = new Lab(mkdtempSync(path.join(os.tmpdir(), 'pgbs-restoreplan-')));
    await lab.create();
    const c = lab.cluster;
    const ts = lab.dir('ts1');
    const ext = lab.dir('ext1');
    writeFileSync(path.join(ext, 'hello.txt'), 'kept outside PGDATA\n');
    chownSync(path.join(ext, 'hello.txt'), c.osUser.uid, c.osUser.gid);
    await c.query(`CREATE TABLESPACE ts1 LOCATION '${ts}'`);
    await c.query('CREATE TABLE in_ts TABLESPACE ts1 AS SELECT g AS id FROM generate_series(1, 1000) g');
    await c.query('CREATE TABLE marks (n int)');
    tsOid = String((await c.query<{ oid: string }>("SELECT oid::text AS oid FROM pg_tablespace WHERE spcname = 'ts1'"))[0]?.oid);
    full = await lab.backup('FULL', { externalDirs: [ext] });

    // TL1: mark 1, then its archive ends in the segment the switch closes.
    await c.query('INSERT INTO marks VALUES (1)');
    const [p1] = await c.query<{ lsn: string; seg: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn, pg_walfile_name(pg_current_wal_insert_lsn()) AS seg');
    await c.query('SELECT pg_switch_wal()');
    await lab.waitArchived((sql) => c.query(sql), p1!.seg);
    tl1Last = p1!.seg;
    await c.stop();

    // TL2: B restored to mark 1 and promoted, archiving into the same instance, and on past TL1's end.
    const r1 = path.join(lab.work, 'tl2maker');
    await lab.restore({
      dir: r1, backupId: full, target: { lsn: p1!.lsn }, targetAction: 'promote',
      relocations: proposeRelocations((await lab.model()).byId.get(full)!, r1),
    });
    const maker = await lab.start(r1, 'NOT pg_is_in_recovery()', true);
    assert.ok(maker.up, maker.log);
    try {
      await maker.query('INSERT INTO marks VALUES (20)');
      await maker.query('SELECT pg_switch_wal()');
      await maker.query('INSERT INTO marks VALUES (2)');
      const [p2] = await maker.query('SELECT pg_current_wal_insert_lsn()::text AS lsn');
      l2 = p2!['lsn'] as string;
      await maker.query('SELECT pg_switch_wal()');
      await maker.query('INSERT INTO marks VALUES (30)');
      const [p3] = await maker.query('SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS seg');
      await maker.query('SELECT pg_switch_wal()');
      await lab.waitArchived(maker.query, p3!['seg'] as string);
    } finally {
      await lab.stopCopies();
    }
    rmSync(r1, { recursive: true, force: true });
    rmSync(`${r1}_tablespaces`, { recursive: true, force: true });
    rmSync(`${r1}_external`, { recursive: true, force: true });
  });

  after(async function () {
    this.timeout(120_000);
    await lab?.remove();
  });

  afterEach(async () => {
    await lab?.stopCopies();
  });

  it('the catalog has what the tests need: B on TL1, TL2 branching after it and running past TL1\'s end', async () => {
    const m = await lab.model();
    assert.equal(m.byId.get(full)?.timeline, 1);
    assert.deepEqual(m.timelines.map((t) => t.tli).sort(), [1, 2]);
    assert.equal(m.timelines.find((t) => t.tli === 1)?.maxSegno, tl1Last);
    assert.ok(lsnValue(l2) / SEG > BigInt(`0x${tl1Last.slice(16)}`), `${l2} lies past TL1's last segment ${tl1Last}`);
  });

  it('an LSN on TL2: the plan adds --recovery-target-timeline=2 (and validates apart where pg_probackup would refuse), and the copy reaches it', async () => {
    const m = await lab.model();
    const b = m.byId.get(full)!;
    const sw = lsnValue(m.timelines.find((t) => t.tli === 2)!.switchpoint);
    // A page boundary on TL2 past TL1's end, as the tester's 0/55000000: pg_probackup checks no WAL for it.
    const x = lsnValue(l2);
    const page = `${(x >> 32n).toString(16).toUpperCase()}/${((x - (x % 8192n)) & 0xFFFFFFFFn).toString(16).toUpperCase()}`;
    assert.ok(lsnValue(page) > sw);

    // What the restore command ran before: pg_probackup exits 0, recovery stays on TL1 ('current') and stops short.
    const naive = path.join(lab.work, 'lsn_naive');
    await lab.restore({ dir: naive, backupId: full, target: { lsn: page }, relocations: proposeRelocations(b, naive) });
    assert.match(readFileSync(path.join(naive, 'postgresql.auto.conf'), 'utf8'), /recovery_target_timeline = 'current'/);
    const dead = await lab.start(naive, "pg_get_wal_replay_pause_state() = 'paused'");
    assert.equal(dead.up, false, 'the server does not come up');
    assert.match(dead.log, RECOVERY_SHORT);

    const atPage = planLsnTarget(planInput(m), full, page);
    assert.deepEqual([atPage.timeline, atPage.validateSeparately], [2, false]);
    const pageCopy = path.join(lab.work, 'lsn_page');
    await lab.restore({ dir: pageCopy, backupId: full, target: { lsn: page, timeline: 2 }, relocations: proposeRelocations(b, pageCopy) });
    const paused = await lab.start(pageCopy, "pg_get_wal_replay_pause_state() = 'paused'");
    assert.ok(paused.up, paused.log);
    assert.equal((await paused.query('SELECT array_agg(n ORDER BY n)::text AS m FROM marks'))[0]?.['m'], '{1,20}', 'TL2 up to the page before mark 2');
    await lab.stopCopies();

    // An LSN where a record starts: pg_probackup checks it, on TL1 only, and refuses even with the timeline.
    const plan = planLsnTarget(planInput(m), full, l2);
    assert.deepEqual(plan.reach, [{ timeline: 2, inLastSegment: false }]);
    assert.deepEqual([plan.timeline, plan.validateSeparately], [2, true]);
    const refused = await failure(lab.restore({ dir: path.join(lab.work, 'lsn_refused'), backupId: full, target: { lsn: l2, timeline: 2 }, relocations: proposeRelocations(b, path.join(lab.work, 'lsn_refused')) }));
    assert.match(refused.message, /WAL segment .*000000010000.* is absent/);

    // The plan: validate -i first, then restore with --no-validate.
    const valid = await runInvocation(validateCommand({ binary: binary!, catalog: lab.catalog, instance: INSTANCE, backupId: full }), lab.as);
    assert.deepEqual(valid.backups.map((v) => [v.backupId, v.result]), [[full, 'valid']]);
    const target = path.join(lab.work, 'lsn_planned');
    await lab.restore({ dir: target, backupId: full, target: { lsn: l2, timeline: 2 }, noValidate: true, relocations: proposeRelocations(b, target) });
    const copy = await lab.start(target, "pg_get_wal_replay_pause_state() = 'paused'");
    assert.ok(copy.up, copy.log);
    assert.equal((await copy.query('SELECT array_agg(n ORDER BY n)::text AS m FROM marks'))[0]?.['m'], '{1,2,20}', 'TL2 up to mark 2, not mark 30');
  });

  it('the end of the window: --recovery-target=latest on its timeline reaches it; the end of its last segment, as an LSN, is never reached', async () => {
    const m = await lab.model();
    const w = m.window;
    assert.ok(w && w.to.kind === 'wal');
    assert.equal(w.to.timeline, 2);
    assert.equal(w.toBackupId, full);

    // What the restore command pre-filled before: the end of the last archived segment.
    const naive = path.join(lab.work, 'end_naive');
    await lab.restore({ dir: naive, backupId: full, target: { lsn: w.to.lsn, timeline: 2 }, relocations: proposeRelocations(m.byId.get(full)!, naive) });
    const dead = await lab.start(naive, "pg_get_wal_replay_pause_state() = 'paused'");
    assert.equal(dead.up, false, 'the server does not come up');
    assert.match(dead.log, RECOVERY_SHORT);

    const plan = planLatestTarget(planInput(m), undefined);
    assert.equal(plan.backup?.id, full);
    assert.equal(plan.timeline, 2);
    const target = path.join(lab.work, 'end_planned');
    await lab.restore({ dir: target, backupId: plan.backup.id, target: { target: 'latest', timeline: plan.timeline }, relocations: proposeRelocations(plan.backup, target) });
    const copy = await lab.start(target, 'NOT pg_is_in_recovery()');
    assert.ok(copy.up, copy.log);
    const [row] = await copy.query("SELECT array_agg(n ORDER BY n)::text AS m, substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tli FROM marks");
    assert.equal(row?.['m'], '{1,2,20,30}', 'all of TL2');
    assert.equal(row?.['tli'], '00000003', 'promoted from TL2 onto TL3');
  });

  it('into a new folder, the tablespace and the external directory go beside it; without -T pg_probackup refuses the original\'s folder', async () => {
    const m = await lab.model();
    const b = m.byId.get(full)!;
    assert.deepEqual(b.tablespaceMap?.map((t) => [t.oid, t.path]), [[tsOid, path.join(lab.work, 'ts1')]]);
    assert.deepEqual(b.externalDirs, [path.join(lab.work, 'ext1')]);

    const naive = path.join(lab.work, 'dir_naive');
    const refused = await failure(lab.restore({ dir: naive, backupId: full }));
    assert.match(refused.message, /Restore tablespace destination is not empty/);

    const target = path.join(lab.work, 'dir_planned');
    const relocations = proposeRelocations(b, target);
    assert.deepEqual(relocations.map((l) => l.to), [`${target}_tablespaces/ts1`, `${target}_external/ext1`]);
    assert.deepEqual(relocationProblems(relocations, target, false), []);
    // The original folders, as destinations, are what pg_probackup refused.
    assert.equal(relocationProblems(relocations.map((l) => ({ ...l, to: l.from })), target, false).length, 2);

    await lab.restore({ dir: target, backupId: full, relocations });
    assert.equal(readlinkSync(path.join(target, 'pg_tblspc', tsOid)), `${target}_tablespaces/ts1`);
    assert.equal(readFileSync(`${target}_external/ext1/hello.txt`, 'utf8'), 'kept outside PGDATA\n');
    const copy = await lab.start(target, 'NOT pg_is_in_recovery()');
    assert.ok(copy.up, copy.log);
    const [row] = await copy.query("SELECT count(*)::int AS n, pg_tablespace_location((SELECT oid FROM pg_tablespace WHERE spcname = 'ts1')) AS loc FROM in_ts");
    assert.deepEqual([row?.['n'], row?.['loc']], [1000, `${target}_tablespaces/ts1`]);

    // Pre-flight: a busy new place is refused before pg_probackup runs.
    const busy = path.join(lab.work, 'dir_busy');
    lab.dir(`dir_busy_tablespaces/ts1`);
    writeFileSync(path.join(`${busy}_tablespaces`, 'ts1', 'junk'), '');
    assert.match(relocationProblems(proposeRelocations(b, busy), busy, false).join(' '), /not empty/);
  });
});

describe('restore picker verdicts and TTL pins, with the real pg_probackup (e2e)', function () {
  this.timeout(600_000);
  let lab: Lab;
  const ids: Record<string, string> = {};

  before(async function () {
    this.timeout(900_000);
    await requireProbackup15(this);
    lab = new Lab(mkdtempSync(path.join(os.tmpdir(), 'pgbs-restorepick-')));
    await lab.create({ hbaLines: ['host replication all 127.0.0.1/32 trust'] });
    const c = lab.cluster;
    await c.query('CREATE TABLE rows (n int)');
    // FULL (STREAM) <- DELTA (ARCHIVE) <- DELTA <- DELTA <- DELTA (STREAM).
    ids['full'] = await lab.backup('FULL', { stream: true });
    await c.query('INSERT INTO rows VALUES (1)');
    ids['arch'] = await lab.backup('DELTA');
    await c.query('INSERT INTO rows VALUES (2)');
    ids['child'] = await lab.backup('DELTA', { stream: true });
    await c.query('INSERT INTO rows VALUES (3)');
    ids['gone'] = await lab.backup('DELTA', { stream: true });
    ids['orphan'] = await lab.backup('DELTA', { stream: true });
    await c.stop();
    const m = await lab.model();
    assert.deepEqual([ids['arch'], ids['child'], ids['gone'], ids['orphan']].map((id) => m.byId.get(id!)?.parentBackupId), [ids['full'], ids['arch'], ids['child'], ids['gone']]);

    // A parent directory is gone; the ARCHIVE increment loses a WAL segment and validate marks it CORRUPT.
    rmSync(path.join(lab.catalog, 'backups', INSTANCE, ids['gone']!), { recursive: true });
    const arch = m.byId.get(ids['arch']!)!;
    const seg = path.join(lab.catalog, 'wal', INSTANCE, segmentName(1, lsnValue(arch.startLsn!) / SEG));
    assert.ok(existsSync(seg), seg);
    rmSync(seg);
    const v = await failure(runInvocation(validateCommand({ binary: binary!, catalog: lab.catalog, instance: INSTANCE, backupId: ids['arch']! }), lab.as));
    assert.match(v.stderr ?? '', /WAL segments are corrupted/);
  });

  after(async function () {
    this.timeout(120_000);
    await lab?.remove();
  });

  afterEach(async () => {
    await lab?.stopCopies();
  });

  it('hides the backup whose parent is gone: pg_probackup refuses it and marks it ORPHAN', async () => {
    const m = await lab.model();
    const orphan = m.byId.get(ids['orphan']!)!;
    assert.equal(orphan.status, 'OK', 'a status filter offers it');
    assert.deepEqual(restorability(orphan, m.byId, m.timelines, m.segmentSize), { kind: 'broken', reason: `parent ${ids['gone']} is missing from the catalog` });
    const e = await failure(lab.restore({ dir: path.join(lab.work, 'orphan'), backupId: orphan.id }));
    assert.match(e.message, new RegExp(`Restore of backup ${orphan.id} failed`));
    assert.equal((await lab.model()).byId.get(orphan.id)?.status, 'ORPHAN');
  });

  it('offers, with a warning, the child of a parent CORRUPT only for its lost WAL, and pg_probackup restores it', async () => {
    const m = await lab.model();
    assert.equal(m.byId.get(ids['arch']!)?.status, 'CORRUPT');
    const child = m.byId.get(ids['child']!)!;
    const verdict = restorability(child, m.byId, m.timelines, m.segmentSize);
    assert.equal(verdict.kind, 'doubtful', JSON.stringify(verdict));
    assert.equal(restorability(m.byId.get(ids['arch']!)!, m.byId, m.timelines, m.segmentSize).kind, 'broken', 'the CORRUPT one itself needs that WAL');

    const target = path.join(lab.work, 'child');
    assert.equal(await lab.restore({ dir: target, backupId: child.id }), child.id);
    const copy = await lab.start(target, 'NOT pg_is_in_recovery()');
    assert.ok(copy.up, copy.log);
    assert.equal((await copy.query('SELECT array_agg(n ORDER BY n)::text AS m FROM rows'))[0]?.['m'], '{1,2}');
  });

  it('a TTL counts from the recovery time: on an older backup a short one pins nothing, --expire-time from now does', async () => {
    const id = ids['full']!;
    const before = (await runInvocation(showCommand({ binary: binary!, catalog: lab.catalog, instance: INSTANCE }), lab.as))[0]?.backups.find((b) => b.id === id);
    const recovery = before?.recoveryTime;
    assert.ok(recovery);
    const predicted = ttlPinnedUntil(recovery, '2s');
    assert.ok(predicted && predicted.getTime() < Date.now(), 'the prompt warns: recovery time + 2s has passed');
    const out = await runInvocation(setBackupCommand({ binary: binary!, catalog: lab.catalog, instance: INSTANCE, backupId: id, ttl: '2s' }), lab.as);
    assert.equal(out.pinnedUntil?.getTime(), predicted.getTime(), 'pg_probackup reports success, pinned until recovery time + 2s');
    const after = (await lab.model()).byId.get(id)!;
    assert.equal(isPinned(after), false, 'and nothing is pinned');

    const fromNow = new Date(Math.ceil((Date.now() + 2 * 86_400_000) / 1000) * 1000);
    await runInvocation(setBackupCommand({ binary: binary!, catalog: lab.catalog, instance: INSTANCE, backupId: id, expireTime: fromNow }), lab.as);
    const pinned = (await lab.model()).byId.get(id)!;
    assert.equal(pinned.expireTime?.getTime(), fromNow.getTime());
    assert.equal(isPinned(pinned), true);
  });
});
