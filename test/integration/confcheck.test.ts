// The readiness checker in a real extension host, on the sample postgresql.conf and pg_hba.conf
// of the test workspace (the e2e suite shows PostgreSQL accepts that pg_hba.conf): language ids,
// diagnostics, the quick fixes that remove them, and the hover on a parameter. Expectations
// come from the sample files' text, from the lesson's pg_hba.conf line and from the postgres
// binary itself (`--describe-config`), not from the checker.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { programPath } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { installationFor } from '../support/clusters';
import { activateExtension, screenshot, waitFor } from './support/host';

function sample(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, 'confcheck', name));
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const withCode = (uri: vscode.Uri, code: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code);

async function quickFix(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value, 10);
  const describe = actions.map((a) => `${a.title} [edit: ${a.edit !== undefined}, kind: ${a.kind?.value ?? '?'}, diagnostics: ${(a.diagnostics ?? []).map(codeOf).join(',')}]`).join(' | ');
  const fix = actions.find((a) => a.edit !== undefined && a.kind?.value === vscode.CodeActionKind.QuickFix.value && a.isPreferred === true);
  assert.ok(fix, `a quick fix for ${codeOf(d)} (have ${describe})`);
  return fix;
}

describe('readiness checker in the editor', function () {
  this.timeout(60_000);

  before(async () => {
    await activateExtension();
  });

  it('sets the language ids of postgresql.conf and pg_hba.conf', async () => {
    const conf = await vscode.workspace.openTextDocument(sample('postgresql.conf'));
    const hba = await vscode.workspace.openTextDocument(sample('pg_hba.conf'));
    assert.equal(conf.languageId, 'postgresql-conf');
    assert.equal(hba.languageId, 'pg-hba');
  });

  it('reports the missing replication line on pg_hba.conf, and the quick fix adds the lesson\'s line', async () => {
    const uri = sample('pg_hba.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [d] = await waitFor('the replication diagnostic', () => {
      const found = withCode(uri, 'hba/no-replication-access');
      return found.length > 0 ? found : undefined;
    });
    assert.ok(d);
    assert.match(d.message, /backup_user/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    const code = d.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.scheme, 'https');

    const before = doc.getText();
    const fix = await quickFix(uri, d);
    assert.ok(await vscode.workspace.applyEdit(fix.edit ?? new vscode.WorkspaceEdit()));
    const added = doc.getText().split('\n').filter((l) => !before.split('\n').includes(l) && l.trim() !== '');
    // The lesson's line: host replication backup_user 127.0.0.1/32 scram-sha-256
    assert.deepEqual(added.map((l) => l.trim().split(/\s+/)), [['host', 'replication', 'backup_user', '127.0.0.1/32', 'scram-sha-256']]);
    await waitFor('the diagnostic to go away', () => withCode(uri, 'hba/no-replication-access').length === 0);
  });

  it('reports wal_level = minimal on postgresql.conf, and the quick fix sets replica', async () => {
    const uri = sample('postgresql.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => /^wal_level\s*=\s*minimal/.test(l));
    assert.ok(line >= 0);
    const [d] = await waitFor('the wal_level diagnostic', () => {
      const found = withCode(uri, 'pgconf/wal-level');
      return found.length > 0 ? found : undefined;
    });
    assert.ok(d);
    assert.equal(d.range.start.line, line);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('confcheck');
    const fix = await quickFix(uri, d);
    assert.ok(await vscode.workspace.applyEdit(fix.edit ?? new vscode.WorkspaceEdit()));
    assert.equal(doc.lineAt(line).text, 'wal_level = replica');
    await waitFor('the diagnostic to go away', () => withCode(uri, 'pgconf/wal-level').length === 0);
  });

  it('shows the facts of a parameter on hover, for the major in PG_VERSION', async () => {
    const uri = sample('postgresql.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('wal_level'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /wal_level/);
    assert.match(text, /PostgreSQL 17/); // the sample's PG_VERSION
    for (const v of ['minimal', 'replica', 'logical']) assert.match(text, new RegExp(v));
    assert.match(text, /restart/); // wal_level takes effect only at server start
    // First the server's own description, as the postgres binary of that major prints it.
    const pg17 = await installationFor(17);
    const described = (await run(programPath(pg17, 'postgres'), ['--describe-config'], { env: pg17.env })).stdout;
    const walLevel = described.split('\n').map((l) => l.split('\t')).find((f) => f[0] === 'wal_level');
    const shortDesc = walLevel?.[7] ?? '';
    assert.match(shortDesc, /WAL/);
    assert.ok(text.includes(shortDesc), `${shortDesc} in ${text}`);
    assert.ok(text.indexOf(shortDesc) < text.indexOf('minimal'), 'the description comes before the facts');
    const sb = doc.getText().split('\n').findIndex((l) => l.startsWith('shared_buffers'));
    const sbHover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(sb, 2));
    const sbText = sbHover.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(sbText, /8kB/); // shared_buffers is counted in 8kB pages
  });

  it('keeps the other findings in Problems after the fix', async () => {
    const doc = await vscode.workspace.openTextDocument(sample('postgresql.conf'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const codes = await waitFor('diagnostics in Problems', () => {
      const c = vscode.languages.getDiagnostics(doc.uri).map(codeOf);
      return c.length > 0 ? c : undefined;
    });
    // The sample sets max_wal_senders = 0 (PostgreSQL needs that with wal_level = minimal).
    assert.ok(codes.includes('pgconf/max-wal-senders'), codes.join(', '));
    assert.ok(!codes.includes('pgconf/wal-level'));
    await screenshot('confcheck-fixed');
  });

  it('reads an included file from its unsaved buffer and puts its findings on that file', async () => {
    const local = sample('local.conf'); // the sample's include_if_exists target
    writeFileSync(local.fsPath, 'full_page_writes = on\n');
    try {
      const doc = await vscode.workspace.openTextDocument(local);
      const editor = await vscode.window.showTextDocument(doc);
      assert.ok(await editor.edit((e) => e.replace(new vscode.Range(0, 0, 0, doc.lineAt(0).text.length), 'full_page_writes = off')));
      assert.ok(doc.isDirty);
      const [d] = await waitFor('the full_page_writes diagnostic on the unsaved include', () => {
        const found = withCode(local, 'pgconf/full-page-writes');
        return found.length > 0 ? found : undefined;
      });
      assert.equal(d?.range.start.line, 0);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      rmSync(local.fsPath, { force: true });
    }
  });

  it('rewrites archive_command in pg_probackup\'s archive-push form for a given catalog and instance', async () => {
    const uri = sample('postgresql.conf');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.ok(!doc.getText().includes('archive_command'), 'the sample sets no archive_command');
    const r = await vscode.commands.executeCommand<{ file: string } | undefined>('pgBackupStudio.confcheck.rewriteArchiveCommand',
      { uri: uri.toString(), catalog: '/srv/backups', instance: 'main', probackupPath: 'pg_probackup' });
    assert.equal(r?.file, uri.fsPath);
    // The form of pg_probackup's documentation, quoted for postgresql.conf.
    const line = doc.getText().split('\n').find((l) => l.startsWith('archive_command'));
    assert.equal(line, "archive_command = 'pg_probackup archive-push -B /srv/backups --instance=main --wal-file-path=%p --wal-file-name=%f'");
  });
});
