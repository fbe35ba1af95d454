// The tree's ways into the WAL viewer: a backup's WAL (start LSN to stop LSN) and a timeline
// of the WAL archive (its first to its last segment). The viewer feature does the opening.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatLsn } from '../../../core/waldump/lsn';
import { parseWalFileName } from '../../../core/waldump/walSegment';
import type { Backup } from '../../../core/probackup/backup';
import type { CatalogContext } from '../commandContext';
import { guarded, invoked, pickBackup, pickCatalog, pickInstance, Stop } from '../commandContext';
import { isTreeNode } from '../treeNodes';

type Result = { ok: false; code: string; message: string } | Record<string, unknown>;

function refuse(message: string): Result {
  void vscode.window.showWarningMessage(message);
  return { ok: false, code: 'no-wal', message };
}

/** "Show WAL of this Backup": the backup's own range, from the archive or its pg_wal; from the palette, the backup is asked for. */
export function showBackupWal(ctx: CatalogContext) {
  return async (arg?: unknown): Promise<Result> => {
    const node = isTreeNode(arg) ? arg : undefined;
    let where: { catalog: string; instance: string; backup: Backup };
    if (node?.kind === 'backup') {
      where = { catalog: node.catalog, instance: node.instance, backup: node.node.backup };
    } else if (node !== undefined || (arg !== undefined && typeof (arg as { backupId?: unknown }).backupId !== 'string')) {
      // A tree node of another kind, or an argument object that names no backup.
      return refuse(vscode.l10n.t('Use "Show WAL of this Backup" on a backup in the Backups view.'));
    } else {
      // From the palette (or with { catalog?, instance?, backupId }): ask for what is missing.
      const picked = await guarded(ctx, async () => {
        const inv = invoked(arg);
        const catalog = await pickCatalog(ctx, inv);
        const instance = await pickInstance(ctx, inv, catalog);
        const id = await pickBackup(ctx, inv, catalog, instance, (b) => b.startLsn !== undefined && b.stopLsn !== undefined && b.timeline !== undefined);
        const backup = (await ctx.tree.instance(catalog, instance))?.byId.get(id);
        if (!backup) throw new Stop('no-backup', vscode.l10n.t('Instance {0} has no backup {1}.', instance, id));
        return { catalog, instance, backup };
      });
      if ('ok' in picked) return picked;
      where = picked;
    }
    const b = where.backup;
    if (!b.startLsn || !b.stopLsn || !b.timeline) {
      return refuse(vscode.l10n.t('Backup {0} has no WAL range (status {1}).', b.id, b.status));
    }
    return vscode.commands.executeCommand<Result>('pgBackupStudio.waldump.showBackupWal', {
      catalog: where.catalog, instance: where.instance, backupId: b.id, startLsn: b.startLsn, stopLsn: b.stopLsn, timeline: b.timeline,
    });
  };
}

/** "Open Timeline WAL": every archived segment of the timeline, paged by the viewer. */
export function openTimelineWal() {
  return async (arg?: unknown): Promise<Result> => {
    const node = isTreeNode(arg) ? arg : undefined;
    if (node?.kind !== 'timeline') return refuse(vscode.l10n.t('Use "Open Timeline WAL" on a timeline of a WAL archive.'));
    const first = parseWalFileName(node.timeline.minSegno);
    const last = parseWalFileName(node.timeline.maxSegno);
    if (!first || !last) return refuse(vscode.l10n.t('Timeline {0} lists no readable segment names.', node.timeline.tli));
    return vscode.commands.executeCommand<Result>('pgBackupStudio.waldump.openRange', {
      dir: path.join(node.catalog, 'wal', node.model.instance),
      startLsn: formatLsn(first.startLsn),
      endLsn: formatLsn(last.endLsn),
      timeline: node.timeline.tli,
      title: `WAL of timeline ${node.timeline.tli} (${node.model.instance})`,
    });
  };
}
