// TreeItems for each node kind: labels, icons with theme colours per status, tooltips and the
// contextValue the menus key on (catalog, instance, backup.<STATUS>, walArchive, timeline, ...).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPinned, isUsableNode, isUsableStatus, walkNodes } from '../../core/probackup/catalogModel';
import { backupLockHolder, IN_PROGRESS_STATUSES } from '../../core/probackup/backupLock';
import { formatBytes, formatTime } from '../../core/probackup/format';
import { backupTooltip, timelineTooltip, windowTooltip } from './tooltips';
import type { BackupTreeNode, CatalogNode, InstanceNode, MessageNode, TimelineBackupNode, TimelineNode, TreeNode, WalArchiveNode, WindowNode } from './treeNodes';

const C = vscode.TreeItemCollapsibleState;

/** Icon and colour of each status pg_probackup knows; anything else gets a question mark. */
export const STATUS_ICONS: Readonly<Record<string, readonly [string, string]>> = {
  OK: ['pass-filled', 'testing.iconPassed'],
  DONE: ['pass', 'charts.green'],
  RUNNING: ['sync~spin', 'charts.blue'],
  MERGING: ['git-merge', 'charts.yellow'],
  MERGED: ['git-merge', 'charts.green'],
  DELETING: ['trash', 'charts.orange'],
  DELETED: ['trash', 'disabledForeground'],
  ERROR: ['error', 'testing.iconFailed'],
  CORRUPT: ['bug', 'errorForeground'],
  ORPHAN: ['debug-disconnect', 'charts.orange'],
  UNKNOWN: ['question', 'charts.yellow'],
};

export function statusIcon(status: string): vscode.ThemeIcon {
  const [icon, color] = STATUS_ICONS[status] ?? ['question', 'charts.yellow'];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

function catalogItem(n: CatalogNode): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(n.catalog) || n.catalog, C.Expanded);
  item.description = n.fromJson ? `${n.catalog} (recorded)` : n.catalog;
  item.tooltip = new vscode.MarkdownString(`**Backup catalog**\n\n\`${n.catalog}\``);
  item.iconPath = new vscode.ThemeIcon('database');
  item.contextValue = n.fromJson ? 'catalog.recorded' : 'catalog';
  return item;
}

function instanceItem(n: InstanceNode): vscode.TreeItem {
  const m = n.model;
  const item = new vscode.TreeItem(m.instance, C.Expanded);
  const count = m.byId.size;
  // By chain, not status alone: an OK backup whose parent is gone or broken cannot be restored either.
  const bad = [...walkNodes(m.chains)].filter((b) => !isUsableNode(b)).length;
  item.description = `${count} backup${count === 1 ? '' : 's'}${bad > 0 ? `, ${bad} not usable` : ''}`;
  item.iconPath = new vscode.ThemeIcon('server-environment');
  item.contextValue = 'instance';
  item.tooltip = new vscode.MarkdownString(`**Instance ${m.instance}**\n\n${count} backups, ${m.timelines.length} WAL timelines`);
  return item;
}

function backupItem(n: BackupTreeNode): vscode.TreeItem {
  const b = n.node.backup;
  const item = new vscode.TreeItem(`${b.id} ${b.mode} ${b.walMode}`, n.node.children.length > 0 ? C.Expanded : C.None);
  const orphan = n.node.orphanedBy;
  const cause = orphan ? (orphan.status === 'MISSING' ? ` — parent ${orphan.backupId} missing` : ` — parent ${orphan.backupId} is ${orphan.status}`) : '';
  const pinned = isPinned(b) ? ' · pinned' : '';
  // RUNNING (MERGING, DELETING) after its pg_probackup process was killed: say so, no spinner.
  const holder = IN_PROGRESS_STATUSES.has(b.status) ? backupLockHolder(n.catalog, n.instance, b.id) : undefined;
  const ended = holder !== undefined && !holder.alive;
  const interrupted = ended ? vscode.l10n.t(' — interrupted: process {0} has ended', holder.pid) : '';
  item.description = `${formatTime(b.startTime)} · ${b.status}${cause}${interrupted}${pinned}`;
  // An OK backup on a broken chain gets the warning icon, not the green one of its own status.
  item.iconPath = ended ? new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('charts.red'))
    : isUsableStatus(b.status) && !isUsableNode(n.node) ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange')) : statusIcon(b.status);
  item.tooltip = backupTooltip(b, n.node);
  item.contextValue = `backup.${b.status}`;
  return item;
}

