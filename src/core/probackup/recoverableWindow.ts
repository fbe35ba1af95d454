// The window an instance can be restored into, from its backups and its WAL archive.
//
// The rule:
// 1. A backup is restorable when it and every backup up its parent chain (to the FULL at its
//    root) have status OK or DONE. Anything else (ERROR, RUNNING, CORRUPT, ORPHAN, MERGING,
//    a missing parent, ...) makes it unusable.
// 2. A restorable backup needs the WAL from its start LSN to its stop LSN to reach consistency.
//    A STREAM backup carries that WAL inside itself. An ARCHIVE backup takes it from the
//    archive: every segment from start to stop must be there on its timeline, and none may fall
//    in a lost-segments interval. (When the archive was not read at all, it is assumed present.)
// 3. Restored alone, a backup reaches its own recovery-time (its stop LSN). Beyond that it can be
//    rolled forward (PITR) only through archived WAL that continues without a gap from the
//    segment holding its stop LSN: up to the first lost segment, else to the timeline's last
//    archived segment; a child timeline that branches off at or after that point and whose own
//    WAL starts there carries the roll-forward on. A STREAM backup with no archive behind it
//    therefore restores only to its own recovery-time.
// 4. The window opens at the recovery-time of the oldest restorable backup and closes at the
//    furthest point (largest LSN) any restorable backup can reach. show --archive gives segments,
//    not times, so a close that lies in archived WAL is given as a segment, with the latest backup
//    recovery-time before it as the time it is at least at.
// 5. Where in its last segment archived WAL really ends is unknown: redo stops at the last
//    complete record, and a segment closed by pg_switch_wal or archive_timeout ends in an XLOG
//    SWITCH followed by nothing. The end of that segment is an upper bound recovery never reaches
//    (pg_probackup 2.5.16 accepts it as --recovery-target-lsn, then the server stops with
//    "recovery ended before configured recovery target was reached"). The way to the end of the
//    window is --recovery-target=latest on the end's timeline.
// Ranges of different backups may leave gaps (lost segments between them); `ranges` lists each
// backup's reach so a caller can show them.
import type { Backup, Timeline } from './backup';
import { lsnToBigInt } from './backup';
import type { RecoveryTarget } from './commandArgs';
import { formatTime } from './format';
import { formatLsn as formatPgLsn } from '../waldump/lsn';

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;

export interface WindowPoint {
  readonly backupId: string;
  readonly time: Date | undefined;
  readonly lsn: string | undefined;
}

export type RangeEnd =
  /** Only to the backup's own recovery point. */
  | { readonly kind: 'backup'; readonly time: Date | undefined; readonly lsn: string | undefined }
  /**
   * Through archived WAL, to somewhere inside `lastSegment`, the last segment that follows without
   * a gap: recovery gets past `segmentStartLsn`, never as far as `lsn`, the end of the segment
   * (an upper bound, not a recovery target: reach it with --recovery-target=latest on `timeline`).
   */
  | {
    readonly kind: 'wal';
    readonly timeline: number;
    readonly lastSegment: string;
    readonly segmentStartLsn: string;
    readonly lsn: string;
  };

export interface RestorableRange {
  readonly backup: WindowPoint;
  readonly walMode: string;
  readonly end: RangeEnd;
}

export interface RecoverableWindow {
  /** The oldest restorable backup: the window opens at its recovery-time. */
  readonly from: WindowPoint;
  /** The furthest restorable point. */
  readonly to: RangeEnd;
  /** The backup that reaches it (the one with the latest recovery-time among those that do). */
  readonly toBackupId: string;
  /** For an end in archived WAL: the recovery-time of the latest backup before it, a lower bound of the end time. */
  readonly toAtLeast: Date | undefined;
  /** One range per restorable backup, oldest first. */
  readonly ranges: readonly RestorableRange[];
  /** Backups that are OK/DONE along their chain but whose WAL the archive lost. */
  readonly missingWal: readonly string[];
}

