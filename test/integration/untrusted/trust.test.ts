// A cloned repository's settings point every program setting at a script that leaves a marker.
// In an untrusted workspace no command may run it, and the marker must never appear.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, screenshot, sleep } from '../support/host';

const TIME_BOX_MS = 2500;

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the untrusted suite needs its workspace');
  return folder.uri.fsPath;
}

/** Runs a command, but never waits longer than the time box (a command may wait on a prompt). */
async function runTimeBoxed(command: string, arg: unknown): Promise<void> {
  await Promise.race([
    Promise.resolve(vscode.commands.executeCommand(command, arg)).catch(() => undefined),
    sleep(TIME_BOX_MS),
  ]);
}

describe('untrusted workspace', () => {
  const marker = (): string => path.join(workspaceDir(), 'MARKER');

  it('is really untrusted, and its settings name the marker script', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this suite must run with workspace trust on');
    const settings = readFileSync(path.join(workspaceDir(), '.vscode', 'settings.json'), 'utf8');
    assert.match(settings, /evil-probackup\.sh/);
  });

  it('ignores server connections the workspace defines (they could point a saved password elsewhere)', () => {
    const settings = readFileSync(path.join(workspaceDir(), '.vscode', 'settings.json'), 'utf8');
    assert.match(settings, /"pgBackupStudio\.connections": \[\{ "name": "planted"/);
    assert.deepEqual(vscode.workspace.getConfiguration('pgBackupStudio').get('connections'), []);
  });

  it('activates in limited mode', async () => {
    await activateExtension();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  });

  it('runs no program from the workspace settings, whatever command is invoked', async function () {
    this.timeout(300_000);
    const dir = workspaceDir();
    const catalog = path.join(dir, 'catalog');
    const segment = path.join(dir, '000000010000000000000001');
    const arg = {
      catalog, instance: 'main', backupId: 'TAK47B', mode: 'FULL', stream: true, confirm: true,
      path: segment, folder: dir, pgdata: dir, targetDir: path.join(dir, 'restore'), major: 15,
    };
    await vscode.commands.executeCommand('pgBackupStudio.catalogs.focus');
    await sleep(1500);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const commands = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    for (const command of commands) await runTimeBoxed(command, arg);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await sleep(1000);
    await screenshot('untrusted-workspace');
    assert.equal(existsSync(marker()), false, existsSync(marker()) ? readFileSync(marker(), 'utf8') : '');
  });
});