function walArchiveItem(n: WalArchiveNode): vscode.TreeItem {
  const m = n.model;
  const hasKids = n.error !== undefined || m.timelines.length > 0;
  const item = new vscode.TreeItem(vscode.l10n.t('WAL archive'), hasKids ? C.Collapsed : C.None);
  item.iconPath = new vscode.ThemeIcon('archive');
  item.contextValue = 'walArchive';
  if (n.error !== undefined) item.description = vscode.l10n.t('could not be read');
  else if (!m.archiveKnown) item.description = vscode.l10n.t('not read');
  else if (m.timelines.length === 0) item.description = vscode.l10n.t('empty (no archived WAL)');
  else {
    const size = m.timelines.reduce((s, t) => s + t.sizeBytes, 0);
    const degraded = m.timelines.filter((t) => t.status !== 'OK').length;
    item.description = `${m.timelines.length} timeline${m.timelines.length === 1 ? '' : 's'}, ${formatBytes(size)}${degraded ? `, ${degraded} DEGRADED` : ''}`;
  }
  item.tooltip = n.error ?? (item.description as string);
  return item;
}

function timelineItem(n: TimelineNode): vscode.TreeItem {
  const t = n.timeline;
  const kids = t.lostSegments.length + t.backups.length;
  const item = new vscode.TreeItem(vscode.l10n.t('Timeline {0}', t.tli), kids > 0 ? C.Collapsed : C.None);
  item.description = `${t.minSegno} – ${t.maxSegno} · ${t.segmentCount} segments · ${formatBytes(t.sizeBytes)} · ${t.status}`
    + (t.lostSegments.length > 0 ? ` · ${t.lostSegments.length} gap${t.lostSegments.length === 1 ? '' : 's'}` : '');
  item.iconPath = new vscode.ThemeIcon('git-commit', new vscode.ThemeColor(t.status === 'OK' ? 'charts.green' : 'charts.orange'));
  item.tooltip = timelineTooltip(t, (id) => n.model.byId.get(id)?.status ?? '');
  item.contextValue = t.status === 'OK' ? 'timeline' : 'timeline.degraded';
  return item;
}

function windowItem(n: WindowNode): vscode.TreeItem {
  const w = n.model.window;
  const item = new vscode.TreeItem(vscode.l10n.t('Recoverable window'), C.None);
  if (w) {
    // The archive ends somewhere inside its last segment: name the segment, not its end LSN, which recovery never reaches.
    const to = w.to.kind === 'wal' ? `end of WAL in ${w.to.lastSegment}` : formatTime(w.to.time);
    item.description = `${formatTime(w.from.time)} → ${to}`;
    item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor(w.missingWal.length > 0 ? 'charts.orange' : 'charts.green'));
  } else {
    item.description = vscode.l10n.t('nothing restorable');
    item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('errorForeground'));
  }
  item.tooltip = windowTooltip(w, n.model.instance);
  item.contextValue = 'window';
  return item;
}

function timelineBackupItem(n: TimelineBackupNode): vscode.TreeItem {
  const item = new vscode.TreeItem(n.backupId, C.None);
  item.description = vscode.l10n.t('{0} backup on this timeline · {1}', n.mode, n.status);
  item.iconPath = statusIcon(n.status);
  item.contextValue = 'timelineBackup';
  return item;
}

function messageItem(n: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(n.text, C.None);
  const icon: Record<MessageNode['severity'], vscode.ThemeIcon> = {
    error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
    warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
    info: new vscode.ThemeIcon('info'),
    loading: new vscode.ThemeIcon('loading~spin'),
  };
  item.iconPath = icon[n.severity];
  item.tooltip = n.detail ?? n.text;
  if (n.detail !== undefined && n.detail !== n.text) item.description = n.detail;
  if (n.action) {
    item.command = { command: n.action.command, title: n.action.title, arguments: [...(n.action.args ?? [])] };
    item.description = n.action.title;
  }
  item.contextValue = `message.${n.severity}`;
  return item;
}

export function treeItemOf(n: TreeNode): vscode.TreeItem {
  let item: vscode.TreeItem;
  switch (n.kind) {
    case 'catalog': item = catalogItem(n); break;
    case 'instance': item = instanceItem(n); break;
    case 'backup': item = backupItem(n); break;
    case 'walArchive': item = walArchiveItem(n); break;
    case 'timeline': item = timelineItem(n); break;
    case 'window': item = windowItem(n); break;
    case 'timelineBackup': item = timelineBackupItem(n); break;
    case 'message': item = messageItem(n); break;
  }
  item.id = n.id;
  return item;
}

