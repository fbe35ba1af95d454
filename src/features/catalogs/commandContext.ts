// What every catalog command shares, and how a command finds what it works on: a tree node
// (context menu), an argument object (tests, keybindings, other extensions), or prompts.
import * as vscode from 'vscode';
import type { Backup } from '../../core/probackup/backup';
import type { InstanceModel } from '../../core/probackup/catalogModel';
import type { ProbackupBinary } from '../../core/probackup/discovery';
import type { ConnectionInfo } from '../../core/postgres/connection';
import { findOsUser, isRoot } from '../../core/postgres/clusterUser';
import type { RunAs } from '../../core/postgres/clusterUser';
import type { Services } from '../../platform/services';
import type { CatalogTreeProvider } from './catalogTree';
import { SET_PATH_COMMAND } from './catalogTree';
import type { ProbackupRunner } from './probackupRunner';
import { majorOf } from '../../core/probackup/probackupLocator';
import type { ProbackupLocator } from '../../core/probackup/probackupLocator';
import { instanceOf, isTreeNode } from './treeNodes';
import type { TreeNode } from './treeNodes';

export interface CatalogContext {
  readonly services: Services;
  readonly extension: vscode.ExtensionContext;
  readonly tree: CatalogTreeProvider;
  readonly locator: ProbackupLocator;
  readonly runner: ProbackupRunner;
}

/** Fields every command's argument object may carry. */
export interface CommonArgs {
  readonly catalog?: string;
  readonly instance?: string;
  readonly backupId?: string;
  /** Skip the confirmation of a destructive command. */
  readonly confirm?: boolean;
  /** Ask for what the object leaves out (default: never prompt when an object is given). */
  readonly interactive?: boolean;
  /** Run pg_probackup as this OS user (when we are root), e.g. the cluster's owner. */
  readonly osUser?: string;
  /** A caller's cancellation (tests); the notification's Cancel works too. */
  readonly signal?: AbortSignal;
}

/** A failure the command reports with its result instead of a thrown error. */
export class Stop extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Invoked<A> {
  readonly node: TreeNode | undefined;
  readonly args: Partial<A> & CommonArgs;
  /** No argument object: ask for what is missing. */
  readonly interactive: boolean;
}

export function invoked<A>(arg: unknown): Invoked<A> {
  if (isTreeNode(arg)) return { node: arg, args: {}, interactive: true };
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
    // `interactive: true` asks for whatever the object leaves out (tree items that pre-fill the catalog).
    return { node: undefined, args: arg as Partial<A> & CommonArgs, interactive: (arg as { interactive?: unknown }).interactive === true };
  }
  if (arg instanceof vscode.Uri) return { node: undefined, args: { catalog: arg.fsPath } as Partial<A> & CommonArgs, interactive: true };
  return { node: undefined, args: {}, interactive: true };
}

export function requireTrust(ctx: CatalogContext): void {
  if (!ctx.services.settings.canRunPrograms()) {
    throw new Stop('untrusted', vscode.l10n.t('This workspace is not trusted, so pg_probackup is not run. Trust the workspace to use this command.'));
  }
}

export async function pickCatalog(ctx: CatalogContext, inv: Invoked<unknown>): Promise<string> {
  const given = inv.node?.catalog ?? inv.args.catalog;
  if (given) return given;
  const all = ctx.tree.catalogPaths().map((c) => c.path);
  if (all.length === 1 && all[0]) return all[0];
  if (all.length === 0) throw new Stop('no-catalog', vscode.l10n.t('No catalog is open. Add or initialize one first.'));
  const chosen = await vscode.window.showQuickPick(all, { ignoreFocusOut: true, title: vscode.l10n.t('Backup catalog') });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen;
}

export async function pickInstance(ctx: CatalogContext, inv: Invoked<unknown>, catalog: string): Promise<string> {
  const given = (inv.node ? instanceOf(inv.node) : undefined) ?? inv.args.instance;
  if (given) return given;
  const read = await ctx.tree.catalogRead(catalog);
  const names = read.kind === 'ok' ? read.model.instances.map((i) => i.instance) : [];
  if (names.length === 1 && names[0]) return names[0];
  const chosen = names.length > 0
    ? await vscode.window.showQuickPick(names, { ignoreFocusOut: true, title: vscode.l10n.t('Instance') })
    : await vscode.window.showInputBox({ title: vscode.l10n.t('Instance name'), ignoreFocusOut: true });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen;
}

export async function pickBackup(ctx: CatalogContext, inv: Invoked<unknown>, catalog: string, instance: string, filter: (b: Backup) => boolean = () => true): Promise<string> {
  const n = inv.node;
  const given = n?.kind === 'backup' ? n.node.backup.id : n?.kind === 'timelineBackup' ? n.backupId : inv.args.backupId;
  if (given) return given;
  const model = await ctx.tree.instance(catalog, instance);
  const items = [...(model?.byId.values() ?? [])].filter(filter).map((b) => ({ label: b.id, description: `${b.mode} ${b.walMode} · ${b.status}`, ...(b.note !== undefined ? { detail: b.note } : {}) }));
  if (items.length === 0) throw new Stop('no-backup', vscode.l10n.t('Instance {0} has no backup to choose.', instance));
  const chosen = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('Backup of {0}', instance) });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen.label;
}

