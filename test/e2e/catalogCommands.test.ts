// The lesson, end to end, with the real pg_probackup (PG_PROBACKUP) on a real PostgreSQL 15
// cluster, through the same functions the catalog commands call outside their vscode shell:
// the core builders, backupOptionsFrom (the wizard's choices → argv), readCatalog (what the
// tree shows), the missing-GRANTs advice, and the restore pre-flight.
import * as assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cluster } from '../../src/core/postgres/cluster';
import { findFreePort } from '../../src/core/postgres/freePort';
import { programPath } from '../../src/core/postgres/installations';
import { LESSON_BACKUP_ROLE, LESSON_DATABASE, lessonClusterOptions, prepareLessonDatabase } from '../../src/core/postgres/lessonSandbox';
import { addInstanceCommand, initCommand, showConfigCommand } from '../../src/core/probackup/catalogCommands';
import { walkNodes } from '../../src/core/probackup/catalogModel';
import type { InstanceModel } from '../../src/core/probackup/catalogModel';
import { backupCommand, restoreCommand, validateCommand } from '../../src/core/probackup/dataCommands';
import { versionCommand } from '../../src/core/probackup/discovery';
import { failure } from '../support/probackupFailure';
import { createProgressTracker } from '../../src/core/probackup/progress';
import { run, runInvocation } from '../../src/core/process/runner';
import type { RunOptions } from '../../src/core/process/runner';
import { backupOptionsFrom } from '../../src/core/probackup/backupPlan';
import type { ServerTarget } from '../../src/core/probackup/backupPlan';
import { catalogLayoutProblem, readCatalog } from '../../src/core/probackup/catalogReader';
import { commandLine } from '../../src/core/probackup/format';
import { grantStatements, missingGrantsScript } from '../../src/core/probackup/grantAdvice';
import { restorePreflight } from '../../src/core/probackup/restorePreflight';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

const binary = process.env['PG_PROBACKUP'];
const INSTANCE = 'main';

