// The lesson walkthrough in the real extension host: the manifest's steps and their media, the
// walkthrough page itself (screenshot), and the step marks other features report through.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID, screenshot, sleep, waitFor } from './support/host';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
  when?: string;
}

describe('extension host: lesson walkthrough', () => {
  const ext = (): vscode.Extension<unknown> => {
    const e = vscode.extensions.getExtension(EXTENSION_ID);
    if (!e) throw new Error(`${EXTENSION_ID} is not installed`);
    return e;
  };

  it('gives every step its media, a button and a completion event', () => {
    const walkthroughs = ext().packageJSON.contributes.walkthroughs as Array<{ id: string; steps: Step[] }>;
    const lesson = walkthroughs.find((w) => w.id === 'pgBackupStudio.lesson07');
    assert.ok(lesson, 'the lesson walkthrough is contributed');
    // The lesson's stages, in its order (sections 3 to 14, and 4a-4b for the WAL).
    assert.deepEqual(lesson.steps.map((s) => s.id),
      ['sandbox', 'settings', 'noProbackup', 'catalog', 'instance', 'backupDenied', 'grants', 'backupOk', 'validate', 'wal']);
    for (const step of lesson.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(ext().extensionPath, media)), `media of ${step.id} exists: ${media}`);
      assert.ok(step.completionEvents && step.completionEvents.length > 0, `${step.id} has a completion event`);
    }
    // A step done by running pg_probackup ticks on what the run achieved (a context key set on
    // success), never merely because its command was invoked: the command can fail.
    const probackupCommands = ['initCatalog', 'addInstance', 'backup', 'validate'].map((c) => `onCommand:pgBackupStudio.${c}`);
    for (const step of lesson.steps) {
      const byCommand = (step.completionEvents ?? []).filter((e) => probackupCommands.includes(e));
      assert.deepEqual(byCommand, [], `${step.id} is not completed by merely invoking a pg_probackup command`);
    }
  });

  it('links every step to a registered command, with arguments that parse', async () => {
    await activateExtension();
    const nls = JSON.parse(readFileSync(path.join(ext().extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const registered = new Set(await vscode.commands.getCommands(true));
    const links = Object.entries(nls).filter(([k]) => k.startsWith('walkthrough.step.'))
      .flatMap(([, text]) => [...text.matchAll(/\(command:([\w.]+)(?:\?([^)\s]+))?\)/g)]);
    assert.ok(links.length >= 10, `${links.length} links`);
    for (const [, command, args] of links) {
      assert.ok(registered.has(command ?? ''), `${command} is registered`);
      if (args !== undefined) assert.doesNotThrow(() => JSON.parse(decodeURIComponent(args)), `${command} arguments: ${args}`);
    }
    // The lesson's backups run as the backup role, so the first one fails for lack of grants as the lesson says.
    const backups = links.filter(([, c]) => c === 'pgBackupStudio.backup');
    assert.equal(backups.length, 2);
    for (const [, , args] of backups) assert.equal((JSON.parse(decodeURIComponent(args ?? '{}')) as { connectionName?: string }).connectionName, 'sandbox backup_user');
  });

  it('marks a step another feature reports, and rejects an unknown one', async () => {
    await activateExtension();
    const bad = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('pgBackupStudio.walkthrough.markStep', { step: 'nope' });
    assert.equal(bad.ok, false);
    assert.match(bad.error ?? '', /unknown step nope/);
    const good = await vscode.commands.executeCommand<{ ok: boolean; done: string[] }>('pgBackupStudio.walkthrough.markStep', { step: 'backupDenied' });
    assert.equal(good.ok, true);
    assert.ok(good.done.includes('backupDenied'));
  });

  it('opens on the walkthrough page', async () => {
    await activateExtension();
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#pgBackupStudio.lesson07`, false);
    const tab = await waitFor('the walkthrough tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /welcome|walkthrough|lesson/i.test(t.label)));
    assert.ok(tab.isActive, `the walkthrough tab "${tab.label}" is active`);
    await sleep(1500); // let the page render its steps and media
    await screenshot('walkthrough');
  });
});