/** Segment file name → [timeline, segment number]. */
export function parseSegmentName(name: string, segmentSize = DEFAULT_SEGMENT_SIZE): { tli: number; segno: bigint } | undefined {
  if (!/^[0-9A-Fa-f]{24}$/.test(name)) return undefined;
  const perId = 0x1_0000_0000n / BigInt(segmentSize);
  return {
    tli: parseInt(name.slice(0, 8), 16),
    segno: BigInt(`0x${name.slice(8, 16)}`) * perId + BigInt(`0x${name.slice(16, 24)}`),
  };
}

export function segmentName(tli: number, segno: bigint, segmentSize = DEFAULT_SEGMENT_SIZE): string {
  const perId = 0x1_0000_0000n / BigInt(segmentSize);
  const hex = (n: bigint | number): string => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(tli)}${hex(segno / perId)}${hex(segno % perId)}`;
}

/** pg_probackup's form of an LSN: %X/%X, the low half unpadded. */
const formatLsn = (lsn: bigint): string => formatPgLsn(lsn, { padLow: false });

const usable = (b: Backup): boolean => b.status === 'OK' || b.status === 'DONE';

/** Whether b and all its ancestors are usable down to a FULL; `known` remembers answers for the chain. */
function chainUsable(b: Backup, byId: ReadonlyMap<string, Backup>, known: Map<string, boolean>): boolean {
  const seen: Backup[] = [];
  const onPath = new Set<string>();
  let cur: Backup | undefined = b;
  let verdict = false; // a parent is missing, unless found otherwise below
  while (cur) {
    const k = known.get(cur.id);
    if (k !== undefined) {
      verdict = k;
      break;
    }
    if (onPath.has(cur.id) || !usable(cur)) break;
    onPath.add(cur.id);
    seen.push(cur);
    if (cur.parentBackupId === undefined) {
      verdict = cur.mode === 'FULL';
      break;
    }
    cur = byId.get(cur.parentBackupId);
  }
  for (const s of seen) known.set(s.id, verdict);
  return verdict;
}

interface Span {
  readonly first: bigint;
  readonly last: bigint;
}

const spansCache = new WeakMap<Timeline, { readonly segSize: number; readonly spans: readonly Span[] }>();

/** heldSpans, computed once per timeline object (each backup asks again; timelines are immutable). */
function heldSpans(t: Timeline, segSize: number): readonly Span[] {
  const cached = spansCache.get(t);
  if (cached?.segSize === segSize) return cached.spans;
  const spans = computeHeldSpans(t, segSize);
  spansCache.set(t, { segSize, spans });
  return spans;
}

/** Segments [first, last] of a timeline that the archive holds, split by its lost intervals. */
function computeHeldSpans(t: Timeline, segSize: number): Span[] {
  const min = parseSegmentName(t.minSegno, segSize)?.segno;
  const max = parseSegmentName(t.maxSegno, segSize)?.segno;
  if (min === undefined || max === undefined) return [];
  const lost = t.lostSegments
    .map((l) => [parseSegmentName(l.beginSegno, segSize)?.segno, parseSegmentName(l.endSegno, segSize)?.segno] as const)
    .filter((l): l is readonly [bigint, bigint] => l[0] !== undefined && l[1] !== undefined)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const spans: Span[] = [];
  let start = min;
  for (const [b, e] of lost) {
    if (b > start) spans.push({ first: start, last: b - 1n });
    if (e + 1n > start) start = e + 1n;
  }
  if (start <= max) spans.push({ first: start, last: max });
  return spans;
}

function spanHolding(spans: readonly Span[], segno: bigint): Span | undefined {
  return spans.find((s) => s.first <= segno && segno <= s.last);
}

/**
 * How far archived WAL on `tli` carries a restore that needs segment `from` onward.
 * Returns the last segment reached (possibly on a child timeline), or undefined when `from` itself is missing.
 */
function rollForward(
  tli: number, from: bigint, timelines: readonly Timeline[], segSize: number, depth = 0,
): { tli: number; last: bigint } | undefined {
  const t = timelines.find((x) => x.tli === tli);
  if (!t || depth > 64) return undefined;
  const span = spanHolding(heldSpans(t, segSize), from);
  if (!span) return undefined;
  let best = { tli, last: span.last };
  // A child timeline whose switchpoint lies in the WAL we can replay continues the restore.
  for (const child of timelines) {
    if (child.parentTli !== tli || child.tli === tli) continue;
    const sw = lsnToBigInt(child.switchpoint);
    if (sw === undefined) continue;
    const swSeg = sw / BigInt(segSize);
    if (swSeg < from || swSeg > span.last + 1n) continue;
    const further = rollForward(child.tli, swSeg, timelines, segSize, depth + 1);
    if (further && further.last > best.last) best = further;
  }
  return best;
}

/** Whether the archive lacks WAL an ARCHIVE backup needs to be consistent: any segment from its start to its stop. */
export function ownWalLost(b: Backup, timelines: readonly Timeline[], segmentSize = DEFAULT_SEGMENT_SIZE): boolean {
  if (b.walMode === 'STREAM') return false;
  const start = b.startLsn !== undefined ? lsnToBigInt(b.startLsn) : undefined;
  const stop = b.stopLsn !== undefined ? lsnToBigInt(b.stopLsn) : undefined;
  if (start === undefined || stop === undefined || b.timeline === undefined || b.timeline === 0) return false;
  const seg = BigInt(segmentSize);
  const t = timelines.find((x) => x.tli === b.timeline);
  const span = t ? spanHolding(heldSpans(t, segmentSize), start / seg) : undefined;
  return !span || span.last < stop / seg;
}

function point(b: Backup): WindowPoint {
  return { backupId: b.id, time: b.recoveryTime, lsn: b.stopLsn };
}

/**
 * The recoverable window of one instance. `timelines` is its `show --archive` (empty: no
 * archive), or undefined when the archive was not read.
 */
export function recoverableWindow(
  backups: readonly Backup[],
  timelines: readonly Timeline[] | undefined,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): RecoverableWindow | undefined {
  const byId = new Map(backups.map((b) => [b.id, b]));
  const seg = BigInt(segmentSize);
  const ranges: { range: RestorableRange; endLsn: bigint; recovery: number }[] = [];
  const missingWal: string[] = [];
  const known = new Map<string, boolean>();
  for (const b of backups) {
    if (!chainUsable(b, byId, known)) continue;
    const start = b.startLsn !== undefined ? lsnToBigInt(b.startLsn) : undefined;
    const stop = b.stopLsn !== undefined ? lsnToBigInt(b.stopLsn) : undefined;
    const tli = b.timeline;
    if (start === undefined || stop === undefined || tli === undefined || tli === 0) continue;
    const stopSeg = stop / seg;
    if (timelines !== undefined && ownWalLost(b, timelines, segmentSize)) {
      missingWal.push(b.id);
      continue;
    }
    const reach = timelines !== undefined ? rollForward(tli, stopSeg, timelines, segmentSize) : undefined;
    const end: RangeEnd = reach
      ? {
        kind: 'wal', timeline: reach.tli, lastSegment: segmentName(reach.tli, reach.last, segmentSize),
        segmentStartLsn: formatLsn(reach.last * seg), lsn: formatLsn((reach.last + 1n) * seg),
      }
      : { kind: 'backup', time: b.recoveryTime, lsn: b.stopLsn };
    ranges.push({
      range: { backup: point(b), walMode: b.walMode, end },
      endLsn: reach ? (reach.last + 1n) * seg : stop,
      recovery: b.recoveryTime?.getTime() ?? b.startTime.getTime(),
    });
  }
  if (ranges.length === 0) return undefined;
  ranges.sort((a, b) => a.recovery - b.recovery);
  const first = ranges[0];
  let last = ranges[0];
  for (const r of ranges) if (last === undefined || r.endLsn > last.endLsn || (r.endLsn === last.endLsn && r.recovery > last.recovery)) last = r;
  if (!first || !last) return undefined;
  const to = last.range.end;
  const toAtLeast = to.kind === 'wal'
    ? ranges.filter((r) => r.endLsn <= last.endLsn).reduce<Date | undefined>((t, r) => {
      const rt = r.range.backup.time;
      return rt !== undefined && (t === undefined || rt > t) ? rt : t;
    }, undefined)
    : to.time;
  return { from: first.range.backup, to, toBackupId: last.range.backup.backupId, toAtLeast, ranges: ranges.map((r) => r.range), missingWal };
}

/** A range end in words that say what is known: archived WAL ends somewhere inside its last segment. */
export function describeRangeEnd(end: RangeEnd): string {
  return end.kind === 'wal'
    ? `somewhere in WAL segment ${end.lastSegment} (timeline ${end.timeline}, past ${end.segmentStartLsn}, before ${end.lsn})`
    : `the backup's own recovery point (${formatTime(end.time)}, LSN ${end.lsn ?? '—'})`;
}

