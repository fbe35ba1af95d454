// The Backups view's data: catalogs from the setting, BACKUP_PATH and recorded JSON, each read
// with `show`/`show --archive` (catalogReader) into instances → backup chains, the WAL archive
// and the recoverable window. A catalog that cannot be read shows one clear error item; nothing
// here rejects (getChildren always resolves).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstanceModel } from '../../core/probackup/catalogModel';
import type { Log } from '../../platform/log';
import type { Settings } from '../../platform/settings';
import { readCatalog, readCatalogJson } from '../../core/probackup/catalogReader';
import type { CatalogRead } from '../../core/probackup/catalogReader';
import { majorOf } from '../../core/probackup/probackupLocator';
import type { ProbackupLocator } from '../../core/probackup/probackupLocator';
import { treeItemOf } from './treeItems';
import { brand } from './treeNodes';
import type { CatalogNode, InstanceNode, MessageNode, TreeNode } from './treeNodes';

export const SET_PATH_COMMAND = 'pgBackupStudio.setProbackupPath';

interface CatalogState {
  readonly read: CatalogRead;
  /** Per instance: a warning such as "no pg_probackup for this major". */
  readonly warnings: ReadonlyMap<string, string>;
}

export class CatalogTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly states = new Map<string, Promise<CatalogState>>();
  private readonly recorded = new Map<string, { show: string; archive: string | undefined }>();
  private readonly children = new Map<string, TreeNode[]>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped by every refresh, so that a read that was under way does not cache stale children. */
  private generation = 0;

  constructor(
    private readonly settings: Settings,
    private readonly locator: ProbackupLocator,
    private readonly log: Log,
    private readonly debounceMs = 400,
  ) {}

  /** Every catalog shown: the setting, then BACKUP_PATH, then recorded ones; absolute, without duplicates. */
  catalogPaths(): { path: string; fromJson: boolean }[] {
    const out = new Map<string, boolean>();
    const add = (p: string | undefined, fromJson: boolean): void => {
      if (!p || !p.trim()) return;
      const abs = path.resolve(p.trim());
      if (!out.has(abs)) out.set(abs, fromJson);
    };
    for (const c of this.settings.catalogs()) add(c, false);
    add(process.env['BACKUP_PATH'], false);
    for (const c of this.recorded.keys()) {
      out.set(c, true);
    }
    return [...out].map(([p, fromJson]) => ({ path: p, fromJson }));
  }

  /** Shows a catalog from recorded `show` / `show --archive` JSON instead of running pg_probackup. */
  loadJson(catalog: string, show: string, archive: string | undefined): string {
    const abs = path.resolve(catalog);
    this.recorded.set(abs, { show, archive });
    this.refresh(abs);
    return abs;
  }

  unloadJson(catalog: string): boolean {
    const had = this.recorded.delete(path.resolve(catalog));
    this.refresh();
    return had;
  }

  /** Forgets what was read (one catalog, or all) and redraws. */
  refresh(catalog?: string): void {
    if (catalog === undefined) {
      this.states.clear();
      this.locator.invalidate();
    } else {
      this.states.delete(path.resolve(catalog));
    }
    this.children.clear();
    this.generation++;
    this.syncWatchers();
    this.changed.fire(undefined);
  }

  /** The model of an instance as last read, reading the catalog if needed. */
  async instance(catalog: string, instance: string): Promise<InstanceModel | undefined> {
    const s = await this.state(path.resolve(catalog), this.recorded.has(path.resolve(catalog)));
    return s.read.kind === 'ok' ? s.read.model.instances.find((i) => i.instance === instance) : undefined;
  }

  async catalogRead(catalog: string): Promise<CatalogRead> {
    const abs = path.resolve(catalog);
    return (await this.state(abs, this.recorded.has(abs))).read;
  }

  private state(catalog: string, fromJson: boolean): Promise<CatalogState> {
    let p = this.states.get(catalog);
    if (!p) {
      p = this.readState(catalog, fromJson).catch((e: unknown) => ({
        read: { kind: 'error' as const, code: 'unknown' as const, message: e instanceof Error ? e.message : String(e) },
        warnings: new Map<string, string>(),
      }));
      this.states.set(catalog, p);
    }
    return p;
  }

  private async readState(catalog: string, fromJson: boolean): Promise<CatalogState> {
    const rec = this.recorded.get(catalog);
    if (fromJson && rec) return { read: readCatalogJson(rec.show, rec.archive), warnings: new Map() };
    if (!this.settings.canRunPrograms()) {
      return {
        read: { kind: 'error', code: 'untrusted', message: vscode.l10n.t('This workspace is not trusted: pg_probackup is not run, so the catalog is not read.') },
        warnings: new Map(),
      };
    }
    const pick = await this.locator.pick();
    if (!pick.ok) return { read: { kind: 'error', code: 'no-binary', message: pick.message }, warnings: new Map() };
    this.log.info(`Reading catalog ${catalog} with ${pick.binary.path}`);
    const read = await readCatalog(catalog, pick.binary.path);
    if (read.kind === 'error') this.log.warn(`Catalog ${catalog}: ${read.message}`);
    const warnings = new Map<string, string>();
    if (read.kind === 'ok') {
      const { found } = await this.locator.probe();
      for (const inst of read.model.instances) {
        const latest = inst.chains.flatMap((c) => [c.backup]).find((b) => majorOf(b.serverVersion) !== undefined);
        const major = majorOf(latest?.serverVersion);
        if (major !== undefined && !found.some((b) => b.version.server.major === major)) {
          warnings.set(inst.instance, vscode.l10n.t('No pg_probackup for PostgreSQL {0} was found (have: {1}); backups and restores of this instance need one.',
            major, found.map((b) => b.version.server.major).join(', ')));
        }
      }
    }
    return { read, warnings };
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return treeItemOf(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const key = node?.id ?? '';
    const cached = this.children.get(key);
    if (cached) return cached;
    const generation = this.generation;
    let kids: TreeNode[];
    try {
      kids = await this.computeChildren(node);
    } catch (e) {
      // Never a rejection into the view: one error item instead.
      kids = [this.message(node, 'error', vscode.l10n.t('Could not read: {0}', e instanceof Error ? e.message : String(e)), undefined)];
    }
    if (generation === this.generation) this.children.set(key, kids);
    return kids;
  }

  private message(parent: TreeNode | undefined, severity: MessageNode['severity'], text: string, code: MessageNode['code'],
    detail?: string, action?: MessageNode['action']): MessageNode {
    return brand({
      kind: 'message', id: `${parent?.id ?? ''}/message:${text}`, parent, catalog: parent?.catalog ?? '',
      severity, text, detail, code, action,
    });
  }

  private async computeChildren(node: TreeNode | undefined): Promise<TreeNode[]> {
    if (!node) {
      return this.catalogPaths().map((c) => brand<CatalogNode>({ kind: 'catalog', id: `catalog:${c.path}`, parent: undefined, catalog: c.path, fromJson: c.fromJson }));
    }
    switch (node.kind) {
      case 'catalog': return this.catalogChildren(node);
      case 'instance': return this.instanceChildren(node);
      case 'backup':
        return node.node.children.map((c) => brand({
          kind: 'backup' as const, id: `${node.id}/${c.backup.id}`, parent: node, catalog: node.catalog, instance: node.instance, node: c, model: node.model,
        }));
      case 'walArchive':
        if (node.error !== undefined) return [this.message(node, 'error', vscode.l10n.t('show --archive failed'), 'invalid-output', node.error)];
        return node.model.timelines.map((t) => brand({
          kind: 'timeline' as const, id: `${node.id}/tli:${t.tli}`, parent: node, catalog: node.catalog, model: node.model, timeline: t,
        }));
      case 'timeline': {
        const t = node.timeline;
        const lost = t.lostSegments.map((l) => this.message(node, 'warning', vscode.l10n.t('Lost segments {0} – {1}', l.beginSegno, l.endSegno), 'lost-segments'));
        const deps = t.backups.map((b) => brand({
          kind: 'timelineBackup' as const, id: `${node.id}/b:${b.id}`, parent: node, catalog: node.catalog, instance: node.model.instance,
          backupId: b.id, status: node.model.byId.get(b.id)?.status ?? b.status, mode: b.mode,
        }));
        return [...lost, ...deps];
      }
      default:
        return [];
    }
  }

  private async catalogChildren(node: CatalogNode): Promise<TreeNode[]> {
    const s = await this.state(node.catalog, node.fromJson);
    if (s.read.kind === 'error') {
      const action = s.read.code === 'no-binary'
        ? { command: SET_PATH_COMMAND, title: vscode.l10n.t('Set Path…') }
        : s.read.code === 'untrusted'
          ? { command: 'workbench.trust.manage', title: vscode.l10n.t('Manage Workspace Trust') }
          : undefined;
      return [this.message(node, 'error', s.read.message, s.read.code, undefined, action)];
    }
    const archiveError = s.read.archiveError;
    const instances = s.read.model.instances.map((m) => brand<InstanceNode>({ kind: 'instance', id: `${node.id}/i:${m.instance}`, parent: node, catalog: node.catalog, model: m }));
    for (const i of instances) this.archiveErrors.set(i.id, archiveError);
    for (const i of instances) this.instanceWarnings.set(i.id, s.warnings.get(i.model.instance));
    if (instances.length === 0) {
      return [this.message(node, 'info', vscode.l10n.t('No instances yet'), 'empty', undefined, { command: 'pgBackupStudio.addInstance', title: vscode.l10n.t('Add Instance…'), args: [{ catalog: node.catalog, interactive: true }] })];
    }
    return instances;
  }

  private readonly archiveErrors = new Map<string, string | undefined>();
  private readonly instanceWarnings = new Map<string, string | undefined>();

  private instanceChildren(node: InstanceNode): TreeNode[] {
    const m = node.model;
    const out: TreeNode[] = [];
    const warning = this.instanceWarnings.get(node.id);
    if (warning !== undefined) out.push(this.message(node, 'warning', warning, 'server-version-mismatch', undefined, { command: SET_PATH_COMMAND, title: vscode.l10n.t('Set Path…') }));
    out.push(brand({ kind: 'window' as const, id: `${node.id}/window`, parent: node, catalog: node.catalog, model: m }));
    out.push(brand({ kind: 'walArchive' as const, id: `${node.id}/wal`, parent: node, catalog: node.catalog, model: m, error: this.archiveErrors.get(node.id) }));
    for (const c of m.chains) {
      out.push(brand({ kind: 'backup' as const, id: `${node.id}/${c.backup.id}`, parent: node, catalog: node.catalog, instance: m.instance, node: c, model: m }));
    }
    return out;
  }

  /** Keeps one debounced backup.control watcher per catalog read from disk. */
  private syncWatchers(): void {
    const wanted = new Set(this.catalogPaths().filter((c) => !c.fromJson).map((c) => c.path));
    for (const [p, w] of this.watchers) {
      if (!wanted.has(p)) {
        w.dispose();
        this.watchers.delete(p);
      }
    }
    for (const p of wanted) {
      if (this.watchers.has(p)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p), '**/backups/*/*/backup.control'));
      const poke = (): void => this.scheduleRefresh(p);
      this.watchers.set(p, vscode.Disposable.from(watcher, watcher.onDidChange(poke), watcher.onDidCreate(poke), watcher.onDidDelete(poke)));
    }
  }

  /** Several backup.control writes in a burst become one refresh. */
  scheduleRefresh(catalog: string): void {
    const old = this.timers.get(catalog);
    if (old) clearTimeout(old);
    this.timers.set(catalog, setTimeout(() => {
      this.timers.delete(catalog);
      this.refresh(catalog);
    }, this.debounceMs));
  }

  /** Starts watching (called once the view exists). */
  start(): void {
    this.syncWatchers();
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.watchers.clear();
    this.changed.dispose();
  }
}
