// The catalog commands in the extension host against the real pg_probackup (PG_PROBACKUP, passed
// through by the driver) and a real PostgreSQL 15 cluster: each command is run with its argument
// object, and what it returns and what the tree shows are checked against the catalog on disk.
import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Cluster } from '../../src/core/postgres/cluster';
import { findFreePort } from '../../src/core/postgres/freePort';
import { programPath } from '../../src/core/postgres/installations';
import { LESSON_BACKUP_ROLE, lessonClusterOptions, prepareLessonDatabase } from '../../src/core/postgres/lessonSandbox';
import { functionSignature, requiredFunctions } from '../../src/core/postgres/privileges';
import { setBackupCommand } from '../../src/core/probackup/catalogCommands';
import { run, runInvocation } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';
import { activateExtension, sleep, waitFor } from './support/host';

const binary = process.env['PG_PROBACKUP'];
type Node = { kind: string; id: string };
type Result = { ok: boolean; code?: string; message?: string } & Record<string, unknown>;
const exec = (cmd: string, arg?: unknown): Thenable<Result> => vscode.commands.executeCommand<Result>(`pgBackupStudio.${cmd}`, arg);
const children = (n?: Node): Thenable<Node[]> => vscode.commands.executeCommand<Node[]>('pgBackupStudio.catalogs.getChildren', n);
const item = (n: Node): Thenable<vscode.TreeItem> => vscode.commands.executeCommand<vscode.TreeItem>('pgBackupStudio.catalogs.getTreeItem', n);

