// The typed, camelCased domain objects built from pg_probackup's JSON (see showSchema.ts).
import type { RawBackup, RawShowConfig, RawTimeline } from './showSchema';
import { parseProbackupTime } from './timestamp';

/** Statuses pg_probackup 2.5 knows (statusName in its util.c). Others are kept as their text. */
export const KNOWN_STATUSES = [
  'UNKNOWN', 'OK', 'ERROR', 'RUNNING', 'MERGING', 'MERGED', 'DELETING', 'DELETED', 'DONE', 'ORPHAN', 'CORRUPT',
] as const;
export type KnownBackupStatus = (typeof KNOWN_STATUSES)[number];
// `string & {}` keeps editor completion for the known values while allowing any text.
export type BackupStatus = KnownBackupStatus | (string & {});

export const BACKUP_MODES = ['FULL', 'PAGE', 'DELTA', 'PTRACK'] as const;
export type KnownBackupMode = (typeof BACKUP_MODES)[number];
export type BackupMode = KnownBackupMode | (string & {});
export type WalMode = 'STREAM' | 'ARCHIVE' | (string & {});

export interface TablespaceLink {
  readonly oid: string;
  readonly path: string;
}

export interface Backup {
  readonly id: string;
  readonly instance: string;
  readonly status: BackupStatus;
  readonly mode: BackupMode;
  readonly walMode: WalMode;
  readonly parentBackupId: string | undefined;
  readonly compressAlg: string | undefined;
  readonly compressLevel: number | undefined;
  readonly fromReplica: boolean | undefined;
  readonly blockSize: number | undefined;
  readonly walBlockSize: number | undefined;
  readonly checksumVersion: number | undefined;
  readonly programVersion: string | undefined;
  readonly serverVersion: string | undefined;
  /** current-tli: the timeline the backup was taken on (0 when it failed before starting). */
  readonly timeline: number | undefined;
  readonly parentTimeline: number | undefined;
  readonly startLsn: string | undefined;
  readonly stopLsn: string | undefined;
  readonly startTime: Date;
  readonly endTime: Date | undefined;
  readonly recoveryXid: number | undefined;
  /** The earliest time a restore of this backup is consistent at. */
  readonly recoveryTime: Date | undefined;
  /** Pinned until then (set with --ttl or --expire-time). */
  readonly expireTime: Date | undefined;
  readonly dataBytes: number | undefined;
  readonly walBytes: number | undefined;
  readonly uncompressedBytes: number | undefined;
  readonly pgdataBytes: number | undefined;
  readonly primaryConninfo: string | undefined;
  readonly externalDirs: readonly string[] | undefined;
  readonly note: string | undefined;
  readonly contentCrc: number | undefined;
  readonly tablespaceMap: readonly TablespaceLink[] | undefined;
  /** Keys this version of the parser does not know, as printed. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface InstanceBackups {
  readonly instance: string;
  /** Newest first, as pg_probackup prints them. */
  readonly backups: readonly Backup[];
}

export interface LostSegments {
  readonly beginSegno: string;
  readonly endSegno: string;
}

export type TimelineStatus = 'OK' | 'DEGRADED' | (string & {});

export interface Timeline {
  readonly tli: number;
  readonly parentTli: number;
  readonly switchpoint: string;
  readonly minSegno: string;
  readonly maxSegno: string;
  readonly segmentCount: number;
  readonly sizeBytes: number;
  readonly zratio: number;
  readonly closestBackupId: string | undefined;
  readonly status: TimelineStatus;
  readonly lostSegments: readonly LostSegments[];
  readonly backups: readonly Backup[];
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface InstanceArchive {
  readonly instance: string;
  /** Newest timeline first, as printed. */
  readonly timelines: readonly Timeline[];
}

export interface InstanceConfig {
  readonly pgdata: string | undefined;
  readonly systemIdentifier: string | undefined;
  readonly xlogSegSize: number | undefined;
  readonly pgdatabase: string | undefined;
  readonly pghost: string | undefined;
  readonly pgport: number | undefined;
  readonly pguser: string | undefined;
  readonly archiveTimeout: string | undefined;
  readonly retentionRedundancy: number | undefined;
  readonly retentionWindow: number | undefined;
  readonly walDepth: number | undefined;
  readonly compressAlgorithm: string | undefined;
  readonly compressLevel: number | undefined;
  readonly logLevelConsole: string | undefined;
  readonly logLevelFile: string | undefined;
  readonly restoreCommand: string | undefined;
  readonly remoteProto: string | undefined;
  readonly remoteHost: string | undefined;
  /** Every key as printed, including those above. */
  readonly raw: Readonly<Record<string, string>>;
}

export const BACKUP_KEYS: ReadonlySet<string> = new Set([
  'id', 'parent-backup-id', 'backup-mode', 'wal', 'compress-alg', 'compress-level', 'from-replica', 'block-size',
  'xlog-block-size', 'checksum-version', 'program-version', 'server-version', 'current-tli', 'parent-tli',
  'start-lsn', 'stop-lsn', 'start-time', 'end-time', 'recovery-xid', 'recovery-time', 'expire-time', 'data-bytes',
  'wal-bytes', 'uncompressed-bytes', 'pgdata-bytes', 'primary_conninfo', 'external-dirs', 'status', 'note',
  'content-crc', 'tablespace_map',
]);

export const TIMELINE_KEYS: ReadonlySet<string> = new Set([
  'tli', 'parent-tli', 'switchpoint', 'min-segno', 'max-segno', 'n-segments', 'size', 'zratio',
  'closest-backup-id', 'status', 'lost-segments', 'backups',
]);

/** The keys of raw that are not in known, with their values (for-in: no array of entries per object). */
export function extraKeys(raw: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const k in raw) if (Object.hasOwn(raw, k) && !known.has(k)) extra[k] = raw[k];
  return extra;
}

