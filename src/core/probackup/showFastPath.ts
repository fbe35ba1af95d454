// The common case of `show` / `show --archive` JSON, read in one pass without the schema
// library: every check of showSchema.ts, done by hand, while building the domain objects.
// Anything it does not accept returns undefined, and the caller runs the schema, which then
// says exactly what is wrong; so the schema stays the single source of the error messages,
// and this only makes 10,000 backups fast (a unit test holds both to the same results).
import type { Backup, InstanceArchive, InstanceBackups, LostSegments, TablespaceLink, Timeline } from './backup';
import { BACKUP_KEYS, TIMELINE_KEYS, extraKeys } from './backup';
import { parseProbackupTime } from './timestamp';

type Obj = Record<string, unknown>;

/** Thrown inside this module only: the input is not the common case. */
class NotFast extends Error {}
const NOT_FAST = new NotFast('not the common case');

const LSN_RE = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
const SEGNO_RE = /^[0-9A-Fa-f]{24}$/;

function obj(v: unknown): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw NOT_FAST;
  return v as Obj;
}

function arr(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw NOT_FAST;
  return v;
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw NOT_FAST;
  return v;
}

function nonEmpty(v: unknown): string {
  const s = str(v);
  if (s.length === 0) throw NOT_FAST;
  return s;
}

function num(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw NOT_FAST;
  return v;
}

function int(v: unknown): number {
  if (!Number.isSafeInteger(v)) throw NOT_FAST;
  return v as number;
}

function count(v: unknown): number {
  const n = int(v);
  if (n < 0) throw NOT_FAST;
  return n;
}

function lsn(v: unknown): string {
  const s = str(v);
  if (!LSN_RE.test(s)) throw NOT_FAST;
  return s;
}

function segno(v: unknown): string {
  const s = str(v);
  if (!SEGNO_RE.test(s)) throw NOT_FAST;
  return s;
}

function time(v: unknown): Date {
  const d = parseProbackupTime(str(v));
  if (d === undefined) throw NOT_FAST;
  return d;
}

function opt<T>(v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : read(v);
}

function boolText(v: unknown): boolean {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw NOT_FAST;
}

function tablespace(v: unknown): TablespaceLink {
  const o = obj(v);
  return { oid: str(o['oid']), path: str(o['path']) };
}

function backup(instance: string, v: unknown): Backup {
  const o = obj(v);
  const dirs = opt(o['external-dirs'], str);
  return {
    id: nonEmpty(o['id']),
    instance,
    status: nonEmpty(o['status']),
    mode: str(o['backup-mode']),
    walMode: str(o['wal']),
    parentBackupId: opt(o['parent-backup-id'], str) || undefined,
    compressAlg: opt(o['compress-alg'], str),
    compressLevel: opt(o['compress-level'], int),
    fromReplica: opt(o['from-replica'], boolText),
    blockSize: opt(o['block-size'], count),
    walBlockSize: opt(o['xlog-block-size'], count),
    checksumVersion: opt(o['checksum-version'], count),
    programVersion: opt(o['program-version'], str),
    serverVersion: opt(o['server-version'], str),
    timeline: opt(o['current-tli'], count),
    parentTimeline: opt(o['parent-tli'], count),
    startLsn: opt(o['start-lsn'], lsn),
    stopLsn: opt(o['stop-lsn'], lsn),
    startTime: time(o['start-time']),
    endTime: opt(o['end-time'], time),
    recoveryXid: opt(o['recovery-xid'], count),
    recoveryTime: opt(o['recovery-time'], time),
    expireTime: opt(o['expire-time'], time),
    dataBytes: opt(o['data-bytes'], int),
    walBytes: opt(o['wal-bytes'], int),
    uncompressedBytes: opt(o['uncompressed-bytes'], int),
    pgdataBytes: opt(o['pgdata-bytes'], int),
    primaryConninfo: opt(o['primary_conninfo'], str),
    externalDirs: dirs === undefined ? undefined : dirs.split(':').filter((d) => d !== ''),
    note: opt(o['note'], str),
    contentCrc: opt(o['content-crc'], count),
    tablespaceMap: opt(o['tablespace_map'], (x) => arr(x).map(tablespace)),
    extra: extraKeys(o, BACKUP_KEYS),
  };
}

function lost(v: unknown): LostSegments {
  const o = obj(v);
  return { beginSegno: segno(o['begin-segno']), endSegno: segno(o['end-segno']) };
}

function timeline(instance: string, v: unknown): Timeline {
  const o = obj(v);
  return {
    tli: count(o['tli']),
    parentTli: count(o['parent-tli']),
    switchpoint: lsn(o['switchpoint']),
    minSegno: segno(o['min-segno']),
    maxSegno: segno(o['max-segno']),
    segmentCount: count(o['n-segments']),
    sizeBytes: count(o['size']),
    zratio: num(o['zratio']),
    closestBackupId: str(o['closest-backup-id']) || undefined,
    status: str(o['status']),
    lostSegments: arr(o['lost-segments']).map(lost),
    backups: arr(o['backups']).map((b) => backup(instance, b)),
    extra: extraKeys(o, TIMELINE_KEYS),
  };
}

function attempt<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (e === NOT_FAST) return undefined;
    throw e;
  }
}

/** Parsed `show --format=json`, or undefined when the schema must look at it. */
export function fastShow(json: unknown): InstanceBackups[] | undefined {
  return attempt(() => arr(json).map((v) => {
    const o = obj(v);
    const instance = str(o['instance']);
    return { instance, backups: arr(o['backups']).map((b) => backup(instance, b)) };
  }));
}

/** Parsed `show --archive --format=json`, or undefined when the schema must look at it. */
export function fastShowArchive(json: unknown): InstanceArchive[] | undefined {
  return attempt(() => arr(json).map((v) => {
    const o = obj(v);
    const instance = str(o['instance']);
    return { instance, timelines: arr(o['timelines']).map((t) => timeline(instance, t)) };
  }));
}
