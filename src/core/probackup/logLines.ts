// pg_probackup's console log (all on stderr) in its plain format: `LEVEL: message`.
// A message may run over several lines (libpq errors, "query was: ..."); a line with no
// level prefix belongs to the entry before it.
import { parseProbackupTime } from './timestamp';

export const LOG_LEVELS = ['VERBOSE', 'LOG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'FATAL', 'PANIC'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
}

const LINE_RE = /^(VERBOSE|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC): ?(.*)$/;

/** One line of the log, or undefined for a continuation line. */
export function parseLogLine(line: string): LogLine | undefined {
  const m = LINE_RE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!m) return undefined;
  return { level: m[1] as LogLevel, message: m[2] ?? '' };
}

/** The whole log as entries, continuation lines joined to their entry with "\n". */
export function parseLog(text: string): LogLine[] {
  const entries: { level: LogLevel; lines: string[] }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parsed = parseLogLine(line);
    if (parsed) entries.push({ level: parsed.level, lines: [parsed.message] });
    else if (entries.length > 0) entries[entries.length - 1]?.lines.push(line);
  }
  return entries.map((e) => {
    const lines = [...e.lines];
    while (lines.length > 1 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
    return { level: e.level, message: lines.join('\n') };
  });
}

export interface BackupStart {
  readonly backupId: string;
  readonly programVersion: string | undefined;
  readonly instance: string | undefined;
  readonly mode: string | undefined;
  readonly walMode: string | undefined;
  readonly compressAlgorithm: string | undefined;
  readonly compressLevel: number | undefined;
}

