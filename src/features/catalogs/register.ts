// Wires the catalog feature: the Backups tree, its watcher-driven refresh, and every
// pg_probackup command (each takes an optional argument object and returns a result object).
import * as vscode from 'vscode';
import { openTimelineWal, showBackupWal } from './commands/walCommands';
import type { Services } from '../../platform/services';
import { CatalogTreeProvider, SET_PATH_COMMAND } from './catalogTree';
import type { CatalogContext } from './commandContext';
import { backup, validate } from './commands/backupCommands';
import {
  addCatalog, addInstance, delInstance, initCatalog, internalCommands, openLog, removeCatalog, setProbackupPath,
} from './commands/catalogCommands';
import { copyCommandLine, setBackup, setConfig, showBackup, showConfig } from './commands/inspectCommands';
import { checkdb, deleteBackup, deleteExpired, merge } from './commands/maintenanceCommands';
import { ProbackupLocator } from '../../core/probackup/probackupLocator';
import { ProbackupRunner } from './probackupRunner';
import { REPORT_SCHEME, ReportDocuments } from './reportDocuments';
import { restore } from './restoreFlow';

export const CATALOG_VIEW_ID = 'pgBackupStudio.catalogs';

export function register(context: vscode.ExtensionContext, services: Services): vscode.TreeView<unknown> {
  const locator = new ProbackupLocator(() => services.settings.probackupPath());
  const tree = new CatalogTreeProvider(services.settings, locator, services.log);
  const view = vscode.window.createTreeView(CATALOG_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const runner = new ProbackupRunner(services.log);
  const reports = new ReportDocuments();
  const ctx: CatalogContext = { services, extension: context, tree, locator, runner };

  const commands: [string, (...args: unknown[]) => unknown][] = [
    ['pgBackupStudio.refresh', () => tree.refresh()],
    ['pgBackupStudio.addCatalog', addCatalog(ctx)],
    ['pgBackupStudio.initCatalog', initCatalog(ctx)],
    ['pgBackupStudio.removeCatalog', removeCatalog(ctx)],
    ['pgBackupStudio.addInstance', addInstance(ctx)],
    ['pgBackupStudio.delInstance', delInstance(ctx)],
    ['pgBackupStudio.backup', backup(ctx)],
    ['pgBackupStudio.validate', validate(ctx)],
    ['pgBackupStudio.showBackup', showBackup(ctx, reports)],
    ['pgBackupStudio.showConfig', showConfig(ctx, reports)],
    ['pgBackupStudio.setConfig', setConfig(ctx)],
    ['pgBackupStudio.setBackup', setBackup(ctx)],
    ['pgBackupStudio.restore', restore(ctx)],
    ['pgBackupStudio.deleteBackup', deleteBackup(ctx)],
    ['pgBackupStudio.deleteExpired', deleteExpired(ctx)],
    ['pgBackupStudio.merge', merge(ctx)],
    ['pgBackupStudio.checkdb', checkdb(ctx)],
    ['pgBackupStudio.openLog', openLog(ctx)],
    ['pgBackupStudio.copyCommandLine', copyCommandLine(ctx)],
    ['pgBackupStudio.showBackupWal', showBackupWal(ctx)],
    ['pgBackupStudio.openTimelineWal', openTimelineWal()],
    [SET_PATH_COMMAND, setProbackupPath(ctx)],
    ...internalCommands(ctx),
  ];
  context.subscriptions.push(
    tree,
    view,
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    ...commands.map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pgBackupStudio.probackup.path')) locator.invalidate();
      if (e.affectsConfiguration('pgBackupStudio.catalogs') || e.affectsConfiguration('pgBackupStudio.probackup.path')) tree.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
  );
  tree.start();
  return view as vscode.TreeView<unknown>;
}
