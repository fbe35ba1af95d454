// Commands on catalogs and instances: add / initialize / remove a catalog, add and delete an
// instance, open the catalog's log, point the extension at pg_probackup, and the test hooks
// that load a catalog from recorded JSON.
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addInstanceCommand, delInstanceCommand, initCommand } from '../../../core/probackup/catalogCommands';
import { findOsUser, firstUntraversable, isRoot } from '../../../core/postgres/clusterUser';
import type { ConnectionInfo } from '../../../core/postgres/connection';
import { catalogLayoutProblem } from '../../../core/probackup/catalogReader';
import { SET_PATH_COMMAND } from '../catalogTree';
import type { CatalogContext } from '../commandContext';
import {
  binaryFor, binaryForMajor, confirmed, guarded, invoked, passwordFor, pickCatalog, pickConnection, pickInstance, runAsFor, Stop,
} from '../commandContext';
import { isTreeNode } from '../treeNodes';
import type { TreeNode } from '../treeNodes';

async function addToSetting(ctx: CatalogContext, catalog: string): Promise<boolean> {
  const abs = path.resolve(catalog);
  const current = ctx.services.settings.catalogs();
  if (current.some((c) => path.resolve(c) === abs)) return false;
  await ctx.services.settings.update('catalogs', [...current, abs]);
  return true;
}

async function folder(title: string, openLabel: string, near?: string): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title, openLabel,
    ...(near !== undefined && existsSync(near) ? { defaultUri: vscode.Uri.file(near) } : {}),
  });
  const p = picked?.[0]?.fsPath;
  if (!p) throw new Stop('cancelled', '');
  return p;
}

export function addCatalog(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ catalog: string }>(arg);
    const catalog = path.resolve(inv.args.catalog ?? await folder(vscode.l10n.t('Add an existing pg_probackup catalog'), vscode.l10n.t('Add Catalog')));
    const problem = catalogLayoutProblem(catalog);
    if (problem) throw new Stop(problem.code, problem.message);
    const added = await addToSetting(ctx, catalog);
    ctx.tree.refresh(catalog);
    return { ok: true as const, catalog, added };
  });
}

/**
 * Who owns a new catalog when we are root: pg_probackup must later run as the OS user of the
 * clusters it backs up (that user reads the data directory), and that user must be able to
 * write the catalog. The OS user of the saved connections, asked when there are several.
 */
async function catalogOwner(ctx: CatalogContext, inv: ReturnType<typeof invoked>): Promise<string | undefined> {
  if (!isRoot()) return undefined;
  const users = [...new Set(ctx.services.connections.list().flatMap((c) => (c.osUser ? [c.osUser] : [])))].sort();
  if (users.length <= 1 || !inv.interactive) return users.length === 1 ? users[0] : undefined;
  const picked = await vscode.window.showQuickPick(users, { ignoreFocusOut: true,
    title: vscode.l10n.t('OS user that will run pg_probackup on this catalog (it must read the data directories)'),
  });
  if (picked === undefined) throw new Stop('cancelled', '');
  return picked;
}

/** As root for another user: the catalog folder made (or an empty one given) and owned by that user, who must reach it. */
function prepareCatalogFolder(catalog: string, userName: string): void {
  const user = findOsUser(userName);
  if (!user) throw new Stop('no-os-user', vscode.l10n.t('No OS user named "{0}".', userName));
  // Checked before anything is made, so a refused folder leaves nothing behind.
  let existing = catalog;
  while (!existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const blocked = firstUntraversable(existing, user);
  if (blocked === undefined) {
    if (!existsSync(catalog)) mkdirSync(catalog, { recursive: true, mode: 0o700 });
    if (readdirSync(catalog).length === 0) chownSync(catalog, user.uid, user.gid);
  } else {
    throw new Stop('catalog-unreachable', vscode.l10n.t(
      'OS user "{0}", who runs pg_probackup for your clusters, cannot reach {1}: {2} is closed to it. Choose a folder it can reach.',
      userName, catalog, blocked));
  }
}

export function initCatalog(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ catalog: string }>(arg);
    const binary = await binaryForMajor(ctx);
    const owner = inv.args.osUser ?? await catalogOwner(ctx, inv);
    // The dialog opens in the home of the user who will own the catalog (postgres: /var/lib/postgresql), a place it can reach.
    const home = owner !== undefined ? findOsUser(owner)?.home : os.homedir();
    const catalog = path.resolve(inv.args.catalog ?? await folder(vscode.l10n.t('Folder for a new backup catalog (empty or new)'), vscode.l10n.t('Initialize Here'), home));
    if (existsSync(path.join(catalog, 'PG_VERSION')) || existsSync(path.join(catalog, 'global', 'pg_control'))) {
      throw new Stop('catalog-is-data-directory', vscode.l10n.t('{0} is a PostgreSQL data directory. A backup catalog needs a folder of its own, outside every data directory.', catalog));
    }
    const osUser = owner;
    if (osUser !== undefined && isRoot()) prepareCatalogFolder(catalog, osUser);
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Initializing catalog {0}', catalog),
      invocation: initCommand({ binary: binary.path, catalog }),
      runOptions: runAsFor(osUser),
      lock: { catalog, instance: undefined },
    });
    await addToSetting(ctx, catalog);
    ctx.tree.refresh(catalog);
    return { ok: true as const, catalog: out.catalog };
  });
}