/** Reads `Backup start, pg_probackup version: V, instance: I, backup ID: X, backup mode: M, ...`. */
export function parseBackupStart(message: string): BackupStart | undefined {
  if (!message.startsWith('Backup start,')) return undefined;
  const fields = new Map<string, string>();
  for (const part of message.slice('Backup start,'.length).split(',')) {
    const i = part.indexOf(':');
    if (i > 0) fields.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const backupId = fields.get('backup ID');
  if (!backupId) return undefined;
  const level = fields.get('compress-level');
  return {
    backupId,
    programVersion: fields.get('pg_probackup version'),
    instance: fields.get('instance'),
    mode: fields.get('backup mode'),
    walMode: fields.get('wal mode'),
    compressAlgorithm: fields.get('compress-algorithm'),
    compressLevel: level !== undefined && /^\d+$/.test(level) ? Number(level) : undefined,
  };
}

/** What one log message tells about the state of a run or a backup. */
export type LogEvent =
  | { readonly kind: 'backup-start'; readonly start: BackupStart }
  | { readonly kind: 'backup-completed'; readonly backupId: string }
  | { readonly kind: 'backup-set-error'; readonly backupId: string }
  | { readonly kind: 'backup-validated'; readonly backupId: string; readonly part: 'data files' | 'WAL segments'; readonly valid: boolean }
  | { readonly kind: 'backup-valid'; readonly backupId: string }
  /** newStatus: what validate set the status to (a RUNNING backup whose process is gone becomes ERROR). */
  | { readonly kind: 'backup-skipped'; readonly backupId: string; readonly status: string; readonly newStatus?: string }
  | { readonly kind: 'backup-orphaned'; readonly backupId: string; readonly parentId: string; readonly parentStatus: string }
  /** orphaned: pg_probackup set it ORPHAN (it was OK or DONE); parentId undefined: the backup names none (printed as 0). */
  | { readonly kind: 'backup-parent-missing'; readonly backupId: string; readonly parentId: string | undefined; readonly orphaned: boolean }
  /** Not checked because a parent is not valid; its own status (not OK or DONE) is left as it was. */
  | { readonly kind: 'backup-parent-invalid'; readonly backupId: string; readonly parentId: string; readonly parentStatus: string }
  | { readonly kind: 'backup-not-locked'; readonly backupId: string }
  | { readonly kind: 'restore-completed'; readonly backupId: string }
  | { readonly kind: 'merge-completed'; readonly backupId: string }
  /** The end of a merge: the FULL backup takes the ID of the backup merged into it. */
  | { readonly kind: 'merged-full-renamed'; readonly fromId: string; readonly toId: string }
  | { readonly kind: 'backup-pinned'; readonly backupId: string; readonly until: Date | undefined }
  | { readonly kind: 'backup-unpinned'; readonly backupId: string }
  | { readonly kind: 'backup-deleted'; readonly backupId: string }
  | { readonly kind: 'retention-verdict'; readonly verdict: RetentionVerdict }
  | { readonly kind: 'catalog-initialized'; readonly path: string }
  | { readonly kind: 'instance-initialized'; readonly instance: string }
  | { readonly kind: 'some-backups-not-valid' }
  | { readonly kind: 'data-files-valid' }
  | { readonly kind: 'catchup-completed' };

export interface RetentionVerdict {
  readonly backupId: string;
  readonly mode: string;
  readonly status: string;
  /** "Redundancy: 2/1" → { actual: 2, required: 1 }. */
  readonly redundancy: { readonly actual: number; readonly required: number };
  readonly window: { readonly actual: string; readonly required: string };
  readonly expired: boolean;
}

const ID = '([0-9A-Z]+)';
const RULES: readonly [RegExp, (m: RegExpExecArray) => LogEvent | undefined][] = [
  [new RegExp(`^Backup ${ID} completed$`), (m) => ({ kind: 'backup-completed', backupId: g(m, 1) })],
  [new RegExp(`^Backup ${ID} is running, setting its status to ERROR$`), (m) => ({ kind: 'backup-set-error', backupId: g(m, 1) })],
  [new RegExp(`^Backup ${ID} (data files|WAL segments) are (valid|corrupted)$`), (m) => ({
    kind: 'backup-validated', backupId: g(m, 1), part: g(m, 2) === 'WAL segments' ? 'WAL segments' : 'data files', valid: g(m, 3) === 'valid',
  })],
  [new RegExp(`^Backup ${ID} is valid\\.?$`), (m) => ({ kind: 'backup-valid', backupId: g(m, 1) })],
  [new RegExp(`^Backup ${ID} has status:? (\\S+?)\\. Skip validation\\.?$`), (m) => ({ kind: 'backup-skipped', backupId: g(m, 1), status: g(m, 2) })],
  [new RegExp(`^Skipping backup ${ID}, because it has non-valid status: (\\S+)$`), (m) => ({ kind: 'backup-skipped', backupId: g(m, 1), status: g(m, 2) })],
  [new RegExp(`^Backup ${ID} has status (\\S+), change it to (\\S+) and skip validation$`), (m) => ({
    kind: 'backup-skipped', backupId: g(m, 1), status: g(m, 2), newStatus: g(m, 3),
  })],
  [new RegExp(`^Full backup ${ID} has status (\\S+), skip validation$`), (m) => ({ kind: 'backup-skipped', backupId: g(m, 1), status: g(m, 2) })],
  [new RegExp(`^Backup ${ID} is orphaned because his parent ${ID} has status: (\\S+)$`), (m) => ({
    kind: 'backup-orphaned', backupId: g(m, 1), parentId: g(m, 2), parentStatus: g(m, 3),
  })],
  [new RegExp(`^Backup ${ID} is orphaned because his parent ${ID} is missing$`), (m) => ({
    kind: 'backup-parent-missing', backupId: g(m, 1), parentId: parentIdOf(g(m, 2)), orphaned: true,
  })],
  [new RegExp(`^Backup ${ID} has missing parent ${ID}$`), (m) => ({
    kind: 'backup-parent-missing', backupId: g(m, 1), parentId: parentIdOf(g(m, 2)), orphaned: false,
  })],
  [new RegExp(`^Backup ${ID} has parent ${ID} with status: (\\S+)$`), (m) => ({
    kind: 'backup-parent-invalid', backupId: g(m, 1), parentId: g(m, 2), parentStatus: g(m, 3),
  })],
  [new RegExp(`^Cannot lock backup ${ID} directory, skip validation$`), (m) => ({ kind: 'backup-not-locked', backupId: g(m, 1) })],
  [new RegExp(`^Restore of backup ${ID} completed\\.?$`), (m) => ({ kind: 'restore-completed', backupId: g(m, 1) })],
  [new RegExp(`^Merge of backup ${ID} completed$`), (m) => ({ kind: 'merge-completed', backupId: g(m, 1) })],
  [new RegExp(`^Rename merged full backup ${ID} to ${ID}$`), (m) => ({ kind: 'merged-full-renamed', fromId: g(m, 1), toId: g(m, 2) })],
  [new RegExp(`^Backup ${ID} is pinned until '([^']*)'$`), (m) => ({ kind: 'backup-pinned', backupId: g(m, 1), until: parseProbackupTime(g(m, 2)) })],
  [new RegExp(`^Backup ${ID} is unpinned$`), (m) => ({ kind: 'backup-unpinned', backupId: g(m, 1) })],
  [new RegExp(`^Delete: ${ID} `), (m) => ({ kind: 'backup-deleted', backupId: g(m, 1) })],
  [
    new RegExp(`^Backup ${ID}, mode: (\\S+), status: (\\S+)\\. Redundancy: (\\d+)/(\\d+), Time Window: (\\S+)/(\\S+)\\. (Active|Expired)$`),
    (m) => ({
      kind: 'retention-verdict',
      verdict: {
        backupId: g(m, 1), mode: g(m, 2), status: g(m, 3),
        redundancy: { actual: Number(g(m, 4)), required: Number(g(m, 5)) },
        window: { actual: g(m, 6), required: g(m, 7) },
        expired: g(m, 8) === 'Expired',
      },
    }),
  ],
  [/^Backup catalog '(.*)' successfully initialized$/, (m) => ({ kind: 'catalog-initialized', path: g(m, 1) })],
  [/^Instance '(.*)' successfully initialized$/, (m) => ({ kind: 'instance-initialized', instance: g(m, 1) })],
  [/^Some backups are not valid$/, () => ({ kind: 'some-backups-not-valid' })],
  [/^Data files are valid$/, () => ({ kind: 'data-files-valid' })],
  [/^Databases synchronized\./, () => ({ kind: 'catchup-completed' })],
];

function g(m: RegExpExecArray, i: number): string {
  return m[i] ?? '';
}

/** pg_probackup prints a parent ID of 0 for a backup that failed before it chose a parent. */
function parentIdOf(id: string): string | undefined {
  return id === '0' ? undefined : id;
}

export function logEvent(line: LogLine): LogEvent | undefined {
  // Status messages are one line; whatever follows (a stray unprefixed line) is not part of them.
  const nl = line.message.indexOf('\n');
  const first = nl < 0 ? line.message : line.message.slice(0, nl);
  const start = parseBackupStart(first);
  if (start) return { kind: 'backup-start', start };
  for (const [re, make] of RULES) {
    const m = re.exec(first);
    if (m) return make(m);
  }
  return undefined;
}

export function logEvents(text: string): LogEvent[] {
  const events: LogEvent[] = [];
  for (const entry of parseLog(text)) {
    const e = logEvent(entry);
    if (e) events.push(e);
  }
  return events;
}

/** The ID of the backup a `backup` run created, as soon as its log names it. */
export function announcedBackupId(text: string): string | undefined {
  for (const e of logEvents(text)) {
    if (e.kind === 'backup-start') return e.start.backupId;
  }
  return undefined;
}
