// The backup command (wizard, remembered choices, the command line shown before it runs,
// --progress with Cancel) and validate.
import * as vscode from 'vscode';
import { showBackupCommand } from '../../../core/probackup/catalogCommands';
import type { RecoveryTarget } from '../../../core/probackup/commandArgs';
import { backupCommand, validateCommand, validationResults } from '../../../core/probackup/dataCommands';
import { logEvents } from '../../../core/probackup/logLines';
import { isProbackupError } from '../../../core/probackup/probackupError';
import type { ConnectionInfo } from '../../../core/postgres/connection';
import { backupOptionsFrom } from '../../../core/probackup/backupPlan';
import type { BackupChoices } from '../../../core/probackup/backupPlan';
import { askBackupChoices, rememberChoices, rememberedChoices } from '../backupWizard';
import type { BackupArgs } from '../backupWizard';
import type { CatalogContext } from '../commandContext';
import {
  binaryFor, guarded, instanceMajor, invoked, passwordFor, pickBackup, pickCatalog, pickConnection, pickInstance, runAsFor, Stop,
} from '../commandContext';
import { commandLine } from '../../../core/probackup/format';

/** The backup ID a (failed or cancelled) backup log names. */
export function backupIdInLog(stderr: string | undefined): string | undefined {
  if (!stderr) return undefined;
  const start = logEvents(stderr).find((e) => e.kind === 'backup-start');
  return start?.kind === 'backup-start' ? start.start.backupId : undefined;
}

export function backup(ctx: CatalogContext) {
  return async (arg?: unknown) => {
    const inv = invoked<BackupArgs & { connectionName: string }>(arg);
    let connection: ConnectionInfo | undefined;
    let major: number | undefined;
    let catalog = '';
    let instance = '';
    const result = await guarded(ctx, async () => {
      catalog = await pickCatalog(ctx, inv);
      instance = await pickInstance(ctx, inv, catalog);
      // Before the wizard's questions: without a usable pg_probackup they would be asked for nothing.
      const binary = await binaryFor(ctx, catalog, instance);
      const state = ctx.extension.globalState;
      const last = rememberedChoices(state, catalog, instance);
      const choices = await askBackupChoices(inv.args, last, inv.interactive);
      connection = await pickConnection(ctx, inv, true, last?.connectionName);
      const password = await passwordFor(ctx, inv, connection);
      const withServer: BackupChoices = {
        ...choices,
        ...(connection ? { server: { host: connection.host, port: connection.port, user: connection.user, database: connection.database } } : {}),
        ...(connection && ctx.services.connections.get(connection.name) ? { connectionName: connection.name } : {}),
      };
      major = instanceMajor(await ctx.tree.instance(catalog, instance));
      const invocation = backupCommand(backupOptionsFrom({ binary: binary.path, catalog, instance, choices: withServer, ...(password !== undefined ? { password } : {}) }));
      const line = commandLine(invocation);
      if (inv.interactive) {
        const run = vscode.l10n.t('Run Backup');
        const copy = vscode.l10n.t('Copy Command Line');
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Back up {0} with this command?', instance), { modal: true, detail: line }, run, copy);
        if (choice === copy) {
          await vscode.env.clipboard.writeText(line);
          throw new Stop('cancelled', '');
        }
        if (choice !== run) throw new Stop('cancelled', '');
      }
      const { note: _note, ttl: _ttl, ...kept } = withServer;
      await rememberChoices(state, catalog, instance, kept);
      try {
        const out = await ctx.runner.run({
          title: vscode.l10n.t('{0} backup of {1}', choices.mode, instance),
          invocation,
          track: 'backup',
          lock: { catalog, instance },
          runOptions: runAsFor(inv.args.osUser ?? connection?.osUser),
          ...(inv.args.signal ? { signal: inv.args.signal } : {}),
        });
        let status = 'OK';
        try {
          status = (await ctx.runner.run({ title: 'show', invocation: showBackupCommand({ binary: binary.path, catalog, instance, backupId: out.backupId }) })).status;
        } catch {
          // the backup succeeded; its status is read again with the tree
        }
        void vscode.window.showInformationMessage(vscode.l10n.t('Backup {0} of {1} finished: {2}.', out.backupId, instance, status));
        return { ok: true as const, backupId: out.backupId, status, mode: out.mode, walMode: out.walMode, commandLine: line };
      } catch (e) {
        const backupId = isProbackupError(e) ? backupIdInLog(e.stderr) : undefined;
        const failed = await ctx.runner.report(e, { ...(connection ? { connection } : {}), ...(major !== undefined ? { major } : {}) });
        return { ...failed, ...(backupId ? { backupId, status: 'ERROR' } : {}), commandLine: line };
      }
    });
    if (catalog) ctx.tree.refresh(catalog);
    return result;
  };
}

export interface TargetArg {
  readonly time?: string;
  readonly xid?: number | string;
  readonly lsn?: string;
  readonly latest?: boolean;
  readonly immediate?: boolean;
}