describe('catalog commands: the STREAM lesson with the real pg_probackup (e2e)', function () {
  this.timeout(300_000);
  const handle = binary ? useCluster(15, { ...lessonClusterOptions, initdbArgs: ['--data-checksums'] }) : undefined;
  let cluster: Cluster;
  let work: string;
  let catalog: string;
  let as: RunOptions;

  before(async function () {
    if (!binary || !handle) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    const v = await runInvocation(versionCommand(binary));
    if (v.server.major !== 15) skipBecause(this, `PG_PROBACKUP is built for PostgreSQL ${v.server.major}, this lesson runs on 15`);
    cluster = handle.cluster;
    await prepareLessonDatabase(cluster);
    // Some data, so that a backup runs long enough to be cancelled mid-copy.
    await cluster.query("CREATE TABLE filler AS SELECT g AS id, repeat(md5(g::text), 8) AS pad FROM generate_series(1, 300000) g");
    // pg_probackup reads PGDATA, so it runs as the cluster's OS user, who must own the catalog.
    as = { ...cluster.runAs };
    work = mkdtempSync(path.join(os.tmpdir(), 'pgbs-lesson-'));
    chownSync(work, cluster.osUser.uid, cluster.osUser.gid);
    catalog = path.join(work, 'backup catalog'); // a space, as users' folders have
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const server = (user: string): ServerTarget => ({ host: cluster.host, port: cluster.port, user, database: 'postgres' });
  const model = async (): Promise<InstanceModel> => {
    const r = await readCatalog(catalog, binary!, as);
    assert.equal(r.kind, 'ok', r.kind === 'error' ? r.message : '');
    const m = r.kind === 'ok' ? r.model.instances.find((i) => i.instance === INSTANCE) : undefined;
    assert.ok(m, 'the instance is in the catalog');
    return m;
  };

  it('init makes a catalog the tree accepts, and add-instance registers the cluster', async () => {
    assert.equal(catalogLayoutProblem(catalog)?.code, 'missing');
    await runInvocation(initCommand({ binary: binary!, catalog }), as);
    assert.equal(catalogLayoutProblem(catalog), undefined, 'backups/ and wal/ exist');
    await runInvocation(addInstanceCommand({ binary: binary!, catalog, instance: INSTANCE, pgdata: cluster.dataDir }), as);
    const m = await model();
    assert.equal(m.byId.size, 0);
  });

  it('a FULL STREAM backup as the LOGIN-only backup_user fails with the permission code, and the tree shows it ERROR', async () => {
    const inv = backupCommand(backupOptionsFrom({ binary: binary!, catalog, instance: INSTANCE, choices: { mode: 'FULL', stream: true, server: server(LESSON_BACKUP_ROLE) } }));
    assert.match(commandLine(inv), /backup -B '.*backup catalog' --instance=main -b FULL --stream --progress --pghost=127\.0\.0\.1 /);
    const e = await failure(runInvocation(inv, as));
    assert.equal(e.code, 'permission-denied-function');
    assert.match(e.message, /permission denied for function pg_backup_start/);
    const advice = missingGrantsScript(e, LESSON_BACKUP_ROLE, 15);
    assert.match(advice, /GRANT EXECUTE ON FUNCTION pg_catalog\.pg_backup_start\(text, boolean\) TO backup_user;/);
    const m = await model();
    assert.deepEqual([...m.byId.values()].map((b) => b.status), ['ERROR']);
    assert.equal(m.window, undefined, 'nothing is restorable yet');
  });

  it('after the grants the same backup succeeds, with a monotonic progress bar, and the tree shows it OK', async () => {
    for (const sql of grantStatements(LESSON_BACKUP_ROLE, 15)) await cluster.query(sql);
    const tracker = createProgressTracker('backup');
    const fractions: number[] = [];
    const out = await runInvocation(
      backupCommand(backupOptionsFrom({ binary: binary!, catalog, instance: INSTANCE, choices: { mode: 'FULL', stream: true, compressAlgorithm: 'zlib', compressLevel: 1, threads: 2, server: server(LESSON_BACKUP_ROLE) } })),
      { ...as, onStderrLine: (l) => { const s = tracker.push(l); if (s) fractions.push(s.fraction); } },
    );
    assert.ok(fractions.length > 10, `${fractions.length} progress updates`);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, 'never goes back');
    const m = await model();
    const b = m.byId.get(out.backupId);
    assert.equal(b?.status, 'OK');
    assert.equal(b?.compressAlg, 'zlib');
    assert.equal(m.window?.from.backupId, out.backupId, 'the window opens at this backup');
  });

  it('validate checks the OK backup and reports the failed one as not valid', async () => {
    const m = await model();
    const ok = [...m.byId.values()].find((b) => b.status === 'OK')!;
    const one = await runInvocation(validateCommand({ binary: binary!, catalog, instance: INSTANCE, backupId: ok.id }), as);
    assert.deepEqual(one.backups.map((v) => [v.backupId, v.result]), [[ok.id, 'valid']]);
    const all = await failure(runInvocation(validateCommand({ binary: binary!, catalog, instance: INSTANCE }), as));
    assert.equal(all.code, 'backups-not-valid', 'the ERROR backup makes the instance not valid');
  });

  it('a DELTA nests under its FULL in the tree', async () => {
    await cluster.query(`UPDATE filler SET pad = 'changed' WHERE id % 100 = 0`);
    const out = await runInvocation(backupCommand(backupOptionsFrom({ binary: binary!, catalog, instance: INSTANCE, choices: { mode: 'DELTA', stream: true, note: 'after the update', server: server(LESSON_BACKUP_ROLE) } })), as);
    const m = await model();
    const delta = [...walkNodes(m.chains)].find((n) => n.backup.id === out.backupId);
    assert.equal(delta?.depth, 1);
    assert.equal(m.byId.get(delta!.backup.parentBackupId!)?.mode, 'FULL');
    assert.equal(delta?.backup.note, 'after the update');
    assert.equal(m.window?.ranges.length, 2);
  });

  it('cancelling a running backup (SIGINT) ends it, and pg_probackup marks it ERROR', async () => {
    const before = new Set((await model()).byId.keys());
    const ac = new AbortController();
    let sawProgress = false;
    const e = await failure(runInvocation(
      backupCommand(backupOptionsFrom({ binary: binary!, catalog, instance: INSTANCE, choices: { mode: 'FULL', stream: true, server: server(LESSON_BACKUP_ROLE) } })),
      { ...as, signal: ac.signal, onStderrLine: (l) => { if (!sawProgress && /Progress: \(\d+\/\d+\)/.test(l)) { sawProgress = true; ac.abort(); } } },
    ));
    assert.ok(sawProgress, 'cancelled while copying files');
    assert.equal(e.code, 'interrupted');
    const m = await model();
    const fresh = [...m.byId.values()].filter((b) => !before.has(b.id));
    assert.deepEqual(fresh.map((b) => b.status), ['ERROR']);
  });

  it('the restore pre-flight refuses the running cluster, restore goes into a new folder that then starts, and finds the copy again', async () => {
    const cfg = await runInvocation(showConfigCommand({ binary: binary!, catalog, instance: INSTANCE }), as);
    assert.equal(restorePreflight(cluster.dataDir, cfg.systemIdentifier).kind, 'running');
    const target = path.join(work, 'restored');
    assert.equal(restorePreflight(target, cfg.systemIdentifier).kind, 'empty');
    const out = await runInvocation(restoreCommand({ binary: binary!, catalog, instance: INSTANCE, pgdata: target, progress: true }), as);
    const m = await model();
    const latestOk = [...m.byId.values()].filter((b) => b.status === 'OK').sort((a, b) => b.startTime.getTime() - a.startTime.getTime())[0];
    assert.equal(out.backupId, latestOk?.id, 'the latest OK backup (the DELTA) is restored');
    const again = restorePreflight(target, cfg.systemIdentifier);
    assert.deepEqual(again, { kind: 'same-instance', systemIdentifier: cfg.systemIdentifier }, 'an older copy of the same instance: incremental restore is offered');

    const port = await findFreePort();
    const pgCtl = programPath(cluster.installation, 'pg_ctl');
    const env = { ...cluster.installation.env };
    const start = await run(pgCtl, ['start', '-D', target, '-w', '-t', '120', '-l', path.join(work, 'restored.log'), '-o', `-p ${port} -k ${work} -c listen_addresses=127.0.0.1`], { ...as, env });
    assert.equal(start.exitCode, 0, start.stderr);
    try {
      const pg = await import('pg');
      const count = async (database: string, sql: string): Promise<number | undefined> => {
        const client = new pg.Client({ host: '127.0.0.1', port, user: cluster.superuser, database });
        await client.connect();
        try {
          return (await client.query<{ n: number }>(sql)).rows[0]?.n;
        } finally {
          await client.end();
        }
      };
      assert.equal(await count(LESSON_DATABASE, 'SELECT count(*)::int AS n FROM products'), 5, "the lesson's products");
      assert.equal(await count('postgres', "SELECT count(*)::int AS n FROM filler WHERE pad = 'changed'"), 3000, 'the update the DELTA captured');
    } finally {
      await run(pgCtl, ['stop', '-D', target, '-m', 'fast', '-w'], { ...as, env });
    }
  });

  it('a catalog in a folder named with spaces and both quotes: init, add-instance, backup, the tree, and the copied command line', async () => {
    const odd = path.join(work, `it's a "catalog"`);
    await runInvocation(initCommand({ binary: binary!, catalog: odd }), as);
    assert.equal(catalogLayoutProblem(odd), undefined, 'backups/ and wal/ exist under the odd name');
    await runInvocation(addInstanceCommand({ binary: binary!, catalog: odd, instance: INSTANCE, pgdata: cluster.dataDir }), as);
    const inv = backupCommand(backupOptionsFrom({ binary: binary!, catalog: odd, instance: INSTANCE, choices: { mode: 'FULL', stream: true, server: server(LESSON_BACKUP_ROLE) } }));
    const out = await runInvocation(inv, as);
    const r = await readCatalog(odd, binary!, as);
    assert.ok(r.kind === 'ok', r.kind === 'error' ? r.message : '');
    const m = r.model.instances.find((i) => i.instance === INSTANCE);
    assert.equal(m?.byId.get(out.backupId)?.status, 'OK');
    // The command line the extension shows and copies, pasted into a shell, names the same catalog.
    const show = commandLine(showConfigCommand({ binary: binary!, catalog: odd, instance: INSTANCE }));
    const pasted = await run('bash', ['-c', show], as);
    assert.equal(pasted.exitCode, 0, pasted.stderr);
    assert.equal((JSON.parse(pasted.stdout) as Record<string, string>)['pgdata'], cluster.dataDir);
    const listed = await run('bash', ['-c', commandLine({ file: 'ls', args: [path.join(odd, 'backups', INSTANCE)] })], as);
    assert.deepEqual(listed.stdout.trim().split('\n').sort(), [out.backupId, 'pg_probackup.conf'].sort(), 'the backup went into the odd-named catalog');
  });
});