// ---- Restore planning: which backup, which timeline, and whether pg_probackup can restore it.

/** One line of a timeline's history (its .history file, plus itself): `tli` up to `end` (open: undefined). */
export interface HistoryEntry {
  readonly tli: number;
  readonly end: bigint | undefined;
}

/**
 * The history of timeline `tli` from show --archive: itself, open-ended, then each ancestor up to
 * the switchpoint where its child branched off. Undefined when the archive does not know `tli`.
 */
export function timelineHistory(tli: number, timelines: readonly Timeline[]): HistoryEntry[] | undefined {
  let cur = timelines.find((t) => t.tli === tli);
  if (!cur) return tli === 1 ? [{ tli: 1, end: undefined }] : undefined;
  const out: HistoryEntry[] = [{ tli, end: undefined }];
  for (let depth = 0; cur && cur.parentTli !== 0 && cur.parentTli !== cur.tli && depth < 64; depth++) {
    out.push({ tli: cur.parentTli, end: lsnToBigInt(cur.switchpoint) });
    const parent: number = cur.parentTli;
    cur = timelines.find((t) => t.tli === parent);
  }
  return out;
}

const startOrder = (a: Backup, b: Backup): number => b.startTime.getTime() - a.startTime.getTime() || b.id.localeCompare(a.id);

