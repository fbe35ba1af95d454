// The readiness checker in the editor: diagnostics, quick fixes and hovers for postgresql.conf
// and pg_hba.conf (these work in untrusted workspaces too: they run nothing), and the live
// check commands, which connect only when the user (or a caller) runs them.
import * as vscode from 'vscode';
import type { Services } from '../../platform/services';
import type { RewriteArchiveArgs } from './confCodeActions';
import { ConfCodeActions, REWRITE_ARCHIVE_COMMAND, rewriteArchiveCommand } from './confCodeActions';
import { CONF_LANGUAGE, ConfDiagnostics, HBA_LANGUAGE } from './confDiagnostics';
import { ParamHover } from './paramHover';
import { REPORT_SCHEME, ReadinessReports } from './readinessReport';
import type { ReadinessArgs } from './serverReadiness';
import { ServerReadiness } from './serverReadiness';

export interface ConfcheckApi {
  readonly diagnostics: ConfDiagnostics;
}

export function register(context: vscode.ExtensionContext, services: Services): ConfcheckApi {
  const selector: vscode.DocumentSelector = [{ language: CONF_LANGUAGE }, { language: HBA_LANGUAGE }];
  const diagnostics = new ConfDiagnostics(services.log);
  const reports = new ReadinessReports();
  const readiness = new ServerReadiness(services, reports);
  const obj = (a: unknown): ReadinessArgs | undefined => (a !== null && typeof a === 'object' ? a as ReadinessArgs : undefined);
  context.subscriptions.push(
    diagnostics,
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.languages.registerCodeActionsProvider(selector, new ConfCodeActions(diagnostics), ConfCodeActions.metadata),
    vscode.languages.registerHoverProvider({ language: CONF_LANGUAGE }, new ParamHover()),
    vscode.commands.registerCommand('pgBackupStudio.checkServerReadiness', (a?: unknown) => readiness.checkServerReadiness(obj(a))),
    vscode.commands.registerCommand('pgBackupStudio.openGrantScript', (a?: unknown) => readiness.openGrantScript(obj(a))),
    vscode.commands.registerCommand('pgBackupStudio.applyMissingGrants', (a?: unknown) => readiness.applyMissingGrants(obj(a))),
    vscode.commands.registerCommand(REWRITE_ARCHIVE_COMMAND, (a?: unknown) =>
      rewriteArchiveCommand(diagnostics, services, a instanceof vscode.Uri ? { uri: a.toString() } : obj(a) as RewriteArchiveArgs | undefined)),
    vscode.commands.registerCommand('pgBackupStudio.confcheck.checkDocument', async (a?: unknown) => {
      const uri = typeof a === 'string' ? vscode.Uri.parse(a) : a instanceof vscode.Uri ? a : vscode.window.activeTextEditor?.document.uri;
      if (uri === undefined) return [];
      return diagnostics.checkNow(await vscode.workspace.openTextDocument(uri));
    }),
  );
  return { diagnostics };
}