/** A recovery target from an argument object. */
export function targetFromArg(t: TargetArg | undefined): RecoveryTarget | undefined {
  if (!t) return undefined;
  if (t.time !== undefined) {
    const d = new Date(t.time);
    if (Number.isNaN(d.getTime())) throw new Stop('bad-argument', `not a time: ${t.time}`);
    return { time: d };
  }
  if (t.xid !== undefined) return { xid: BigInt(t.xid) };
  if (t.lsn !== undefined) return { lsn: t.lsn };
  if (t.immediate) return { target: 'immediate' };
  if (t.latest) return { target: 'latest' };
  return undefined;
}

/** Asks for an optional recovery target: none, a time, an XID or an LSN. */
export async function askTarget(title: string, suggestions: { time?: string; lsn?: string } = {}): Promise<RecoveryTarget | undefined> {
  const none = vscode.l10n.t('No target');
  const time = vscode.l10n.t('A point in time…');
  const xid = vscode.l10n.t('A transaction ID…');
  const lsn = vscode.l10n.t('An LSN…');
  const pick = await vscode.window.showQuickPick([none, time, xid, lsn], { ignoreFocusOut: true, title });
  if (pick === undefined) throw new Stop('cancelled', '');
  if (pick === none) return undefined;
  const value = await vscode.window.showInputBox({
    title,
    value: pick === time ? suggestions.time ?? '' : pick === lsn ? suggestions.lsn ?? '' : '',
    prompt: pick === time ? vscode.l10n.t('e.g. 2026-11-24 18:19:30+00') : pick === lsn ? vscode.l10n.t('e.g. 0/6000168') : vscode.l10n.t('a transaction ID'),
    ignoreFocusOut: true,
  });
  if (!value) throw new Stop('cancelled', '');
  if (pick === time) return targetFromArg({ time: value.replace(/ ([+-]\d\d)$/, '$1:00').replace(' ', 'T') });
  if (pick === xid) return { xid: BigInt(value.trim()) };
  return { lsn: value.trim() };
}

/** A backup of the instance, newest first, or undefined for all of them. */
async function pickBackupOrAll(ctx: CatalogContext, catalog: string, instance: string): Promise<string | undefined> {
  const model = await ctx.tree.instance(catalog, instance);
  const backups = [...(model?.byId.values() ?? [])].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const all = { label: vscode.l10n.t('All backups of {0}', instance), id: undefined as string | undefined };
  const items = [
    ...backups.map((b) => ({ label: b.id, description: `${b.mode} ${b.walMode} · ${b.status}`, id: b.id as string | undefined, ...(b.note !== undefined ? { detail: b.note } : {}) })),
    all,
  ];
  const chosen = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('Validate which backup of {0}?', instance) });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen.id;
}

export function validate(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ target: TargetArg }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const node = inv.node;
    // From the palette, ask what to validate: a whole catalog fails for any one bad backup (a
    // failed run included) without saying much, which is rarely what was meant.
    const fromPalette = node === undefined && inv.interactive && inv.args.instance === undefined && inv.args.backupId === undefined;
    const instance = node?.kind === 'catalog' ? undefined : inv.args.instance ?? (node || fromPalette ? await pickInstance(ctx, inv, catalog) : undefined);
    const binary = await binaryFor(ctx, catalog, instance);
    const backupId = node?.kind === 'backup' || node?.kind === 'timelineBackup' || inv.args.backupId !== undefined
      ? await pickBackup(ctx, inv, catalog, instance ?? '')
      : fromPalette && instance !== undefined ? await pickBackupOrAll(ctx, catalog, instance) : undefined;
    const target = inv.interactive ? await askTarget(vscode.l10n.t('Validate up to a recovery target?')) : targetFromArg(inv.args.target);
    const what = backupId ?? instance ?? catalog;
    try {
      const out = await ctx.runner.run({
        title: vscode.l10n.t('Validating {0}', what),
        invocation: validateCommand({ binary: binary.path, catalog, ...(instance ? { instance } : {}), ...(backupId ? { backupId } : {}), ...(target ? { target } : {}), progress: true }),
        track: 'validate',
        lock: { catalog, instance },
        ...(inv.args.signal ? { signal: inv.args.signal } : {}),
      });
      const valid = out.backups.filter((b) => b.result === 'valid').length;
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}: {1} backup(s) valid.', what, valid));
      // The lesson walkthrough ticks its "show and validate" step on a successful validate.
      if (valid > 0) void Promise.resolve(vscode.commands.executeCommand('pgBackupStudio.walkthrough.markStep', { step: 'validate' })).catch(() => undefined);
      return { ok: true as const, backups: out.backups };
    } catch (e) {
      const backups = isProbackupError(e) ? validationResults(e.stderr ?? '') : [];
      const failed = await ctx.runner.report(e);
      return { ...failed, backups };
    } finally {
      ctx.tree.refresh(catalog);
    }
  });
}
