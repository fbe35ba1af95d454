// The nodes of the Backups tree. Each carries its parent (for reveal) and what commands need.
import type { Timeline } from '../../core/probackup/backup';
import type { BackupNode, InstanceModel } from '../../core/probackup/catalogModel';
import type { CatalogProblemCode } from '../../core/probackup/catalogReader';

interface Base {
  /** Stable id: the same node after a refresh keeps its expansion state. */
  readonly id: string;
  readonly parent: TreeNode | undefined;
  readonly catalog: string;
}

export interface CatalogNode extends Base {
  readonly kind: 'catalog';
  /** Loaded from recorded JSON (no pg_probackup behind it). */
  readonly fromJson: boolean;
}

export interface InstanceNode extends Base {
  readonly kind: 'instance';
  readonly model: InstanceModel;
}

export interface BackupTreeNode extends Base {
  readonly kind: 'backup';
  readonly instance: string;
  readonly node: BackupNode;
  readonly model: InstanceModel;
}

export interface WalArchiveNode extends Base {
  readonly kind: 'walArchive';
  readonly model: InstanceModel;
  readonly error: string | undefined;
}

export interface TimelineNode extends Base {
  readonly kind: 'timeline';
  readonly model: InstanceModel;
  readonly timeline: Timeline;
}

export interface WindowNode extends Base {
  readonly kind: 'window';
  readonly model: InstanceModel;
}

export interface TimelineBackupNode extends Base {
  readonly kind: 'timelineBackup';
  readonly instance: string;
  readonly backupId: string;
  readonly status: string;
  readonly mode: string;
}

export type MessageSeverity = 'error' | 'warning' | 'info' | 'loading';

export interface MessageNode extends Base {
  readonly kind: 'message';
  readonly severity: MessageSeverity;
  readonly text: string;
  readonly detail: string | undefined;
  readonly code: CatalogProblemCode | 'lost-segments' | 'empty' | undefined;
  /** A command the item runs when clicked (e.g. open the setting). */
  readonly action: { readonly command: string; readonly title: string; readonly args?: readonly unknown[] } | undefined;
}

export type TreeNode =
  | CatalogNode | InstanceNode | BackupTreeNode | WalArchiveNode | TimelineNode | WindowNode | TimelineBackupNode | MessageNode;

const nodes = new WeakSet<object>();

/** Marks an object as a node of this tree, so commands can tell a tree node from an argument object. */
export function brand<T extends TreeNode>(n: T): T {
  nodes.add(n);
  return n;
}

export function isTreeNode(v: unknown): v is TreeNode {
  return typeof v === 'object' && v !== null && nodes.has(v);
}

/** The instance a node belongs to, if any. */
export function instanceOf(n: TreeNode): string | undefined {
  switch (n.kind) {
    case 'instance': case 'walArchive': case 'timeline': case 'window':
      return n.model.instance;
    case 'backup': case 'timelineBackup':
      return n.instance;
    case 'message':
      return n.parent ? instanceOf(n.parent) : undefined;
    default:
      return undefined;
  }
}