/**
 * The backup `pg_probackup restore` without -i takes (restore.c of 2.5): the newest OK/DONE backup
 * that lies on the history of a numeric --recovery-target-timeline, if one is given, and satisfies
 * the target by its own fields alone: recovery-time <= time, recovery-xid <= xid, stop-lsn <= lsn.
 * It does not look at the WAL archive, nor at timelines otherwise.
 */
export function probackupPick(backups: readonly Backup[], target: RecoveryTarget | undefined, timelines: readonly Timeline[] | undefined): Backup | undefined {
  const history = typeof target?.timeline === 'number' && timelines !== undefined ? timelineHistory(target.timeline, timelines) : undefined;
  const lsn = target?.lsn !== undefined ? lsnToBigInt(target.lsn) : undefined;
  for (const b of [...backups].sort(startOrder)) {
    if (!usable(b)) continue;
    const stop = b.stopLsn !== undefined ? lsnToBigInt(b.stopLsn) ?? 0n : 0n;
    if (history && !history.some((h) => h.tli === b.timeline && (h.end === undefined || stop <= h.end))) continue;
    if (target?.xid !== undefined && !(BigInt(b.recoveryXid ?? 0) <= BigInt(target.xid))) continue;
    if (target?.time !== undefined && !((b.recoveryTime?.getTime() ?? 0) <= target.time.getTime())) continue;
    if (lsn !== undefined && !(stop <= lsn)) continue;
    return b;
  }
  return undefined;
}

