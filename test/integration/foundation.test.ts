import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, screenshot, sleep, waitFor } from './support/host';

describe('extension host: foundation', () => {
  it('activates and exposes its services', async () => {
    const api = await activateExtension();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension is active');
    assert.equal(typeof api.services.settings.catalogs, 'function');
  });

  it('registers every command the manifest contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'contributed commands without a handler');
  });

  it('shows the Backups view with its catalog tree', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('pgBackupStudio.catalogs.focus');
    await waitFor('the catalog view to become visible', () => api.catalogView.visible || undefined);
    await sleep(1000); // let the welcome content render before the picture

    await screenshot('backups-view');
  });
});
