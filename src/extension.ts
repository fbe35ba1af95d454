// Composition root: builds the services once and lets each feature register itself.
import * as vscode from 'vscode';
import { register as registerCatalogs } from './features/catalogs/register';
import { register as registerConfcheck } from './features/confcheck/register';
import { register as registerWaldump } from './features/waldump/register';
import { register as registerWalkthrough } from './features/walkthrough/register';
import { Connections } from './platform/connections';
import { createLog } from './platform/log';
import type { Services } from './platform/services';
import { createSettings } from './platform/settings';

export interface ExtensionApi {
  readonly services: Services;
  readonly catalogView: vscode.TreeView<unknown>;
  /** This extension's log folder in the host (the Output channel's file is near it). */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = createLog();
  context.subscriptions.push(log);
  const connections = new Connections(context.secrets);
  context.subscriptions.push(connections);
  const services: Services = {
    log,
    settings: createSettings(),
    connections,
    secrets: context.secrets,
    extensionUri: context.extensionUri,
    storageUri: context.globalStorageUri,
  };
  context.subscriptions.push(vscode.commands.registerCommand('pgBackupStudio.showLog', () => log.show()));

  const catalogView = registerCatalogs(context, services);
  registerWalkthrough(context, services);
  registerConfcheck(context, services);
  registerWaldump(context, services);

  log.info(`PostgreSQL Backup Studio ${String(context.extension.packageJSON['version'])} activated`);
  return { services, catalogView, logUri: context.logUri };
}

export function deactivate(): void {
  // Every resource is a disposable in context.subscriptions.
}
