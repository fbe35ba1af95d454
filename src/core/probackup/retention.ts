// Which expired backups `delete --delete-expired` really removes. pg_probackup marks backups
// "Expired" (do_retention_internal), then keeps every incremental backup that is not expired
// but whose parent is, and spares each expired backup that is an ancestor of one of those
// (do_retention_purge: "Retain backup … because his descendant … is guarded by retention").
// A pinned child therefore saves its expired chain. The dry run prints only the verdicts, so
// the preview works the rest out here.
import type { RetentionVerdict } from './logLines';

export interface RetentionPurge {
  /** Expired backups that will be deleted, in the order pg_probackup lists them. */
  readonly deleted: readonly string[];
  /** Expired backups that stay, each with the kept descendant that needs it. */
  readonly retained: readonly { readonly backupId: string; readonly descendant: string }[];
}

/** `parentOf` gives a backup's parent ID, undefined for a FULL backup or a parent not in the catalog. */
export function retentionPurge(verdicts: readonly RetentionVerdict[], parentOf: (id: string) => string | undefined): RetentionPurge {
  const expired = new Set(verdicts.filter((v) => v.expired).map((v) => v.backupId));
  const known = new Set(verdicts.map((v) => v.backupId));
  // Kept incremental backups whose parent is expired (an orphan, whose parent is gone, is not kept).
  const keep = verdicts.filter((v) => {
    if (v.expired || v.mode === 'FULL') return false;
    const parent = parentOf(v.backupId);
    return parent !== undefined && known.has(parent) && expired.has(parent);
  });
  const neededBy = new Map<string, string>();
  for (const k of keep) {
    const seen = new Set<string>();
    for (let p = parentOf(k.backupId); p !== undefined && !seen.has(p); p = parentOf(p)) {
      seen.add(p);
      if (!neededBy.has(p)) neededBy.set(p, k.backupId);
    }
  }
  const deleted: string[] = [];
  const retained: { backupId: string; descendant: string }[] = [];
  for (const v of verdicts) {
    if (!v.expired) continue;
    const descendant = neededBy.get(v.backupId);
    if (descendant === undefined) deleted.push(v.backupId);
    else retained.push({ backupId: v.backupId, descendant });
  }
  return { deleted, retained };
}
