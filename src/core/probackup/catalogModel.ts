// The catalog as a tree: instances → backup chains nested by parent-backup-id, with the
// timelines of the WAL archive beside them. Pure functions over parsed show / show --archive.
import type { Backup, BackupStatus, InstanceArchive, InstanceBackups, Timeline } from './backup';
import type { RecoverableWindow } from './recoverableWindow';
import { DEFAULT_SEGMENT_SIZE, recoverableWindow } from './recoverableWindow';

export interface OrphanCause {
  /** The nearest ancestor that is neither OK/DONE nor itself an orphan, or the missing parent. */
  readonly backupId: string;
  /** Its status, or 'MISSING' when it is not in the catalog any more. */
  readonly status: BackupStatus | 'MISSING';
}

export interface BackupNode {
  readonly backup: Backup;
  /** Incremental backups taken on top of this one, newest first. */
  readonly children: readonly BackupNode[];
  /** Depth in its chain: 0 for a FULL (or a root whose parent is gone). */
  readonly depth: number;
  /** Set on an ORPHAN, and on any backup whose chain is broken: what broke it. */
  readonly orphanedBy: OrphanCause | undefined;
  /** An incremental backup whose parent is not in the catalog (deleted, or never found: a failed PTRACK has none). */
  readonly missingParent: boolean;
}

export interface InstanceModel {
  readonly instance: string;
  /** Chain roots (FULL backups, and incremental ones cut from their parent), newest first. */
  readonly chains: readonly BackupNode[];
  /** Every backup by ID. */
  readonly byId: ReadonlyMap<string, Backup>;
  /** Newest timeline first; empty when the instance has no WAL archive (or it was not read). */
  readonly timelines: readonly Timeline[];
  /** Whether `show --archive` was read for this instance. */
  readonly archiveKnown: boolean;
  /** The instance's WAL segment size (pg_probackup.conf's xlog-seg-size; 16 MB when unknown). */
  readonly segmentSize: number;
  readonly window: RecoverableWindow | undefined;
}

export interface CatalogModel {
  readonly instances: readonly InstanceModel[];
}

const GOOD: ReadonlySet<string> = new Set(['OK', 'DONE']);

export function isUsableStatus(status: BackupStatus): boolean {
  return GOOD.has(status);
}

/**
 * Builds the model of every instance in `show`, adding archive timelines where given, and each
 * instance's WAL segment size where known (else 16 MB is assumed).
 */
export function buildCatalogModel(
  show: readonly InstanceBackups[],
  archive?: readonly InstanceArchive[],
  segmentSizes: ReadonlyMap<string, number> = new Map(),
): CatalogModel {
  const archives = new Map((archive ?? []).map((a) => [a.instance, a]));
  const names = [...show.map((s) => s.instance)];
  for (const a of archive ?? []) if (!names.includes(a.instance)) names.push(a.instance);
  return {
    instances: names.map((name) => buildInstanceModel(
      show.find((s) => s.instance === name)?.backups ?? [], name, archives.get(name), archive !== undefined, segmentSizes.get(name),
    )),
  };
}

export function buildInstanceModel(
  backups: readonly Backup[],
  instance: string,
  archive: InstanceArchive | undefined,
  archiveRead = archive !== undefined,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): InstanceModel {
  const byId = new Map<string, Backup>();
  for (const b of backups) if (!byId.has(b.id)) byId.set(b.id, b);
  const childrenOf = new Map<string, Backup[]>();
  const roots: Backup[] = [];
  for (const b of byId.values()) {
    const parent = b.parentBackupId;
    if (parent !== undefined && parent !== b.id && byId.has(parent) && !reachesItself(b, byId)) {
      const list = childrenOf.get(parent) ?? [];
      list.push(b);
      childrenOf.set(parent, list);
    } else {
      roots.push(b);
    }
  }
  const byNewest = (a: Backup, b: Backup): number => b.startTime.getTime() - a.startTime.getTime() || b.id.localeCompare(a.id);
  const build = (b: Backup, depth: number, inherited: OrphanCause | undefined): BackupNode => {
    const missingParent = b.parentBackupId !== undefined ? !byId.has(b.parentBackupId) : b.mode !== 'FULL';
    let cause = inherited;
    if (b.parentBackupId !== undefined && !byId.has(b.parentBackupId)) cause = { backupId: b.parentBackupId, status: 'MISSING' };
    const passOn = cause ?? (isUsableStatus(b.status) || b.status === 'ORPHAN' ? undefined : { backupId: b.id, status: b.status });
    const children = (childrenOf.get(b.id) ?? []).sort(byNewest).map((c) => build(c, depth + 1, passOn));
    return { backup: b, children, depth, orphanedBy: cause, missingParent };
  };
  const chains = roots.sort(byNewest).map((r) => build(r, 0, undefined));
  const timelines = archive?.timelines ?? [];
  return {
    instance,
    chains,
    byId,
    timelines,
    archiveKnown: archiveRead,
    segmentSize,
    window: recoverableWindow(backups, archiveRead ? timelines : undefined, segmentSize),
  };
}

/** True when following parent links from b comes back to b (a damaged catalog). */
function reachesItself(b: Backup, byId: ReadonlyMap<string, Backup>): boolean {
  const seen = new Set<string>([b.id]);
  let cur = b.parentBackupId;
  while (cur !== undefined) {
    if (seen.has(cur)) return true; // b is on a cycle or hangs from one: show it as a root
    seen.add(cur);
    cur = byId.get(cur)?.parentBackupId;
  }
  return false;
}

/** The backups of a chain from its root down to this one (the restore order). */
export function chainOf(backupId: string, byId: ReadonlyMap<string, Backup>): Backup[] {
  const chain: Backup[] = [];
  const seen = new Set<string>();
  let cur: string | undefined = backupId;
  while (cur !== undefined && !seen.has(cur)) {
    seen.add(cur);
    const b = byId.get(cur);
    if (!b) break;
    chain.unshift(b);
    cur = b.parentBackupId;
  }
  return chain;
}

/** Depth-first walk of every node, parents before children. */
export function* walkNodes(nodes: readonly BackupNode[]): Generator<BackupNode> {
  for (const n of nodes) {
    yield n;
    yield* walkNodes(n.children);
  }
}