function time(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : parseProbackupTime(text);
}

export function backupFromRaw(instance: string, raw: RawBackup): Backup {
  const startTime = parseProbackupTime(raw['start-time']);
  if (!startTime) throw new Error(`bad start-time ${raw['start-time']}`); // the schema has checked it
  return {
    id: raw.id,
    instance,
    status: raw.status,
    mode: raw['backup-mode'],
    walMode: raw.wal,
    parentBackupId: raw['parent-backup-id'] || undefined,
    compressAlg: raw['compress-alg'],
    compressLevel: raw['compress-level'],
    fromReplica: raw['from-replica'],
    blockSize: raw['block-size'],
    walBlockSize: raw['xlog-block-size'],
    checksumVersion: raw['checksum-version'],
    programVersion: raw['program-version'],
    serverVersion: raw['server-version'],
    timeline: raw['current-tli'],
    parentTimeline: raw['parent-tli'],
    startLsn: raw['start-lsn'],
    stopLsn: raw['stop-lsn'],
    startTime,
    endTime: time(raw['end-time']),
    recoveryXid: raw['recovery-xid'],
    recoveryTime: time(raw['recovery-time']),
    expireTime: time(raw['expire-time']),
    dataBytes: raw['data-bytes'],
    walBytes: raw['wal-bytes'],
    uncompressedBytes: raw['uncompressed-bytes'],
    pgdataBytes: raw['pgdata-bytes'],
    primaryConninfo: raw.primary_conninfo,
    externalDirs: raw['external-dirs'] === undefined ? undefined : raw['external-dirs'].split(':').filter((d) => d !== ''),
    note: raw.note,
    contentCrc: raw['content-crc'],
    tablespaceMap: raw.tablespace_map?.map((l) => ({ oid: l.oid, path: l.path })),
    extra: extraKeys(raw, BACKUP_KEYS),
  };
}

export function timelineFromRaw(instance: string, raw: RawTimeline): Timeline {
  return {
    tli: raw.tli,
    parentTli: raw['parent-tli'],
    switchpoint: raw.switchpoint,
    minSegno: raw['min-segno'],
    maxSegno: raw['max-segno'],
    segmentCount: raw['n-segments'],
    sizeBytes: raw.size,
    zratio: raw.zratio,
    closestBackupId: raw['closest-backup-id'] || undefined,
    status: raw.status,
    lostSegments: raw['lost-segments'].map((l) => ({ beginSegno: l['begin-segno'], endSegno: l['end-segno'] })),
    backups: raw.backups.map((b) => backupFromRaw(instance, b)),
    extra: extraKeys(raw, TIMELINE_KEYS),
  };
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

export function instanceConfigFromRaw(raw: RawShowConfig): InstanceConfig {
  return {
    pgdata: raw['pgdata'],
    systemIdentifier: raw['system-identifier'],
    xlogSegSize: int(raw['xlog-seg-size']),
    pgdatabase: raw['pgdatabase'],
    pghost: raw['pghost'],
    pgport: int(raw['pgport']),
    pguser: raw['pguser'],
    archiveTimeout: raw['archive-timeout'],
    retentionRedundancy: int(raw['retention-redundancy']),
    retentionWindow: int(raw['retention-window']),
    walDepth: int(raw['wal-depth']),
    compressAlgorithm: raw['compress-algorithm'],
    compressLevel: int(raw['compress-level']),
    logLevelConsole: raw['log-level-console'],
    logLevelFile: raw['log-level-file'],
    restoreCommand: raw['restore-command'],
    remoteProto: raw['remote-proto'],
    remoteHost: raw['remote-host'],
    raw: { ...raw },
  };
}

/** An LSN `X/X` as a number of bytes, for comparisons. */
export function lsnToBigInt(lsn: string): bigint | undefined {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) return undefined;
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function isKnownStatus(status: string): status is KnownBackupStatus {
  return (KNOWN_STATUSES as readonly string[]).includes(status);
}
