// The lesson's sandbox cluster through the extension's own commands, in the real extension host:
// a PostgreSQL 15 cluster that answers through the registered connection, stop/start (also when
// its port was taken meanwhile), removal that leaves no process and no folder, and the bad inputs.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import * as vscode from 'vscode';
import { activateExtension, screenshot, sleep, waitFor } from './support/host';

interface Ok {
  ok: true;
  port: number;
  dataDir: string;
  folder: string;
  major: number;
  running: boolean;
  connectionName: string;
  backupConnectionName: string;
  movedFrom?: number;
}
type Result = Ok | { ok: false; error: string };

function exec(command: string, arg?: unknown): Promise<Result> {
  return Promise.resolve(vscode.commands.executeCommand<Result>(command, arg));
}

function expectOk(r: Result): Ok {
  if (!r.ok) assert.fail(`expected success, got: ${r.error}`);
  return r;
}

function expectError(r: Result, re: RegExp): string {
  assert.equal(r.ok, false, 'the command should have failed');
  if (r.ok) throw new Error('unreachable');
  assert.match(r.error, re);
  return r.error;
}

/** True while the process runs; a zombie (ended, not yet reaped by its parent) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number {
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
  assert.ok(Number.isInteger(pid) && pid > 0, `postmaster.pid holds a pid, not ${pid}`);
  return pid;
}

async function sql<T>(port: number, user: string, database: string, text: string): Promise<T[]> {
  const client = new Client({ host: '127.0.0.1', port, user, database, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

// When the tests run as root, PostgreSQL runs as another OS user, who must be able to enter the
// folder: the host's private TMPDIR is closed to it, the system's temp folder is not.
const base = mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-sandbox-test-'));
chmodSync(base, 0o755);

describe('extension host: sandbox cluster', function () {
  this.timeout(180_000);
  const removeLeft = async (): Promise<void> => {
    await vscode.commands.executeCommand('pgBackupStudio.sandbox.remove', { confirm: true });
  };

  before(async () => {
    await activateExtension();
    await removeLeft(); // a sandbox left by an earlier, interrupted run of this host
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await removeLeft();
  });
  after(async () => {
    await removeLeft();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses a folder that is not empty and not ours, and touches nothing in it', async () => {
    const folder = path.join(base, 'users-folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    const error = expectError(await exec('pgBackupStudio.sandbox.create', { major: 15, folder, confirm: true }), /not empty/);
    assert.ok(error.includes(folder), 'the message names the folder');
    assert.deepEqual(readdirSync(folder), ['notes.txt']);
    assert.equal(readFileSync(path.join(folder, 'notes.txt'), 'utf8'), 'mine');
  });

  it('says so when the requested major is neither installed nor installable', async () => {
    expectError(await exec('pgBackupStudio.sandbox.create', { major: 9, folder: path.join(base, 'nine'), confirm: true }), /PostgreSQL 9 is neither installed nor installable/);
    assert.equal(existsSync(path.join(base, 'nine')), false, 'no folder was made');
  });

  it('creates a PostgreSQL 15 sandbox that answers through its connection, then removes it without a trace', async () => {
    const api = await activateExtension();
    const folder = path.join(base, 'sandbox');
    const made = expectOk(await exec('pgBackupStudio.sandbox.create', { major: 15, folder, confirm: true }));
    assert.equal(made.major, 15);
    assert.ok(made.dataDir.startsWith(folder + path.sep), `data directory ${made.dataDir} is inside ${folder}`);

    const conn = api.services.connections.get(made.connectionName);
    assert.ok(conn, `connection ${made.connectionName} is registered`);
    assert.equal(conn.port, made.port);
    assert.equal(conn.dataDir, made.dataDir);
    const version = await sql<{ v: string }>(conn.port, conn.user, conn.database, "SELECT current_setting('server_version_num') AS v");
    assert.match(String(version[0]?.v), /^15\d{4}$/);
    // The lesson's data: five products remain after the two wrong rows are deleted.
    const products = await sql<{ n: number }>(conn.port, conn.user, 'sales', 'SELECT count(*)::int AS n FROM products');
    assert.equal(products[0]?.n, 5);
    // The backup role logs in, but has neither REPLICATION nor EXECUTE on pg_backup_start yet.
    const backup = api.services.connections.get(made.backupConnectionName);
    assert.ok(backup, 'the backup role\'s connection is registered');
    const who = await sql<{ u: string; repl: boolean; start: boolean }>(backup.port, backup.user, backup.database,
      "SELECT current_user AS u, (SELECT rolreplication FROM pg_roles WHERE rolname = current_user) AS repl, has_function_privilege('pg_backup_start(text, boolean)', 'EXECUTE') AS start");
    assert.deepEqual(who[0], { u: 'backup_user', repl: false, start: false });
    const settings = await sql<{ wal_level: string }>(conn.port, conn.user, conn.database, 'SHOW wal_level');
    assert.equal(settings[0]?.wal_level, 'replica');

    // The lesson's settings step opens the sandbox's own files, with the lesson's lines in them.
    const opened = await vscode.commands.executeCommand<{ ok: boolean; files: string[] }>('pgBackupStudio.sandbox.openSettings');
    assert.deepEqual(opened.files, [path.join(made.dataDir, 'postgresql.conf'), path.join(made.dataDir, 'pg_hba.conf')]);
    const shown = vscode.window.visibleTextEditors.map((e) => e.document);
    const conf = shown.find((d) => d.uri.fsPath === opened.files[0]);
    const hba = shown.find((d) => d.uri.fsPath === opened.files[1]);
    assert.match(conf?.getText() ?? '', /^wal_level = 'replica'$/m);
    assert.match(hba?.getText() ?? '', /^host replication all 127\.0\.0\.1\/32 trust$/m);

    // The WAL step: a segment of the sandbox's pg_wal, in the viewer when the viewer is there.
    const wal = await vscode.commands.executeCommand<{ ok: boolean; segment?: string; error?: string }>('pgBackupStudio.sandbox.openWal');
    const segment = wal.segment ?? /segment is (\S+)\.$/.exec(wal.error ?? '')?.[1];
    assert.ok(segment, `a segment was named: ${JSON.stringify(wal)}`);
    assert.equal(path.dirname(segment), path.join(made.dataDir, 'pg_wal'));
    assert.match(path.basename(segment), /^[0-9A-F]{24}$/);
    assert.equal(readFileSync(segment).length, 16 * 1024 * 1024, 'a whole 16 MB segment');
    const dump = await waitFor('the WAL viewer to show the segment', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'pg-waldump' && /^rmgr: XLOG /m.test(e.document.getText())));
    assert.match(dump.document.getText(), /lsn: 0\/0[0-9A-F]+, prev /);

    // The grants step: the checker finds what the backup role lacks, applies it, and finds nothing more.
    type Check = { missingGrants: string[]; applied?: boolean; error?: { message: string } };
    const live = { connectionName: made.connectionName, role: 'backup_user', show: false };
    const before = await vscode.commands.executeCommand<Check>('pgBackupStudio.checkServerReadiness', live);
    assert.equal(before.error, undefined, before.error?.message);
    assert.ok(before.missingGrants.some((g) => /pg_backup_start\(text, boolean\)/.test(g)), before.missingGrants.join('\n'));
    assert.ok(before.missingGrants.some((g) => /REPLICATION/.test(g)), before.missingGrants.join('\n'));
    // Applied from the backup role's own connection, as after a refused backup: the role cannot
    // grant itself anything, so the statements go through the sandbox's superuser connection.
    const applied = await vscode.commands.executeCommand<Check>('pgBackupStudio.applyMissingGrants',
      { connectionName: made.backupConnectionName, role: 'backup_user', show: false, confirm: true });
    assert.equal(applied.error, undefined, applied.error?.message);
    assert.deepEqual(applied.missingGrants, [], 'nothing is missing after Apply');
    const granted = await sql<{ repl: boolean; start: boolean }>(backup.port, backup.user, backup.database,
      "SELECT (SELECT rolreplication FROM pg_roles WHERE rolname = current_user) AS repl, has_function_privilege('pg_backup_start(text, boolean)', 'EXECUTE') AS start");
    assert.deepEqual(granted[0], { repl: true, start: true }, 'the server itself says the role may now back up');

    // The walkthrough with the first steps done, and the sandbox in the status bar.
    await vscode.commands.executeCommand('pgBackupStudio.walkthrough.open');
    await sleep(1500);
    await screenshot('walkthrough-sandbox');

    expectError(await exec('pgBackupStudio.sandbox.create', { major: 15, folder: path.join(base, 'second'), confirm: true }), /already exists/);

    const firstPid = postmasterPid(made.dataDir);
        const stopped = expectOk(await exec('pgBackupStudio.sandbox.stop'));
    assert.equal(stopped.running, false);
    assert.equal(alive(firstPid), false, 'the postmaster is gone after Stop');

    // Someone takes the port while the sandbox is stopped: Start moves it to a free one.
    const squatter = net.createServer();
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen({ host: '127.0.0.1', port: made.port, exclusive: true }, resolve);
    });
    let restarted: Ok;
    try {
      restarted = expectOk(await exec('pgBackupStudio.sandbox.start'));
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    assert.equal(restarted.movedFrom, made.port);
    assert.notEqual(restarted.port, made.port);
    assert.equal(api.services.connections.get(made.connectionName)?.port, restarted.port, 'the connection follows the new port');
    const again = await sql<{ n: number }>(restarted.port, 'postgres', 'sales', 'SELECT count(*)::int AS n FROM products');
    assert.equal(again[0]?.n, 5);

    const pid = postmasterPid(made.dataDir);
    expectOk(await exec('pgBackupStudio.sandbox.remove', { confirm: true }));
    assert.equal(alive(pid), false, `postmaster ${pid} is gone`);
    assert.equal(existsSync(folder), false, 'the folder the sandbox made is gone');
    assert.equal(api.services.connections.get(made.connectionName), undefined, 'the connection is gone');
  });

  it('says clearly that a sandbox folder deleted by hand is gone, and forgets it on Remove', async () => {
    const folder = path.join(base, 'deleted-by-hand');
    const made = expectOk(await exec('pgBackupStudio.sandbox.create', { major: 15, folder, confirm: true }));
    expectOk(await exec('pgBackupStudio.sandbox.stop'));
    rmSync(folder, { recursive: true, force: true });

    expectError(await exec('pgBackupStudio.sandbox.start'), /is gone \(deleted outside VS Code\?\)/);
    assert.equal(existsSync(folder), false, 'Start did not recreate anything');

    expectOk(await exec('pgBackupStudio.sandbox.remove', { confirm: true }));
    expectError(await exec('pgBackupStudio.sandbox.start'), /There is no sandbox cluster/);
    assert.equal(made.major, 15);
  });

  it('keeps the user\'s files when the sandbox was made in an existing empty folder', async () => {
    const folder = path.join(base, 'existing');
    mkdirSync(folder);
    const made = expectOk(await exec('pgBackupStudio.sandbox.create', { major: 15, folder, confirm: true }));
    // The user puts a file of their own next to the sandbox.
    writeFileSync(path.join(folder, 'mine.sql'), 'SELECT 1;');
    const pid = postmasterPid(made.dataDir);
    expectOk(await exec('pgBackupStudio.sandbox.remove', { confirm: true }));
    assert.equal(alive(pid), false, `postmaster ${pid} is gone`);
    assert.deepEqual(readdirSync(folder), ['mine.sql'], 'only what the sandbox made was deleted');
  });
});
