// Restore: a backup (or the latest that fits), a target directory, a PITR target offered from
// the recoverable window, and a pre-flight that refuses a running server's directory and
// explains a non-empty one before pg_probackup does, offering an incremental restore
// (-I checksum / -I lsn) when the directory holds an older copy of the same instance.
import * as vscode from 'vscode';
import { showConfigCommand } from '../../core/probackup/catalogCommands';
import type { RecoveryTarget } from '../../core/probackup/commandArgs';
import { restoreCommand } from '../../core/probackup/dataCommands';
import type { IncrementalMode } from '../../core/probackup/dataCommands';
import { runInvocation } from '../../core/process/runner';
import { askTarget, targetFromArg } from './commands/backupCommands';
import type { TargetArg } from './commands/backupCommands';
import type { CatalogContext } from './commandContext';
import { binaryFor, confirmed, guarded, invoked, pickCatalog, pickInstance, runAsFor, Stop } from './commandContext';
import { commandLine, formatTime } from '../../core/probackup/format';
import { restorePreflight } from '../../core/probackup/restorePreflight';

export interface RestoreArgs {
  readonly targetDir: string;
  readonly target: TargetArg;
  readonly incremental: Exclude<IncrementalMode, 'none'>;
}

async function askTargetDir(): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    title: vscode.l10n.t('Restore into this folder (new or empty, or an older copy of the same cluster)'), openLabel: vscode.l10n.t('Restore Here'),
  });
  const p = picked?.[0]?.fsPath;
  if (!p) throw new Stop('cancelled', '');
  return p;
}

export function restore(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<RestoreArgs>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const model = await ctx.tree.instance(catalog, instance);
    const n = inv.node;
    let backupId = n?.kind === 'backup' ? n.node.backup.id : n?.kind === 'timelineBackup' ? n.backupId : inv.args.backupId;
    if (backupId === undefined && inv.interactive) {
      const latest = vscode.l10n.t('The latest backup that fits the target');
      const items = [{ label: latest, description: '' }, ...[...(model?.byId.values() ?? [])].filter((b) => b.status === 'OK' || b.status === 'DONE')
        .map((b) => ({ label: b.id, description: `${b.mode} ${b.walMode} · ${formatTime(b.recoveryTime)}` }))];
      const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Backup to restore') });
      if (!chosen) throw new Stop('cancelled', '');
      if (chosen.label !== latest) backupId = chosen.label;
    }
    const targetDir = inv.args.targetDir ?? await askTargetDir();
    const w = model?.window;
    const target: RecoveryTarget | undefined = inv.interactive
      ? await askTarget(
        w ? vscode.l10n.t('Recover to a point? The window runs from {0} to {1}', formatTime(w.from.time), w.to.kind === 'wal' ? w.to.lsn : formatTime(w.to.time)) : vscode.l10n.t('Recover to a point?'),
        { ...(w?.toAtLeast ? { time: formatTime(w.toAtLeast) } : {}), ...(w?.to.kind === 'wal' ? { lsn: w.to.lsn } : w?.to.lsn ? { lsn: w.to.lsn } : {}) })
      : targetFromArg(inv.args.target);
    const runAs = runAsFor(inv.args.osUser);

    // Pre-flight, before pg_probackup refuses with a bare "destination is not empty".
    let systemId: string | undefined;
    try {
      systemId = (await runInvocation(showConfigCommand({ binary: binary.path, catalog, instance }))).systemIdentifier;
    } catch {
      systemId = undefined;
    }
    const pre = restorePreflight(targetDir, systemId);
    let incremental = inv.args.incremental;
    switch (pre.kind) {
      case 'running':
        throw new Stop('restore-target-running', vscode.l10n.t('A PostgreSQL server (pid {0}) is running in {1}. Stop it, or restore into another folder: pg_probackup refuses a running server\'s directory, even with --force.', pre.pid, targetDir));
      case 'unusable':
        throw new Stop('restore-target-unusable', pre.reason);
      case 'not-empty':
        throw new Stop('restore-target-not-empty', vscode.l10n.t('{0}. pg_probackup restores only into an empty folder (even with --force). Choose an empty or new folder.', pre.reason));
      case 'same-instance':
        if (incremental === undefined) {
          if (!inv.interactive) {
            throw new Stop('restore-target-not-empty', vscode.l10n.t('{0} holds an older copy of instance {1}: pass incremental "checksum" or "lsn" to update it in place.', targetDir, instance));
          }
          const pick = await vscode.window.showQuickPick([
            { label: '-I checksum', mode: 'checksum' as const, detail: vscode.l10n.t('Compare every page by checksum; rewrite only the pages that differ.') },
            { label: '-I lsn', mode: 'lsn' as const, detail: vscode.l10n.t('Trust page LSNs (needs data checksums or wal_log_hints); faster.') },
          ], { title: vscode.l10n.t('{0} holds an older copy of {1}: restore incrementally?', targetDir, instance) });
          if (!pick) throw new Stop('cancelled', '');
          incremental = pick.mode;
        }
        break;
      case 'empty':
        incremental = undefined;
        break;
    }
    const invocation = restoreCommand({
      binary: binary.path, catalog, instance, pgdata: targetDir, progress: true,
      ...(backupId !== undefined ? { backupId } : {}),
      ...(target ? { target } : {}),
      ...(incremental ? { incrementalMode: incremental } : {}),
    });
    const what = backupId ?? vscode.l10n.t('the latest backup');
    const ok = await confirmed(inv, vscode.l10n.t('Restore {0} of {1} into {2}?', what, instance, targetDir), commandLine(invocation), vscode.l10n.t('Restore'));
    if (!ok) return { ok: false as const, code: 'cancelled', message: '' };
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Restoring {0} into {1}', what, targetDir),
      invocation,
      track: 'restore',
      lock: { catalog, instance },
      runOptions: runAs,
      ...(inv.args.signal ? { signal: inv.args.signal } : {}),
    });
    void vscode.window.showInformationMessage(vscode.l10n.t('Restored {0} into {1}. Start the server there to recover.', out.backupId ?? what, targetDir));
    return { ok: true as const, backupId: out.backupId, targetDir, incremental: incremental ?? null, commandLine: commandLine(invocation) };
  });
}
