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

/** A backup that can be restored as far as the catalog shows: usable, and so is its whole chain. */
export function isUsableNode(n: BackupNode): boolean {
  return isUsableStatus(n.backup.status) && n.orphanedBy === undefined && !n.missingParent;
}

/** Whether a pin holds at `now`: pg_probackup keeps printing expire-time after it has passed. */
export function isPinned(b: Backup, now: Date = new Date()): boolean {
  return b.expireTime !== undefined && b.expireTime.getTime() > now.getTime();
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
  const cyclic = onParentCycle(byId);
  const childrenOf = new Map<string, Backup[]>();
  const roots: Backup[] = [];
  for (const b of byId.values()) {
    const parent = b.parentBackupId;
    if (parent !== undefined && parent !== b.id && byId.has(parent) && !cyclic.has(b.id)) {
      const list = childrenOf.get(parent) ?? [];
      list.push(b);
      childrenOf.set(parent, list);
    } else {
      roots.push(b);
    }
  }
  const byNewest = (a: Backup, b: Backup): number => b.startTime.getTime() - a.startTime.getTime() || b.id.localeCompare(a.id);
  const chains = buildChains(roots.sort(byNewest), (b) => (childrenOf.get(b.id) ?? []).sort(byNewest), byId);
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

/**
 * The backups whose parent links lead into a loop (a damaged catalog): those on a cycle and
 * those hanging from one. They are shown as roots. Each backup is visited once.
 */
function onParentCycle(byId: ReadonlyMap<string, Backup>): Set<string> {
  const verdict = new Map<string, boolean>();
  const cyclic = new Set<string>();
  for (const start of byId.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let cur: string | undefined = start;
    let result = false;
    while (cur !== undefined && byId.has(cur)) {
      const known = verdict.get(cur);
      if (known !== undefined) {
        result = known;
        break;
      }
      if (onPath.has(cur)) {
        result = true;
        break;
      }
      onPath.add(cur);
      path.push(cur);
      cur = byId.get(cur)?.parentBackupId;
    }
    for (const id of path) {
      verdict.set(id, result);
      if (result) cyclic.add(id);
    }
  }
  return cyclic;
}

/**
 * The chain trees below `roots`, without recursion: a chain of incremental backups can be
 * thousands deep, past the call stack. First top-down (depth, and the cause handed down from a
 * broken ancestor), then bottom-up (each node is made once its children are).
 */
function buildChains(roots: readonly Backup[], childrenOf: (b: Backup) => readonly Backup[], byId: ReadonlyMap<string, Backup>): BackupNode[] {
  interface Pending { readonly backup: Backup; readonly depth: number; readonly cause: OrphanCause | undefined; readonly missingParent: boolean; readonly kids: readonly Backup[] }
  const order: Pending[] = [];
  const stack: { backup: Backup; depth: number; inherited: OrphanCause | undefined }[] =
    [...roots].reverse().map((backup) => ({ backup, depth: 0, inherited: undefined }));
  while (stack.length > 0) {
    const { backup: b, depth, inherited } = stack.pop() as { backup: Backup; depth: number; inherited: OrphanCause | undefined };
    const missingParent = b.parentBackupId !== undefined ? !byId.has(b.parentBackupId) : b.mode !== 'FULL';
    const cause = b.parentBackupId !== undefined && !byId.has(b.parentBackupId) ? { backupId: b.parentBackupId, status: 'MISSING' } : inherited;
    const passOn = cause ?? (isUsableStatus(b.status) || b.status === 'ORPHAN' ? undefined : { backupId: b.id, status: b.status });
    const kids = childrenOf(b);
    order.push({ backup: b, depth, cause, missingParent, kids });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ backup: kids[i] as Backup, depth: depth + 1, inherited: passOn });
  }
  const made = new Map<string, BackupNode>();
  for (let i = order.length - 1; i >= 0; i--) {
    const p = order[i] as Pending;
    const children = p.kids.map((k) => made.get(k.id) as BackupNode);
    made.set(p.backup.id, { backup: p.backup, children, depth: p.depth, orphanedBy: p.cause, missingParent: p.missingParent });
  }
  return roots.map((r) => made.get(r.id) as BackupNode);
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

/** Depth-first walk of every node, parents before children (without recursion: chains can be deep). */
export function* walkNodes(nodes: readonly BackupNode[]): Generator<BackupNode> {
  const stack: BackupNode[] = [...nodes].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as BackupNode;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as BackupNode);
  }
}