/** A timeline on which a restore reaches an LSN. */
export interface LsnReach {
  readonly timeline: number;
  /** The LSN lies in the last archived segment there: the WAL may end before it (see rule 5). */
  readonly inLastSegment: boolean;
}

/**
 * The timelines on which a restore of `b` reaches `lsn` through archived WAL: its own, and any
 * child timeline that branches off at or after its stop LSN, inside WAL it can replay, and
 * before the LSN (what --recovery-target-timeline=<child> follows). Without the flag pg_probackup
 * 2.5.16 writes recovery_target_timeline = 'current': the backup's own. Best first: a reach in a
 * segment that is not the last beats one that is; then the backup's own timeline; then the newer.
 * Empty when no timeline gets there; undefined when the archive was not read.
 */
export function timelinesReaching(
  b: Backup, lsn: string, timelines: readonly Timeline[] | undefined, segmentSize = DEFAULT_SEGMENT_SIZE,
): LsnReach[] | undefined {
  if (timelines === undefined) return undefined;
  const x = lsnToBigInt(lsn);
  const stop = b.stopLsn !== undefined ? lsnToBigInt(b.stopLsn) : undefined;
  const own = b.timeline;
  if (x === undefined || stop === undefined || own === undefined || own === 0 || x < stop) return [];
  const seg = BigInt(segmentSize);
  const out: LsnReach[] = [];
  const visit = (tli: number, from: bigint, depth: number): void => {
    const t = timelines.find((v) => v.tli === tli);
    const span = t && depth <= 64 ? spanHolding(heldSpans(t, segmentSize), from / seg) : undefined;
    if (!span) return;
    if (x / seg <= span.last) out.push({ timeline: tli, inLastSegment: x / seg === span.last });
    for (const child of timelines) {
      if (child.parentTli !== tli || child.tli === tli) continue;
      const sw = lsnToBigInt(child.switchpoint);
      if (sw === undefined || sw < from || sw / seg > span.last + 1n || x < sw) continue;
      visit(child.tli, sw, depth + 1);
    }
  };
  visit(own, stop, 0);
  // Its own consistency point needs no archived WAL (a STREAM backup carries it).
  if (out.length === 0 && x === stop) out.push({ timeline: own, inLastSegment: false });
  return out.sort((p, q) => Number(p.inLastSegment) - Number(q.inLastSegment)
    || Number(q.timeline === own) - Number(p.timeline === own) || q.timeline - p.timeline);
}

/** What to restore for a recovery target, and on which timeline. */
export interface TargetPlan {
  /** The backup that will be restored, when the catalog tells. */
  readonly backup: Backup | undefined;
  /** Pass it with -i: asked for, or chosen here because pg_probackup's own pick would not do. */
  readonly pinBackup: boolean;
  /** --recovery-target-timeline to pass, when recovery must leave the backup's own timeline. */
  readonly timeline: number | undefined;
  /** For an LSN: every timeline the backup reaches it on, best first (empty: none; undefined: unknown). */
  readonly reach: readonly LsnReach[] | undefined;
  /**
   * pg_probackup would refuse the restore although recovery gets there (probackupChecksLsnTarget):
   * validate the backup first (validate -i), then restore it with --no-validate.
   */
  readonly validateSeparately: boolean;
}

/** XLOG_BLCKSZ and SizeOfXLogShortPHD of PostgreSQL: where on a WAL page a record can start. */
const WAL_PAGE = 8192n;
const SHORT_PAGE_HEADER = 24n;

/**
 * Whether pg_probackup 2.5.16, before it restores, checks that archived WAL reaches an LSN target
 * (validate_wal): it does for an LSN where a record can start (XRecOffIsValid: not in a page
 * header), and it reads the backup's own timeline only, whatever --recovery-target-timeline says.
 * So an LSN that lies on a child timeline only is refused ("WAL segment ... is absent") although
 * recovery gets there; an LSN at a page boundary (a segment's end, say) is not checked at all.
 */
