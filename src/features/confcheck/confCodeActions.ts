// Quick fixes from the findings' own fixes (set wal_level = replica, add the backup role's
// replication line above the line that catches it, …), and "Rewrite archive_command" for a
// catalog and instance picked from the configured catalogs (their backups/ folders list the
// instances), typed in, or passed as arguments.
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { canonicalArchiveCommand, confQuote } from '../../core/pgconf/archiveCommand';
import { loadConfTree } from '../../core/pgconf/confTree';
import { appendLine, replaceToken } from '../../core/pgconf/edits';
import type { Finding, Fix, TextEdit } from '../../core/pgconf/findings';
import type { Services } from '../../platform/services';
import { checkerSettings } from './checkerSettings';
import type { ConfDiagnostics } from './confDiagnostics';
import { CONF_LANGUAGE, DIAGNOSTIC_SOURCE, docPath } from './confDiagnostics';

export const REWRITE_ARCHIVE_COMMAND = 'pgBackupStudio.confcheck.rewriteArchiveCommand';

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

function sameRange(d: vscode.Diagnostic, f: Finding): boolean {
  const r = d.range;
  return r.start.line === f.range.start.line && r.start.character === f.range.start.character &&
    r.end.line === f.range.end.line && r.end.character === f.range.end.character;
}

function uriForFile(file: string): vscode.Uri {
  const open = vscode.workspace.textDocuments.find((d) => docPath(d) === file);
  return open?.uri ?? vscode.Uri.file(file);
}

export function workspaceEdit(edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) {
    we.replace(uriForFile(e.file), new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  }
  return we;
}

export class ConfCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: ConfDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.diagnostics.findingsAt(doc.uri);
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const code = codeOf(d);
      const f = findings.find((x) => x.code === code && x.message === d.message && sameRange(d, x));
      if (f?.fix !== undefined) out.push(fixAction(f.fix, d));
      if (code === 'pgconf/archive-command' && doc.languageId === CONF_LANGUAGE) {
        const a = new vscode.CodeAction(vscode.l10n.t('Rewrite archive_command for a catalog and instance…'), vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: REWRITE_ARCHIVE_COMMAND, title: a.title, arguments: [{ uri: doc.uri.toString() }] };
        out.push(a);
      }
    }
    return out;
  }
}

function fixAction(fix: Fix, d: vscode.Diagnostic): vscode.CodeAction {
  const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  a.diagnostics = [d];
  a.isPreferred = true;
  a.edit = workspaceEdit(fix.edits);
  return a;
}

export interface RewriteArchiveArgs {
  /** The postgresql.conf (or a file of its tree) to edit; default the active editor's. */
  readonly uri?: string;
  readonly catalog?: string;
  readonly instance?: string;
  /** The pg_probackup binary to name; default the probackup.path setting, else "pg_probackup". */
  readonly probackupPath?: string;
}

export interface RewriteArchiveResult {
  readonly file: string;
  readonly command: string;
}

async function instancesOf(catalog: string): Promise<string[]> {
  try {
    const entries = await readdir(path.join(catalog, 'backups'), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function pick(items: readonly string[], title: string, fallbackPrompt: string): Promise<string | undefined> {
  const other = vscode.l10n.t('Other…');
  if (items.length > 0) {
    const chosen = await vscode.window.showQuickPick([...items, other], { title, ignoreFocusOut: true });
    if (chosen === undefined) return undefined;
    if (chosen !== other) return chosen;
  }
  const typed = await vscode.window.showInputBox({ title, prompt: fallbackPrompt, ignoreFocusOut: true });
  return typed === undefined || typed.trim() === '' ? undefined : typed.trim();
}

/** Replaces the archive_command in force (or appends one to postgresql.conf) with the canonical archive-push form. */
export async function rewriteArchiveCommand(diagnostics: ConfDiagnostics, services: Services, arg?: RewriteArchiveArgs): Promise<RewriteArchiveResult | undefined> {
  const uri = arg?.uri !== undefined ? vscode.Uri.parse(arg.uri) : vscode.window.activeTextEditor?.document.uri;
  if (uri === undefined) return undefined;
  const doc = await vscode.workspace.openTextDocument(uri);
  const settings = checkerSettings(uri);
  const catalog = arg?.catalog ?? settings.catalog ?? await pick(services.settings.catalogs(), vscode.l10n.t('Backup catalog for archive-push'), vscode.l10n.t('The catalog folder (pg_probackup -B)'));
  if (catalog === undefined) return undefined;
  const instance = arg?.instance ?? settings.instance ?? await pick(await instancesOf(catalog), vscode.l10n.t('Instance in {0}', catalog), vscode.l10n.t('The instance name (--instance)'));
  if (instance === undefined) return undefined;
  const binary = arg?.probackupPath ?? services.settings.probackupPath() ?? 'pg_probackup';
  const root = diagnostics.rootOf(doc);
  const configFile = root.kind === 'hba' ? undefined : root.configFile;
  if (configFile === undefined) return undefined;
  const tree = await loadConfTree(diagnostics.reader(), configFile);
  const value = confQuote(canonicalArchiveCommand(binary, catalog, instance));
  const s = tree.effective.get('archive_command');
  const edit = s !== undefined
    ? replaceToken(s.file, s.valueToken, value)
    : appendLine(tree.mainFile, tree.files.get(tree.mainFile)?.text ?? '', `archive_command = ${value}`);
  const ok = await vscode.workspace.applyEdit(workspaceEdit([edit]));
  if (!ok) throw new Error(vscode.l10n.t('Could not edit {0}', edit.file));
  return { file: edit.file, command: value };
}
