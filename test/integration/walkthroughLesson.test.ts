// The whole lesson through the extension's commands, with a real pg_probackup (PG_PROBACKUP names
// it; skipped otherwise): sandbox, catalog, instance, a FULL STREAM backup as backup_user that the
// server refuses, the grants, the same backup succeeding, validate. The walkthrough's own progress
// (read back through markStep) must follow each stage.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import * as vscode from 'vscode';
import { activateExtension, screenshot, sleep, waitFor } from './support/host';
import { skipBecause } from '../support/skip';

type Result = { ok: true; [k: string]: unknown } | { ok: false; code?: string; message?: string; error?: string };

async function exec(command: string, arg?: unknown): Promise<Result> {
  return (await vscode.commands.executeCommand<Result>(command, arg)) ?? { ok: false, error: `${command} returned nothing` };
}

function expectOk(what: string, r: Result): Extract<Result, { ok: true }> {
  if (!r.ok) assert.fail(`${what} failed: ${JSON.stringify(r)}`);
  return r;
}

/** The steps the walkthrough counts as done (an unknown step changes nothing and lists them). */
async function doneSteps(): Promise<string[]> {
  const r = await vscode.commands.executeCommand<{ done: string[] }>('pgBackupStudio.walkthrough.markStep', { step: '?' });
  return r.done;
}

// The privileges of section 9 of the lesson, for PostgreSQL 15.
const GRANTS = [
  'ALTER ROLE backup_user WITH REPLICATION',
  ...['current_setting(text)', 'set_config(text, text, boolean)', 'pg_is_in_recovery()', 'pg_backup_start(text, boolean)',
    'pg_backup_stop(boolean)', 'pg_switch_wal()', 'pg_create_restore_point(text)', 'pg_last_wal_replay_lsn()', 'txid_current()',
    'txid_current_snapshot()', 'txid_snapshot_xmax(txid_snapshot)', 'pg_control_checkpoint()']
    .map((f) => `GRANT EXECUTE ON FUNCTION pg_catalog.${f} TO backup_user`),
];

describe('extension host: the lesson walkthrough with pg_probackup', function () {
  this.timeout(300_000);
  const probackup = process.env['PG_PROBACKUP'];
  let base = '';

  before(async function () {
    if (!probackup) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    await activateExtension();
    await vscode.workspace.getConfiguration('pgBackupStudio').update('probackup.path', probackup, vscode.ConfigurationTarget.Global);
    base = mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-lesson-test-'));
    chmodSync(base, 0o755);
  });
  after(async () => {
    if (!probackup) return;
    await vscode.commands.executeCommand('pgBackupStudio.sandbox.remove', { confirm: true });
    await vscode.workspace.getConfiguration('pgBackupStudio').update('probackup.path', undefined, vscode.ConfigurationTarget.Global);
    rmSync(base, { recursive: true, force: true });
  });

  it('ends with a validated FULL STREAM backup, and the walkthrough follows every stage', async () => {
    const sandbox = expectOk('create', await exec('pgBackupStudio.sandbox.create', { major: 15, folder: path.join(base, 'sandbox'), confirm: true }));
    const port = sandbox['port'] as number;
    await waitFor('the sandbox step', async () => (await doneSteps()).includes('sandbox') || undefined);

    // As a student would: a new folder, no OS user named. As root, the catalog goes to the
    // sandbox's OS user, who runs pg_probackup for it (add-instance and backup below run as it).
    const catalog = path.join(base, 'catalog');
    expectOk('initCatalog', await exec('pgBackupStudio.initCatalog', { catalog }));
    expectOk('addInstance', await exec('pgBackupStudio.addInstance', { catalog, instance: 'main', connectionName: 'sandbox' }));
    await waitFor('the catalog and instance steps', async () => {
      const done = await doneSteps();
      return (done.includes('catalog') && done.includes('instance')) || undefined;
    }, 20_000);

    const backupArgs = { catalog, instance: 'main', connectionName: 'sandbox backup_user', mode: 'FULL', stream: true };
    const refused = await exec('pgBackupStudio.backup', backupArgs);
    assert.equal(refused.ok, false, 'the first backup as backup_user is refused');
    assert.match(JSON.stringify(refused), /permission denied for function pg_backup_start/);
    await waitFor('the refused-backup step', async () => (await doneSteps()).includes('backupDenied') || undefined, 20_000);

    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      for (const g of GRANTS) await client.query(g);
    } finally {
      await client.end();
    }
    await waitFor('the grants step', async () => (await doneSteps()).includes('grants') || undefined, 20_000);

    const made = expectOk('second backup', await exec('pgBackupStudio.backup', backupArgs));
    assert.equal(made['status'], 'OK');
    assert.equal(made['mode'], 'FULL');
    assert.equal(made['walMode'], 'STREAM');
    await waitFor('the successful-backup step', async () => (await doneSteps()).includes('backupOk') || undefined, 20_000);

    expectOk('validate', await exec('pgBackupStudio.validate', { catalog, instance: 'main', backupId: made['backupId'] }));

    await vscode.commands.executeCommand('pgBackupStudio.walkthrough.open');
    await sleep(1500);
    await screenshot('walkthrough-lesson-done');
  });
});
