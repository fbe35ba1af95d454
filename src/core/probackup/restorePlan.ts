// Restore planning on top of the recoverable window: which backup and timeline reach a target,
// whether pg_probackup will accept it as given (it checks WAL on the backup's own timeline only),
// and which backups it can restore at all (a missing or broken ancestor, lost WAL).
import type { Backup, Timeline } from './backup';
import { lsnToBigInt } from './backup';
import type { RecoveryTarget } from './commandArgs';
import { DEFAULT_SEGMENT_SIZE, heldSpans, ownWalLost, spanHolding, usable } from './recoverableWindow';
import type { RangeEnd, RecoverableWindow } from './recoverableWindow';

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
