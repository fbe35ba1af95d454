// The sandbox as the window sees it: its record in globalState, the runtime connections the other
// features use, the context keys the walkthrough and menus key off, and the status bar item.
import * as vscode from 'vscode';
import { LESSON_BACKUP_ROLE } from '../../core/postgres/lessonSandbox';
import type { ConnectionInfo } from '../../core/postgres/connection';
import type { Services } from '../../platform/services';
import { sandboxExists, sandboxRunning } from './sandboxManager';
import type { SandboxRecord, SandboxStore } from './sandboxManager';

const STATE_KEY = 'pgBackupStudio.sandbox';
/** Connection of the sandbox's superuser (the checker applies grants through it). */
export const SANDBOX_CONNECTION = 'sandbox';
/** Connection of the lesson's backup role (backups run as it). */
export const SANDBOX_BACKUP_CONNECTION = `sandbox ${LESSON_BACKUP_ROLE}`;
export const CONTEXT_EXISTS = 'pgBackupStudio.sandbox.exists';
export const CONTEXT_RUNNING = 'pgBackupStudio.sandbox.running';
const POLL_MS = 5000;

function isRecord(value: unknown): value is SandboxRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<SandboxRecord>;
  return typeof r.folder === 'string' && typeof r.clusterDir === 'string' && typeof r.dataDir === 'string'
    && typeof r.port === 'number' && typeof r.major === 'number' && typeof r.installation?.binDir === 'string';
}

export function sandboxConnections(r: SandboxRecord): ConnectionInfo[] {
  const common = { host: '127.0.0.1', port: r.port, dataDir: r.dataDir, osUser: r.osUser };
  return [
    { name: SANDBOX_CONNECTION, user: r.superuser, database: 'postgres', ...common },
    { name: SANDBOX_BACKUP_CONNECTION, user: LESSON_BACKUP_ROLE, database: 'postgres', ...common },
  ];
}

export class SandboxState implements SandboxStore, vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private registered: vscode.Disposable[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the record or the running state changes (also on each poll while running). */
  readonly onDidChange = this.changed.event;
  private lastRunning: boolean | undefined;
  private running = 0;

  /** True while a sandbox command (create, start, stop, remove) is under way. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** Runs a sandbox command, marking the state busy meanwhile. */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
    }
  }

  constructor(private readonly memento: vscode.Memento, private readonly services: Services) {
    this.item = vscode.window.createStatusBarItem('pgBackupStudio.sandbox', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('PostgreSQL Sandbox');
    this.item.command = 'pgBackupStudio.sandbox.actions';
    this.timer = setInterval(() => this.refresh(), POLL_MS);
    this.timer.unref?.();
    this.adoptFromEnvironment();
    this.applyRecord();
  }

  /**
   * `npm start` makes the lesson's cluster before VS Code starts and hands its record over in
   * PGBS_SANDBOX, so the walkthrough and the other features use that cluster instead of
   * making a second one. A record this window already keeps is never replaced.
   */
  private adoptFromEnvironment(): void {
    const raw = process.env['PGBS_SANDBOX'];
    if (!raw || this.get()) return;
    try {
      const record: unknown = JSON.parse(raw);
      if (isRecord(record)) void this.memento.update(STATE_KEY, record).then(() => this.applyRecord());
    } catch {
      // not ours to report: an unreadable hand-over is ignored
    }
  }

  get(): SandboxRecord | undefined {
    const value = this.memento.get<unknown>(STATE_KEY);
    return isRecord(value) ? value : undefined;
  }

  async set(record: SandboxRecord | undefined): Promise<void> {
    await this.memento.update(STATE_KEY, record);
    this.applyRecord();
  }

  /** Re-registers the connections for the current record and refreshes the status. */
  private applyRecord(): void {
    for (const d of this.registered) d.dispose();
    this.registered = [];
    const r = this.get();
    if (r) this.registered = sandboxConnections(r).map((c) => this.services.connections.registerRuntime(c));
    this.lastRunning = undefined;
    this.refresh();
  }

  /** Updates context keys and the status bar from the files on disk. */
  refresh(): void {
    const r = this.get();
    const exists = r !== undefined && sandboxExists(r);
    const running = r !== undefined && exists && sandboxRunning(r);
    void vscode.commands.executeCommand('setContext', CONTEXT_EXISTS, r !== undefined);
    void vscode.commands.executeCommand('setContext', CONTEXT_RUNNING, running);
    if (!r) {
      this.item.hide();
    } else {
      const where = `127.0.0.1:${r.port}`;
      this.item.text = running
        ? `$(database) PG ${r.major} sandbox :${r.port}`
        : `$(debug-stop) PG ${r.major} sandbox ${exists ? vscode.l10n.t('stopped') : vscode.l10n.t('missing')}`;
      this.item.tooltip = running
        ? vscode.l10n.t('PostgreSQL {0} sandbox running on {1}, data in {2}. Click for actions.', r.serverVersion, where, r.dataDir)
        : vscode.l10n.t('PostgreSQL {0} sandbox ({1}) is not running. Click for actions.', r.serverVersion, r.dataDir);
      this.item.show();
    }
    if (running !== this.lastRunning || running) {
      this.lastRunning = running;
      this.changed.fire();
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.registered) d.dispose();
    this.item.dispose();
    this.changed.dispose();
  }
}