/** The major of an instance from its newest backup that names one. */
export function instanceMajor(model: InstanceModel | undefined): number | undefined {
  if (!model) return undefined;
  const sorted = [...model.byId.values()].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  for (const b of sorted) {
    const m = majorOf(b.serverVersion);
    if (m !== undefined) return m;
  }
  return undefined;
}

/** The pg_probackup to run for this instance (or catalog-wide, with no instance). */
export async function binaryFor(ctx: CatalogContext, catalog: string, instance?: string, major?: number): Promise<ProbackupBinary> {
  requireTrust(ctx);
  return binaryForMajor(ctx, major ?? (instance !== undefined ? instanceMajor(await ctx.tree.instance(catalog, instance)) : undefined));
}

/**
 * pg_probackup for a server major (any when undefined), or a Stop with the reason and a "Set
 * Path…" button. Commands that ask several questions call it first, so that a machine without
 * pg_probackup is told so before the questions, not after them.
 */
export async function binaryForMajor(ctx: CatalogContext, m?: number): Promise<ProbackupBinary> {
  requireTrust(ctx);
  const pick = await ctx.locator.pick(m);
  if (pick.ok) {
    if (pick.warning !== undefined) void vscode.window.showWarningMessage(pick.warning);
    return pick.binary;
  }
  const setPath = vscode.l10n.t('Set Path…');
  void vscode.window.showErrorMessage(pick.message, setPath).then((c) => {
    if (c === setPath) void vscode.commands.executeCommand(SET_PATH_COMMAND);
  });
  throw new Stop(pick.reason === 'none' ? 'no-binary' : 'server-version-mismatch', pick.message);
}

/** A connection from the argument object (inline or by name), or chosen from the saved ones. */
export async function pickConnection(ctx: CatalogContext, inv: Invoked<unknown>, optional: boolean, remembered?: string): Promise<ConnectionInfo | undefined> {
  const a = inv.args as { connection?: Partial<ConnectionInfo>; connectionName?: string };
  if (a.connection && typeof a.connection === 'object') {
    const c = a.connection;
    return { name: c.name ?? `${c.user ?? ''}@${c.host ?? ''}:${c.port ?? ''}`, host: c.host ?? '', port: c.port ?? 5432, user: c.user ?? '', database: c.database ?? 'postgres', ...(c.dataDir ? { dataDir: c.dataDir } : {}), ...(c.osUser ? { osUser: c.osUser } : {}) };
  }
  if (a.connectionName) {
    const c = ctx.services.connections.get(a.connectionName);
    if (!c) throw new Stop('no-connection', vscode.l10n.t('No connection named "{0}".', a.connectionName));
    return c;
  }
  if (!inv.interactive) return undefined;
  const list = ctx.services.connections.list();
  const none = vscode.l10n.t('None: use the instance\'s stored settings (PGHOST, PGPORT, …)');
  const items = [
    ...list.map((c) => ({ label: c.name, description: `${c.user}@${c.host}:${c.port}/${c.database}`, c, picked: c.name === remembered })),
    ...(optional ? [{ label: none, description: '', c: undefined, picked: false }] : []),
  ];
  if (items.length === 0) return undefined;
  items.sort((x, y) => Number(y.picked) - Number(x.picked));
  const chosen = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('Connect to PostgreSQL as') });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen.c;
}

/** The password of a connection: from the argument object, SecretStorage, or asked once when interactive. */
export async function passwordFor(ctx: CatalogContext, inv: Invoked<unknown>, c: ConnectionInfo | undefined): Promise<string | undefined> {
  const given = (inv.args as { password?: string }).password;
  if (given !== undefined) return given;
  if (!c) return undefined;
  const stored = await ctx.services.connections.password(c);
  if (stored !== undefined || !inv.interactive || !ctx.services.connections.get(c.name)) return stored;
  return ctx.services.connections.passwordOrAsk(c);
}

/** Runner options that run pg_probackup as the cluster's OS user when we are root. */
export function runAsFor(osUser: string | undefined): RunAs {
  if (!osUser || !isRoot()) return {};
  const u = findOsUser(osUser);
  if (!u) throw new Stop('no-os-user', vscode.l10n.t('No OS user named "{0}".', osUser));
  return { uid: u.uid, gid: u.gid };
}

export async function confirmed(inv: Invoked<unknown>, message: string, detail: string, button: string): Promise<boolean> {
  if (inv.args.confirm === true) return true;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, button);
  return choice === button;
}

/** Runs a command body; a Stop or a failed run becomes a result object, never a rejection. */
export async function guarded<R>(ctx: CatalogContext, body: () => Promise<R>, context: () => Parameters<ProbackupRunner['report']>[1] = () => ({})): Promise<R | { ok: false; code: string; message: string }> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Stop) {
      if (e.code !== 'cancelled' && e.code !== 'no-binary' && e.code !== 'server-version-mismatch') void vscode.window.showWarningMessage(e.message);
      return { ok: false, code: e.code, message: e.message };
    }
    return ctx.runner.report(e, context());
  }
}

export function refreshLater(ctx: CatalogContext, catalog: string): void {
  ctx.tree.refresh(catalog);
}