export function removeCatalog(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ catalog: string }>(arg);
    const catalog = path.resolve(await pickCatalog(ctx, inv));
    const before = ctx.services.settings.catalogs();
    const kept = before.filter((c) => path.resolve(c) !== catalog);
    if (kept.length !== before.length) await ctx.services.settings.update('catalogs', kept);
    const unloaded = ctx.tree.unloadJson(catalog);
    ctx.tree.refresh();
    return { ok: true as const, catalog, removed: kept.length !== before.length || unloaded };
  });
}

/** `SHOW data_directory` on the server (pg is loaded only now). */
async function dataDirectoryOf(c: ConnectionInfo, password: string | undefined): Promise<string> {
  const pg = await import('pg');
  const client = new pg.Client({ host: c.host, port: c.port, user: c.user, database: c.database, ...(password ? { password } : {}), statement_timeout: 10_000, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const r = await client.query<{ data_directory: string }>('SHOW data_directory');
    const dir = r.rows[0]?.data_directory;
    if (!dir) throw new Error('SHOW data_directory returned nothing');
    return dir;
  } finally {
    await client.end();
  }
}

export function addInstance(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ pgdata: string; connectionName: string }>(arg);
    const binary = await binaryForMajor(ctx);
    const catalog = await pickCatalog(ctx, inv);
    const instance = inv.args.instance ?? await vscode.window.showInputBox({ title: vscode.l10n.t('New instance name'), value: 'main', ignoreFocusOut: true });
    if (!instance) throw new Stop('cancelled', '');
    let pgdata = inv.args.pgdata;
    let osUser = inv.args.osUser;
    if (pgdata === undefined) {
      const conn = await pickConnectionOrFolder(ctx, inv);
      if (typeof conn === 'string') pgdata = conn;
      else {
        pgdata = conn.dataDir ?? await dataDirectoryOf(conn, await passwordFor(ctx, inv, conn));
        osUser ??= conn.osUser;
      }
    }
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Adding instance {0}', instance),
      invocation: addInstanceCommand({ binary: binary.path, catalog, instance, pgdata }),
      runOptions: runAsFor(osUser),
      lock: { catalog, instance },
    });
    ctx.tree.refresh(catalog);
    return { ok: true as const, catalog, instance: out.instance, pgdata };
  });
}

async function pickConnectionOrFolder(ctx: CatalogContext, inv: ReturnType<typeof invoked>): Promise<ConnectionInfo | string> {
  const c = await pickConnection(ctx, inv, false);
  if (c) return c;
  if (!inv.interactive) throw new Stop('missing-pgdata', vscode.l10n.t('Give pgdata, connection or connectionName.'));
  return folder(vscode.l10n.t('The data directory (PGDATA) of the cluster'), vscode.l10n.t('Use as PGDATA'));
}

export function delInstance(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const model = await ctx.tree.instance(catalog, instance);
    const n = model?.byId.size ?? 0;
    const ok = await confirmed(inv, vscode.l10n.t('Delete instance "{0}" and its {1} backups and WAL archive?', instance, n),
      vscode.l10n.t('pg_probackup del-instance removes the instance\'s backups and archived WAL from {0}. This cannot be undone.', catalog), vscode.l10n.t('Delete Instance'));
    if (!ok) return { ok: false as const, code: 'cancelled', message: '' };
    await ctx.runner.run({
      title: vscode.l10n.t('Deleting instance {0}', instance),
      invocation: delInstanceCommand({ binary: binary.path, catalog, instance }),
      runOptions: runAsFor(inv.args.osUser),
      lock: { catalog, instance },
    });
    ctx.tree.refresh(catalog);
    return { ok: true as const, catalog, instance, deleted: true };
  });
}

export function openLog(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const file = path.join(catalog, 'log', 'pg_probackup.log');
    if (!existsSync(file)) {
      throw new Stop('no-log', vscode.l10n.t('{0} does not exist: pg_probackup writes it only when file logging is on (set-config --log-level-file=info).', file));
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { preview: true });
    return { ok: true as const, uri: doc.uri.toString(), file };
  });
}

export function setProbackupPath(ctx: CatalogContext) {
  return async (arg?: unknown) => {
    const p = (arg && typeof arg === 'object' && !isTreeNode(arg) ? (arg as { path?: string }).path : undefined);
    if (p !== undefined) {
      await vscode.workspace.getConfiguration('pgBackupStudio').update('probackup.path', p, vscode.ConfigurationTarget.Global);
      ctx.locator.invalidate();
      ctx.tree.refresh();
      return { ok: true as const, path: p };
    }
    await vscode.commands.executeCommand('workbench.action.openSettings', 'pgBackupStudio.probackup.path');
    return { ok: true as const };
  };
}

/** Test and tooling hooks: a catalog from recorded JSON, and the tree's nodes and items. */
export function internalCommands(ctx: CatalogContext): [string, (...a: unknown[]) => unknown][] {
  return [
    ['pgBackupStudio.catalogs.loadJson', (arg: unknown) => {
      const a = arg as { catalog: string; show: string; archive?: string };
      return { catalog: ctx.tree.loadJson(a.catalog, a.show, a.archive) };
    }],
    ['pgBackupStudio.catalogs.getChildren', (node: unknown) => ctx.tree.getChildren(isTreeNode(node) ? node : undefined)],
    ['pgBackupStudio.catalogs.getTreeItem', (node: unknown) => (isTreeNode(node) ? ctx.tree.getTreeItem(node as TreeNode) : undefined)],
  ];
}

export { SET_PATH_COMMAND };