export function probackupChecksLsnTarget(lsn: string): boolean {
  const x = lsnToBigInt(lsn);
  return x !== undefined && x % WAL_PAGE >= SHORT_PAGE_HEADER;
}

export interface PlanInput {
  readonly backups: readonly Backup[];
  /** show --archive of the instance; undefined when it was not read. */
  readonly timelines: readonly Timeline[] | undefined;
  readonly segmentSize: number;
  readonly window: RecoverableWindow | undefined;
}

/**
 * The plan for --recovery-target-lsn. Without a backup asked for, pg_probackup's own pick is kept
 * when it reaches the LSN on its own timeline; otherwise the newest restorable backup that reaches
 * it is pinned. A timeline is passed when the best reach is not the backup's own timeline.
 */
export function planLsnTarget(m: PlanInput, backupId: string | undefined, lsn: string): TargetPlan {
  const byId = new Map(m.backups.map((b) => [b.id, b]));
  const asked = backupId !== undefined ? byId.get(backupId) : undefined;
  let backup = backupId !== undefined ? asked : probackupPick(m.backups, { lsn }, m.timelines);
  let reach = backup ? timelinesReaching(backup, lsn, m.timelines, m.segmentSize) : undefined;
  let pinBackup = backupId !== undefined;
  if (backupId === undefined && reach !== undefined && reach[0]?.timeline !== backup?.timeline) {
    const byRecovery = [...(m.window?.ranges ?? [])].reverse();
    for (const r of byRecovery) {
      const b = byId.get(r.backup.backupId);
      const rr = b ? timelinesReaching(b, lsn, m.timelines, m.segmentSize) : undefined;
      if (b && rr && rr.length > 0 && (reach.length === 0 || (rr[0]?.inLastSegment === false && reach[0]?.inLastSegment !== false))) {
        backup = b;
        reach = rr;
        pinBackup = true;
        break;
      }
    }
  }
  const best = reach?.[0];
  const timeline = best !== undefined && best.timeline !== backup?.timeline ? best.timeline : undefined;
  // pg_probackup checks the target on the backup's own timeline: where that one does not get
  // there, its check fails.
  const ownReaches = reach?.some((r) => r.timeline === backup?.timeline && !r.inLastSegment) ?? false;
  return {
    backup,
    // A timeline flag without -i makes pg_probackup pick by that timeline's history: pin what was planned.
    pinBackup: pinBackup || (timeline !== undefined && backup !== undefined),
    timeline,
    reach,
    validateSeparately: timeline !== undefined && !ownReaches && probackupChecksLsnTarget(lsn),
  };
}

/**
 * The plan for --recovery-target=latest, "the end of the window": all archived WAL on the
 * timeline where the backup's range ends. The timeline is always passed: without it pg_probackup
 * writes recovery_target_timeline = 'latest', and the newest timeline may have branched off before
 * the backup (then the server refuses to start: not a child of its history) or end sooner.
 * Without a backup asked for, the one that reaches the end of the window is pinned.
 */
export function planLatestTarget(m: PlanInput, backupId: string | undefined): TargetPlan & { readonly end: RangeEnd | undefined } {
  const byId = new Map(m.backups.map((b) => [b.id, b]));
  const id = backupId ?? m.window?.toBackupId;
  const backup = id !== undefined ? byId.get(id) : undefined;
  const end = m.window?.ranges.find((r) => r.backup.backupId === id)?.end;
  const timeline = end?.kind === 'wal' ? end.timeline : backup?.timeline;
  // No target LSN, time or XID: pg_probackup checks nothing past the backup's own WAL.
  return { backup, pinBackup: id !== undefined, timeline: timeline === 0 ? undefined : timeline, reach: undefined, validateSeparately: false, end };
}

