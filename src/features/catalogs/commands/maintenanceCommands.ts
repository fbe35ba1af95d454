// Destructive and checking commands: delete one backup (a --dry-run preview first, then a modal
// confirmation), delete expired backups by retention, merge, and checkdb.
import * as vscode from 'vscode';
import { retentionPurge } from '../../../core/probackup/retention';
import { walkNodes } from '../../../core/probackup/catalogModel';
import { checkdbCommand, deleteCommand, mergeCommand } from '../../../core/probackup/dataCommands';
import { parseLogLine } from '../../../core/probackup/logLines';
import type { CatalogContext } from '../commandContext';
import {
  binaryFor, confirmed, guarded, invoked, passwordFor, pickBackup, pickCatalog, pickConnection, pickInstance, runAsFor, Stop,
} from '../commandContext';

function infoLines(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const p = parseLogLine(l);
    return p && (p.level === 'INFO' || p.level === 'WARNING') && !p.message.startsWith('Progress:') ? [p.message] : [];
  });
}

export function deleteBackup(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const backupId = await pickBackup(ctx, inv, catalog, instance);
    const lines: string[] = [];
    await ctx.runner.run({
      title: vscode.l10n.t('Previewing delete of {0}', backupId),
      invocation: deleteCommand({ binary: binary.path, catalog, instance, backupId, dryRun: true }),
      lock: { catalog, instance },
      onLine: (l) => lines.push(l),
    });
    // pg_probackup deletes the backup and every backup that descends from it.
    const model = await ctx.tree.instance(catalog, instance);
    const node = model ? [...walkNodes(model.chains)].find((n) => n.backup.id === backupId) : undefined;
    const preview = node ? [...walkNodes([node])].map((n) => n.backup.id) : [backupId];
    const detail = [
      vscode.l10n.t('These backups will be deleted: {0}.', preview.join(', ')),
      ...infoLines(lines),
    ].join('\n');
    if (!await confirmed(inv, vscode.l10n.t('Delete backup {0}?', backupId), detail, vscode.l10n.t('Delete'))) {
      return { ok: false as const, code: 'cancelled', message: '', preview };
    }
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Deleting backup {0}', backupId),
      invocation: deleteCommand({ binary: binary.path, catalog, instance, backupId, progress: true }),
      track: 'delete',
      lock: { catalog, instance },
      runOptions: runAsFor(inv.args.osUser),
    });
    ctx.tree.refresh(catalog);
    return { ok: true as const, preview, deleted: out.deleted.length > 0 ? out.deleted : preview };
  });
}

export function deleteExpired(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ retentionRedundancy: number; retentionWindow: number; mergeExpired: boolean; deleteWal: boolean }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const retention = {
      ...(inv.args.retentionRedundancy !== undefined ? { redundancy: inv.args.retentionRedundancy } : {}),
      ...(inv.args.retentionWindow !== undefined ? { window: inv.args.retentionWindow } : {}),
    };
    const opts = {
      binary: binary.path, catalog, instance, deleteExpired: true,
      ...(inv.args.mergeExpired ? { mergeExpired: true } : {}), ...(inv.args.deleteWal ? { deleteWal: true } : {}),
      ...(Object.keys(retention).length > 0 ? { retention } : {}),
    };
    const lines: string[] = [];
    const dry = await ctx.runner.run({ title: vscode.l10n.t('Evaluating retention of {0}', instance), invocation: deleteCommand({ ...opts, dryRun: true }), lock: { catalog, instance }, onLine: (l) => lines.push(l) });
    // The dry run lists verdicts only; an expired backup that a kept (e.g. pinned) child needs stays.
    const model = await ctx.tree.instance(catalog, instance);
    const plan = retentionPurge(dry.verdicts, (id) => model?.byId.get(id)?.parentBackupId);
    const expired = [...plan.deleted];
    if (expired.length === 0 && !inv.args.deleteWal) {
      void vscode.window.showInformationMessage(plan.retained.length === 0
        ? vscode.l10n.t('No backup of {0} is expired by its retention policy.', instance)
        : vscode.l10n.t('No backup of {0} would be deleted: the expired ones are needed by backups that are kept ({1}).', instance,
          plan.retained.map((r) => `${r.backupId} ← ${r.descendant}`).join(', ')));
      return { ok: true as const, preview: expired, retained: plan.retained, deleted: [] as string[], verdicts: dry.verdicts };
    }
    const detail = [
      vscode.l10n.t('To delete: {0}', expired.join(', ') || '—'),
      ...(plan.retained.length > 0 ? [vscode.l10n.t('Expired but kept, needed by a kept backup: {0}', plan.retained.map((r) => `${r.backupId} (for ${r.descendant})`).join(', '))] : []),
      ...(inv.args.mergeExpired ? [vscode.l10n.t('With merge: expired backups may be merged into their kept descendants instead of deleted.')] : []),
      ...infoLines(lines),
    ].join('\n');
    if (!await confirmed(inv, vscode.l10n.t('Delete {0} expired backup(s) of {1}?', expired.length, instance), detail, vscode.l10n.t('Delete Expired'))) {
      return { ok: false as const, code: 'cancelled', message: '', preview: expired };
    }
    const out = await ctx.runner.run({ title: vscode.l10n.t('Deleting expired backups of {0}', instance), invocation: deleteCommand(opts), lock: { catalog, instance }, runOptions: runAsFor(inv.args.osUser) });
    ctx.tree.refresh(catalog);
    return { ok: true as const, preview: expired, retained: plan.retained, deleted: out.deleted, merged: out.merged, verdicts: dry.verdicts };
  });
}