describe('catalogs: commands with the real pg_probackup', function () {
  this.timeout(300_000);
  // The host's own temp folder is private to us; the cluster's OS user needs one it can traverse.
  const base = binary ? mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-live-')) : undefined;
  if (base) chmodSync(base, 0o755);
  const handle = binary && base ? useCluster(15, { ...lessonClusterOptions, baseDir: base }) : undefined;
  let cluster: Cluster;
  let work: string;
  let catalog: string;
  let osUser: string;
  const instance = 'main';
  const backupUser = (): Record<string, unknown> => ({ host: cluster.host, port: cluster.port, user: LESSON_BACKUP_ROLE, database: 'postgres' });

  before(async function () {
    if (!binary || !handle) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    await activateExtension();
    cluster = handle.cluster;
    await prepareLessonDatabase(cluster);
    await cluster.query(`ALTER ROLE ${LESSON_BACKUP_ROLE} WITH REPLICATION`);
    for (const f of requiredFunctions(15)) await cluster.query(`GRANT EXECUTE ON FUNCTION ${functionSignature(f)} TO ${LESSON_BACKUP_ROLE}`);
    await cluster.query('CREATE TABLE filler AS SELECT g AS id, repeat(md5(g::text), 8) AS pad FROM generate_series(1, 300000) g');
    osUser = cluster.osUser.name;
    work = mkdtempSync(path.join(base!, 'work-'));
    chownSync(work, cluster.osUser.uid, cluster.osUser.gid);
    catalog = path.join(work, 'catalog');
    const set = await exec('setProbackupPath', { path: binary });
    assert.equal(set.ok, true);
  });

  after(async () => {
    if (catalog) await exec('removeCatalog', { catalog });
    await vscode.workspace.getConfiguration('pgBackupStudio').update('probackup.path', undefined, vscode.ConfigurationTarget.Global);
    if (work) rmSync(work, { recursive: true, force: true });
  });
  // After useCluster's own after hook has removed the cluster from it.
  after(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  const backupNodes = async (): Promise<Map<string, string>> => {
    const cat = (await children()).find((n) => n.id === `catalog:${catalog}`);
    assert.ok(cat, 'the catalog is in the tree');
    const inst = (await children(cat)).find((n) => n.kind === 'instance');
    const out = new Map<string, string>();
    const walk = async (n: Node): Promise<void> => {
      for (const k of await children(n)) {
        if (k.kind !== 'backup') continue;
        const it = await item(k);
        out.set(String(it.label).split(' ')[0]!, String(it.contextValue));
        await walk(k);
      }
    };
    if (inst) await walk(inst);
    return out;
  };

  it('initCatalog creates the catalog and adds it to the setting and the tree', async () => {
    const r = await exec('initCatalog', { catalog, osUser });
    assert.equal(r.ok, true, r.message);
    assert.ok(existsSync(path.join(catalog, 'backups')) && existsSync(path.join(catalog, 'wal')));
    assert.ok(vscode.workspace.getConfiguration('pgBackupStudio').get<string[]>('catalogs')!.includes(catalog));
    const again = await exec('initCatalog', { catalog, osUser });
    assert.deepEqual([again.ok, again.code], [false, 'catalog-already-initialized']);
  });

  it('addInstance finds PGDATA with SHOW data_directory on the connection', async () => {
    const r = await exec('addInstance', { catalog, instance, connection: { host: cluster.host, port: cluster.port, user: cluster.superuser, database: 'postgres' }, osUser });
    assert.equal(r.ok, true, r.message);
    assert.equal(r['pgdata'], cluster.dataDir);
    const cfg = await exec('showConfig', { catalog, instance });
    assert.equal((cfg['config'] as Record<string, string>)['pgdata'], cluster.dataDir);
  });

  let fullId = '';
  it('backup returns the new backup\'s ID and status, and the tree shows it', async () => {
    const r = await exec('backup', { catalog, instance, mode: 'FULL', stream: true, threads: 2, connection: backupUser(), osUser });
    assert.equal(r.ok, true, r.message);
    assert.equal(r['status'], 'OK');
    fullId = String(r['backupId']);
    assert.match(String(r['commandLine']), /-b FULL --stream -j 2 --progress/);
    const shown = await waitFor('the backup in the tree', async () => (await backupNodes()).get(fullId));
    assert.equal(shown, 'backup.OK');
  });

  it('never writes the password into the Output channel, only PGPASSWORD=***', async () => {
    const secret = `Out-${process.pid}-put`;
    await cluster.query(`ALTER ROLE ${LESSON_BACKUP_ROLE} PASSWORD '${secret}'`);
    const r = await exec('backup', { catalog, instance, mode: 'DELTA', stream: true, connection: backupUser(), osUser, password: secret });
    assert.equal(r.ok, true, r.message);
    // The channel's file, as the host wrote it: somewhere in this window's extension-host logs.
    const api = await activateExtension();
    const roots = [path.dirname(path.dirname(api.logUri.fsPath))];
    const files: string[] = [];
    while (roots.length > 0) {
      const dir = roots.pop() ?? '';
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) roots.push(path.join(dir, e.name));
        else if (e.name.includes('PostgreSQL Backup Studio')) files.push(path.join(dir, e.name));
      }
    }
    assert.equal(files.length, 1, `one log file of the channel: ${files.join(', ')}`);
    const text = await waitFor('the backup command line in the channel', () => {
      const t = readFileSync(files[0] ?? '', 'utf8');
      return t.includes(String(r['backupId'])) || t.split('\n').some((l) => l.includes('PGPASSWORD=***') && l.includes('-b DELTA')) ? t : undefined;
    });
    assert.ok(text.split('\n').some((l) => l.includes('PGPASSWORD=***') && l.includes('-b DELTA')), 'the command line is logged, its password masked');
    assert.ok(!text.includes(secret), 'the password itself is nowhere in the channel');
    await cluster.query(`ALTER ROLE ${LESSON_BACKUP_ROLE} PASSWORD NULL`);
  });

  it('validate and setBackup take their argument objects', async () => {
    const v = await exec('validate', { catalog, instance, backupId: fullId });
    assert.equal(v.ok, true, v.message);
    assert.deepEqual((v['backups'] as { backupId: string; result: string }[]).map((b) => [b.backupId, b.result]), [[fullId, 'valid']]);
    const pin = await exec('setBackup', { catalog, instance, backupId: fullId, ttl: '1d', note: 'kept', osUser });
    assert.equal(pin.ok, true, pin.message);
    assert.ok(typeof pin['pinnedUntil'] === 'string' && Date.parse(pin['pinnedUntil']) > Date.now());
  });

  it('refreshes the tree by itself when pg_probackup changes a backup.control outside the extension', async () => {
    const tooltipOf = async (): Promise<string> => {
      const cat = (await children()).find((n) => n.id === `catalog:${catalog}`)!;
      const inst = (await children(cat)).find((n) => n.kind === 'instance')!;
      const b = (await children(inst)).find((n) => n.kind === 'backup' && n.id.endsWith(`/${fullId}`))!;
      const t = (await item(b)).tooltip;
      return typeof t === 'string' ? t : t?.value ?? '';
    };
    assert.doesNotMatch(await tooltipOf(), /changed outside/);
    // The same program, run as a user would in a shell: only the watcher can tell the tree.
    await runInvocation(setBackupCommand({ binary: binary!, catalog, instance, backupId: fullId, note: 'changed outside' }), cluster.runAs);
    await waitFor('the tree to show the new note', async () => (/changed outside/.test(await tooltipOf()) ? true : undefined), 15_000);
  });

  it('setConfig, deleteExpired (dry-run preview first) and checkdb take their argument objects', async () => {
    const set = await exec('setConfig', { catalog, instance, values: { 'retention-redundancy': 1 }, osUser });
    assert.equal(set.ok, true, set.message);
    const cfg = await exec('showConfig', { catalog, instance });
    assert.equal((cfg['config'] as Record<string, string>)['retention-redundancy'], '1');
    const expired = await exec('deleteExpired', { catalog, instance, confirm: true, osUser });
    assert.equal(expired.ok, true, expired.message);
    assert.deepEqual(expired['preview'], [], 'one FULL backup and redundancy 1: nothing is expired');
    const check = await exec('checkdb', { catalog, instance, amcheck: false, connection: { host: cluster.host, port: cluster.port, user: cluster.superuser, database: 'postgres' }, osUser });
    assert.equal(check.ok, true, check.message);
  });

  it('a DELTA merges into its FULL', async () => {
    await cluster.query("UPDATE filler SET pad = 'x' WHERE id % 50 = 0");
    const delta = await exec('backup', { catalog, instance, mode: 'DELTA', stream: true, connection: backupUser(), osUser });
    assert.equal(delta.ok, true, delta.message);
    const m = await exec('merge', { catalog, instance, backupId: delta['backupId'], confirm: true, osUser });
    assert.equal(m.ok, true, m.message);
    // pg_probackup merges the DELTA into the FULL, which takes the DELTA's ID (the FULL's ID is gone).
    const ids = await waitFor('the merged chain in the tree', async () => {
      const nodes = await backupNodes();
      return nodes.has(fullId) ? undefined : nodes;
    });
    assert.equal(ids.get(String(delta['backupId'])), 'backup.OK');
    fullId = String(delta['backupId']);
  });

  let cancelledId = '';
  it('refuses a second operation on the instance while one runs, and a cancelled backup ends ERROR', async () => {
    const ac = new AbortController();
    const running = exec('backup', { catalog, instance, mode: 'FULL', stream: true, connection: backupUser(), osUser, signal: ac.signal });
    await sleep(300);
    const busy = await exec('validate', { catalog, instance });
    assert.deepEqual([busy.ok, busy.code], [false, 'busy']);
    await sleep(1200);
    ac.abort();
    const r = await running;
    assert.deepEqual([r.ok, r.code, r['status']], [false, 'interrupted', 'ERROR'], r.message);
    cancelledId = String(r['backupId']);
    assert.match(cancelledId, /^[0-9A-Z]+$/);
    const shown = await waitFor('the cancelled backup in the tree', async () => (await backupNodes()).get(cancelledId));
    assert.equal(shown, 'backup.ERROR');
  });

  it('restore runs the pre-flight: a running cluster and an older copy are refused or need -I', async () => {
    const running = await exec('restore', { catalog, instance, targetDir: cluster.dataDir, confirm: true, osUser });
    assert.deepEqual([running.ok, running.code], [false, 'restore-target-running']);
    const target = path.join(work, 'restored');
    const r = await exec('restore', { catalog, instance, backupId: fullId, targetDir: target, confirm: true, osUser });
    assert.equal(r.ok, true, r.message);
    assert.ok(existsSync(path.join(target, 'PG_VERSION')));
    // The restored copy starts; once stopped cleanly it is an older copy of the same instance.
    const pgCtl = programPath(cluster.installation, 'pg_ctl');
    const opts = { ...cluster.runAs, env: { ...cluster.installation.env } };
    const port = await findFreePort();
    const start = await run(pgCtl, ['start', '-D', target, '-w', '-t', '120', '-l', path.join(work, 'restored.log'), '-o', `-p ${port} -k ${work} -c listen_addresses=127.0.0.1`], opts);
    assert.equal(start.exitCode, 0, start.stderr);
    const stop = await run(pgCtl, ['stop', '-D', target, '-m', 'fast', '-w'], opts);
    assert.equal(stop.exitCode, 0, stop.stderr);
    const again = await exec('restore', { catalog, instance, backupId: fullId, targetDir: target, confirm: true, osUser });
    assert.deepEqual([again.ok, again.code], [false, 'restore-target-not-empty']);
    assert.match(String(again.message), /older copy of instance main/);
    const incremental = await exec('restore', { catalog, instance, backupId: fullId, targetDir: target, incremental: 'checksum', confirm: true, osUser });
    assert.equal(incremental.ok, true, incremental.message);
    assert.equal(incremental['incremental'], 'checksum');
    assert.match(String(incremental['commandLine']), / -I checksum/);
  });

  it('deleteBackup previews with --dry-run, then deletes; delInstance removes the instance', async () => {
    // Without an explicit confirmation (the modal is not answered), nothing is deleted.
    const unconfirmed = await exec('deleteBackup', { catalog, instance, backupId: cancelledId, osUser });
    assert.equal(unconfirmed.ok, false);
    assert.ok(existsSync(path.join(catalog, 'backups', instance, cancelledId, 'backup.control')), 'the backup is still there');
    const keptInstance = await exec('delInstance', { catalog, instance, osUser });
    assert.equal(keptInstance.ok, false);
    assert.ok(existsSync(path.join(catalog, 'backups', instance)), 'the instance is still there');
    const d = await exec('deleteBackup', { catalog, instance, backupId: cancelledId, confirm: true, osUser });
    assert.equal(d.ok, true, d.message);
    assert.deepEqual(d['preview'], [cancelledId]);
    await waitFor('the deleted backup to leave the tree', async () => ((await backupNodes()).has(cancelledId) ? undefined : true));
    const del = await exec('delInstance', { catalog, instance, confirm: true, osUser });
    assert.equal(del.ok, true, del.message);
    assert.ok(!existsSync(path.join(catalog, 'backups', instance)));
  });
});
