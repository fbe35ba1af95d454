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

export const usable = (b: Backup): boolean => b.status === 'OK' || b.status === 'DONE';

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
export function heldSpans(t: Timeline, segSize: number): readonly Span[] {
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

export function spanHolding(spans: readonly Span[], segno: bigint): Span | undefined {
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
