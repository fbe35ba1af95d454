import * as vscode from 'vscode';
import type { Services } from '../../platform/services';
import { CatalogTreeProvider } from './catalogTree';

export const CATALOG_VIEW_ID = 'pgBackupStudio.catalogs';

export function register(context: vscode.ExtensionContext, services: Services): vscode.TreeView<unknown> {
  const provider = new CatalogTreeProvider(services.settings);
  const view = vscode.window.createTreeView(CATALOG_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const notYet = (what: string) => () =>
    vscode.window.showInformationMessage(vscode.l10n.t('{0} is not yet available in this version.', what));
  context.subscriptions.push(
    provider,
    view,
    vscode.commands.registerCommand('pgBackupStudio.refresh', () => provider.refresh()),
    vscode.commands.registerCommand('pgBackupStudio.addCatalog', notYet(vscode.l10n.t('Adding a catalog'))),
    vscode.commands.registerCommand('pgBackupStudio.initCatalog', notYet(vscode.l10n.t('Initializing a catalog'))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgBackupStudio.catalogs')) provider.refresh();
    }),
  );
  return view;
}