/** Whether pg_probackup can restore a backup, as far as the catalog and the archive tell. */
export type Restorability =
  | { readonly kind: 'ok' }
  /**
   * It may work: pg_probackup revalidates a CORRUPT or ORPHAN backup in the chain, checking a
   * parent's data files only, and restores when they are intact.
   */
  | { readonly kind: 'doubtful'; readonly reason: string }
  /** pg_probackup refuses it (and marks the descendants of a missing parent ORPHAN on the way). */
  | { readonly kind: 'broken'; readonly reason: string };

/**
 * restore -i <b> in pg_probackup 2.5: a missing parent, an incremental root, or a parent in any
 * state but OK, DONE, ORPHAN and CORRUPT fails it ("Restore of backup X failed.", "Backup X is
 * orphan."). A CORRUPT or ORPHAN one is revalidated first, by its data files only when it is a
 * parent. So the child of a parent that validate marked CORRUPT only because the archive lost its
 * WAL restores fine; that reason is not in show, but the lost segments of show --archive that cover
 * the parent's own WAL make it likely, and then the child is "doubtful" rather than hidden. The
 * backup itself needs its own WAL.
 */
export function restorability(
  b: Backup, byId: ReadonlyMap<string, Backup>, timelines: readonly Timeline[] | undefined, segmentSize = DEFAULT_SEGMENT_SIZE,
): Restorability {
  const doubts: string[] = [];
  const seen = new Set<string>();
  for (let cur: Backup = b; ;) {
    if (seen.has(cur.id)) return { kind: 'broken', reason: 'its parent links loop' };
    seen.add(cur.id);
    const self = cur === b;
    if (cur.status === 'ORPHAN') {
      doubts.push(self ? 'it is ORPHAN, and is revalidated first' : `parent ${cur.id} is ORPHAN, and is revalidated first`);
    } else if (cur.status === 'CORRUPT') {
      const walOnly = timelines !== undefined && ownWalLost(cur, timelines, segmentSize);
      if (self) return { kind: 'broken', reason: walOnly ? 'it is CORRUPT: WAL it needs is missing from the archive' : 'it is CORRUPT' };
      if (!walOnly) return { kind: 'broken', reason: `parent ${cur.id} is CORRUPT` };
      doubts.push(`parent ${cur.id} is CORRUPT, likely only because the archive lost its WAL; pg_probackup revalidates a parent's data files only`);
    } else if (!usable(cur)) {
      return { kind: 'broken', reason: self ? `its status is ${cur.status}` : `parent ${cur.id} is ${cur.status}` };
    }
    if (cur.parentBackupId === undefined) {
      if (cur.mode !== 'FULL') return { kind: 'broken', reason: self ? 'it is incremental and names no parent' : `parent ${cur.id} is incremental and names no parent` };
      break;
    }
    const parent = byId.get(cur.parentBackupId);
    if (!parent) return { kind: 'broken', reason: `parent ${cur.parentBackupId} is missing from the catalog` };
    cur = parent;
  }
  if (timelines !== undefined && ownWalLost(b, timelines, segmentSize)) {
    return { kind: 'broken', reason: 'WAL it needs (from its start to its stop LSN) is missing from the archive' };
  }
  return doubts.length > 0 ? { kind: 'doubtful', reason: doubts.join('; ') } : { kind: 'ok' };
}

export interface RestoreChoice {
  readonly backup: Backup;
  readonly verdict: Restorability;
}

/** Every backup with its restorability, newest first: what a restore picker offers (or hides, when broken). */
export function restoreChoices(backups: readonly Backup[], timelines: readonly Timeline[] | undefined, segmentSize = DEFAULT_SEGMENT_SIZE): RestoreChoice[] {
  const byId = new Map(backups.map((b) => [b.id, b]));
  return [...backups].sort(startOrder).map((backup) => ({ backup, verdict: restorability(backup, byId, timelines, segmentSize) }));
}