export function merge(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const backupId = await pickBackup(ctx, inv, catalog, instance, (b) => b.mode !== 'FULL');
    const ok = await confirmed(inv, vscode.l10n.t('Merge backup {0} into its FULL backup?', backupId),
      vscode.l10n.t('The chain up to {0} becomes one FULL backup; the incremental backups merged into it are removed.', backupId), vscode.l10n.t('Merge'));
    if (!ok) return { ok: false as const, code: 'cancelled', message: '' };
    try {
      const out = await ctx.runner.run({
        title: vscode.l10n.t('Merging {0}', backupId),
        invocation: mergeCommand({ binary: binary.path, catalog, instance, backupId, progress: true }),
        track: 'merge',
        lock: { catalog, instance },
        runOptions: runAsFor(inv.args.osUser),
        ...(inv.args.signal ? { signal: inv.args.signal } : {}),
      });
      return { ok: true as const, backupId: out.backupId, deleted: out.deleted, ...(out.fullBackupId === undefined ? {} : { fullBackupId: out.fullBackupId }) };
    } finally {
      ctx.tree.refresh(catalog);
    }
  });
}

export function checkdb(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ amcheck: boolean; pgdata: string; connectionName: string }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    let amcheck = inv.args.amcheck;
    if (amcheck === undefined && inv.interactive) {
      const files = vscode.l10n.t('Data files only (page checksums)');
      const withAmcheck = vscode.l10n.t('Data files and indexes (--amcheck, needs the amcheck extension)');
      const pick = await vscode.window.showQuickPick([files, withAmcheck], { ignoreFocusOut: true, title: vscode.l10n.t('checkdb of {0}', instance) });
      if (!pick) throw new Stop('cancelled', '');
      amcheck = pick === withAmcheck;
    }
    const connection = await pickConnection(ctx, inv, true);
    const password = await passwordFor(ctx, inv, connection);
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Checking {0}', instance),
      invocation: checkdbCommand({
        binary: binary.path, catalog, instance, progress: true,
        ...(amcheck ? { amcheck: true } : {}),
        ...(inv.args.pgdata ? { pgdata: inv.args.pgdata } : {}),
        ...(connection ? { connection: { host: connection.host, port: connection.port, user: connection.user, database: connection.database, ...(password ? { password } : {}) } } : {}),
      }),
      track: amcheck ? 'checkdb-amcheck' : 'checkdb',
      lock: { catalog, instance },
      runOptions: runAsFor(inv.args.osUser ?? connection?.osUser),
    });
    void vscode.window.showInformationMessage(out.warnings.length === 0
      ? vscode.l10n.t('checkdb of {0}: no problem found.', instance)
      : vscode.l10n.t('checkdb of {0} finished with warnings: {1}', instance, out.warnings.join('; ')));
    return { ok: true as const, warnings: out.warnings };
  });
}
