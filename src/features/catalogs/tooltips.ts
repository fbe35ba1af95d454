// Markdown tooltips of the tree: every field of a backup, a timeline and the recoverable window.
import * as vscode from 'vscode';
import type { Backup, Timeline } from '../../core/probackup/backup';
import type { BackupNode } from '../../core/probackup/catalogModel';
import { isPinned } from '../../core/probackup/catalogModel';
import type { RangeEnd, RecoverableWindow } from '../../core/probackup/recoverableWindow';
import { formatBytes, formatTime } from '../../core/probackup/format';

function esc(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function row(label: string, value: string | undefined): string {
  return `| ${esc(label)} | ${value === undefined || value === '' ? '—' : esc(value)} |`;
}

/** The rows of a backup's table, also used by the report document. */
export function backupRows(b: Backup, node?: BackupNode): [string, string | undefined][] {
  const rows: [string, string | undefined][] = [
    ['Status', b.status],
    ['Mode', b.mode],
    ['WAL mode', b.walMode],
    ['Parent backup', b.parentBackupId],
    ['Start time', formatTime(b.startTime)],
    ['End time', formatTime(b.endTime)],
    ['Recovery time', formatTime(b.recoveryTime)],
    ['Recovery XID', b.recoveryXid?.toString()],
    ['Timeline', b.timeline?.toString()],
    ['Parent timeline', b.parentTimeline?.toString()],
    ['Start LSN', b.startLsn],
    ['Stop LSN', b.stopLsn],
    ['Data size', formatBytes(b.dataBytes)],
    ['WAL size', formatBytes(b.walBytes)],
    ['Uncompressed size', formatBytes(b.uncompressedBytes)],
    ['PGDATA size', formatBytes(b.pgdataBytes)],
    ['Compression', b.compressAlg === undefined ? undefined : `${b.compressAlg}${b.compressAlg !== 'none' && b.compressLevel !== undefined ? ` level ${b.compressLevel}` : ''}`],
    ['Server version', b.serverVersion],
    ['pg_probackup version', b.programVersion],
    ['From replica', b.fromReplica === undefined ? undefined : b.fromReplica ? 'yes' : 'no'],
    ['Block size', b.blockSize?.toString()],
    ['WAL block size', b.walBlockSize?.toString()],
    ['Checksum version', b.checksumVersion?.toString()],
    ['Pinned', pinnedText(b)],
    ['Expire time', b.expireTime !== undefined ? formatTime(b.expireTime) : undefined],
    ['Note', b.note],
    ['External directories', b.externalDirs?.join(', ')],
    ['Content CRC', b.contentCrc?.toString()],
  ];
  if (node?.orphanedBy) {
    rows.splice(1, 0, [
      'Orphaned by',
      node.orphanedBy.status === 'MISSING'
        ? `parent ${node.orphanedBy.backupId} is missing from the catalog`
        : `${node.orphanedBy.backupId}, which is ${node.orphanedBy.status}`,
    ]);
  }
  for (const [k, v] of Object.entries(b.extra)) rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return rows;
}

export function table(rows: readonly (readonly [string, string | undefined])[]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => row(k, v))].join('\n');
}

export function backupTooltip(b: Backup, node: BackupNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**Backup ${esc(b.id)}** — ${esc(b.instance)}\n\n${table(backupRows(b, node))}`);
  md.supportThemeIcons = true;
  return md;
}

/** Where a range ends: inside its last archived segment (recovery stops where the WAL in it ends), or the backup's own recovery point. */
export function describeEnd(end: RangeEnd): string {
  return end.kind === 'wal'
    ? `the end of the archived WAL, somewhere in segment ${end.lastSegment} (timeline ${end.timeline}, past ${end.segmentStartLsn})`
    : `${formatTime(end.time)} (LSN ${end.lsn ?? '—'}, the backup's own recovery point)`;
}

export function windowTooltip(w: RecoverableWindow | undefined, instance: string): vscode.MarkdownString {
  if (!w) {
    return new vscode.MarkdownString(`**Recoverable window of ${esc(instance)}**\n\nNo backup can be restored: none is OK/DONE along its whole chain with its WAL present.`);
  }
  const lines = [
    `**Recoverable window of ${esc(instance)}**`,
    '',
    `From **${esc(formatTime(w.from.time))}** (backup ${esc(w.from.backupId)}, LSN ${esc(w.from.lsn ?? '—')})`,
    `to **${esc(describeEnd(w.to))}**${w.toAtLeast && w.to.kind === 'wal' ? `, at least ${esc(formatTime(w.toAtLeast))}` : ''}.`,
    '',
    '| Backup | WAL | Restores from | Reaches |',
    '|---|---|---|---|',
    ...w.ranges.map((r) => `| ${esc(r.backup.backupId)} | ${esc(r.walMode)} | ${esc(formatTime(r.backup.time))} | ${esc(describeEnd(r.end))} |`),
  ];
  if (w.missingWal.length > 0) lines.push('', `$(warning) WAL missing from the archive for: ${w.missingWal.map(esc).join(', ')}`);
  const md = new vscode.MarkdownString(lines.join('\n'));
  md.supportThemeIcons = true;
  return md;
}

export function timelineTooltip(t: Timeline, statusOf: (id: string) => string): vscode.MarkdownString {
  const rows: [string, string | undefined][] = [
    ['Status', t.status],
    ['Parent timeline', t.parentTli === 0 ? 'none' : String(t.parentTli)],
    ['Switch point', t.switchpoint],
    ['First segment', t.minSegno],
    ['Last segment', t.maxSegno],
    ['Segments', String(t.segmentCount)],
    ['Size', formatBytes(t.sizeBytes)],
    ['Compression ratio', t.zratio.toFixed(2)],
    ['Closest backup', t.closestBackupId],
    ['Lost segments', t.lostSegments.length === 0 ? 'none' : t.lostSegments.map((l) => `${l.beginSegno}–${l.endSegno}`).join(', ')],
    ['Backups on it', t.backups.length === 0 ? 'none' : t.backups.map((b) => `${b.id} (${statusOf(b.id) || b.status})`).join(', ')],
  ];
  return new vscode.MarkdownString(`**Timeline ${t.tli}**\n\n${table(rows)}`);
}

/** A pin holds only until its expire time: after that the backup is subject to retention again. */
export function pinnedText(b: Backup, now: Date = new Date()): string {
  if (b.expireTime === undefined) return 'no';
  return isPinned(b, now) ? `yes, until ${formatTime(b.expireTime)}` : `no (the pin expired ${formatTime(b.expireTime)})`;
}
