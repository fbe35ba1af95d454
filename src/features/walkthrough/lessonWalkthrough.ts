// The lesson walkthrough's moving parts: the context keys its steps complete on, the commands its
// buttons run that belong to this feature (open the sandbox's config files, open a WAL segment),
// and `markStep`, through which other features report what happened (e.g. a backup refused for
// lack of privileges). Where it can, it reads the facts from the sandbox itself.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { probackupCandidates } from '../../core/probackup/discovery';
import { parseWalFileName } from '../../core/waldump/walSegment';
import { showError } from '../../platform/errors';
import type { Services } from '../../platform/services';
import { backupRoleReadiness, catalogProgress, logShowsBackupDenied, readServerLog } from './lessonProgress';
import { sandboxCluster, sandboxExists, sandboxRunning } from './sandboxManager';
import type { SandboxState } from './sandboxState';

export const WALKTHROUGH_ID = 'pgBackupStudio.lesson07';
export const EXTENSION_ID = 'pg-backup-studio.pg-backup-studio';
export const CONTEXT_PROBACKUP_FOUND = 'pgBackupStudio.probackup.found';

/** Steps another feature (or the user) may mark done; each sets `pgBackupStudio.walkthrough.<step>`. */
export const LESSON_STEPS = ['sandbox', 'settings', 'catalog', 'instance', 'backupDenied', 'grants', 'backupOk', 'validate', 'wal'] as const;
export type LessonStep = (typeof LESSON_STEPS)[number];

export function stepContextKey(step: LessonStep): string {
  return `pgBackupStudio.walkthrough.${step}`;
}

function isStep(value: unknown): value is LessonStep {
  return typeof value === 'string' && (LESSON_STEPS as readonly string[]).includes(value);
}

/** WAL segment file names (24 hex digits), oldest first. */
export function walSegments(dataDir: string): string[] {
  try {
    return readdirSync(path.join(dataDir, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort();
  } catch {
    return [];
  }
}

/** Whether a segment file's first page is the page its name says (not a recycled file). */
function isWrittenSegment(file: string, name: string): boolean {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(40);
      if (readSync(fd, head, 0, 40, 0) < 40) return false;
      const segSize = head.readUInt32LE(32);
      const parsed = parseWalFileName(name, segSize);
      return parsed !== undefined && head.readBigUInt64LE(8) === parsed.startLsn;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

export class LessonWalkthrough implements vscode.Disposable {
  private readonly done = new Set<LessonStep>();
  private readonly disposables: vscode.Disposable[] = [];
  private checking = false;

  constructor(private readonly services: Services, private readonly state: SandboxState) {
    this.disposables.push(
      state.onDidChange(() => void this.observe()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgBackupStudio.probackup.path')) this.updateProbackupFound();
        if (e.affectsConfiguration('pgBackupStudio.catalogs')) void this.observe();
      }),
    );
    this.updateProbackupFound();
    void this.observe();
  }

  /** Sets the step's context key (its completion event); returns the steps done so far. */
  markStep(raw?: unknown): { ok: boolean; done: LessonStep[]; error?: string } {
    const step = raw && typeof raw === 'object' ? (raw as { step?: unknown }).step : raw;
    if (!isStep(step)) return { ok: false, done: [...this.done], error: `unknown step ${String(step)}; known: ${LESSON_STEPS.join(', ')}` };
    this.set(step);
    return { ok: true, done: [...this.done] };
  }

  private set(step: LessonStep): void {
    if (this.done.has(step)) return;
    this.done.add(step);
    void vscode.commands.executeCommand('setContext', stepContextKey(step), true);
    // A context key that is already true when VS Code first reads the walkthrough (its service
    // starts lazily) never completes the step, so the step is also marked directly.
    void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', `${EXTENSION_ID}#${WALKTHROUGH_ID}#${step}`))
      .catch(() => undefined);
    this.services.log.info(`walkthrough: step "${step}" done`);
  }

  private updateProbackupFound(): void {
    const found = probackupCandidates({ explicitPath: this.services.settings.probackupPath(), pathEnv: process.env['PATH'] }).length > 0;
    void vscode.commands.executeCommand('setContext', CONTEXT_PROBACKUP_FOUND, found);
  }

  /** Reads the lesson's progress from the sandbox: its existence, the refused backup in its log, the role's grants. */
  private async observe(): Promise<void> {
    const r = this.state.get();
    if (!r || !sandboxExists(r)) return;
    this.set('sandbox');
    if (!this.done.has('backupDenied') && logShowsBackupDenied(readServerLog(r.clusterDir))) this.set('backupDenied');
    const catalogs = catalogProgress(this.services.settings.catalogs(), r.dataDir);
    if (catalogs.catalog) this.set('catalog');
    if (catalogs.instance) this.set('instance');
    if (catalogs.backupOk) this.set('backupOk');
    if (this.done.has('grants') || this.checking || this.state.busy || !sandboxRunning(r) || !vscode.workspace.isTrusted) return;
    this.checking = true;
    try {
      const readiness = await backupRoleReadiness(await sandboxCluster(this.state), r.major);
      if (readiness.replication && readiness.canStartBackup) this.set('grants');
    } catch (e) {
      this.services.log.debug(`walkthrough: grants check failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.checking = false;
    }
  }

  /** Opens the sandbox's postgresql.conf and pg_hba.conf side by side. */
  async openSettings(): Promise<{ ok: boolean; files?: string[]; error?: string }> {
    const r = this.state.get();
    if (!r || !sandboxExists(r)) return this.fail(vscode.l10n.t('There is no sandbox cluster yet; create one first ("Create Sandbox Cluster…").'));
    const files = ['postgresql.conf', 'pg_hba.conf'].map((f) => path.join(r.dataDir, f));
    await vscode.window.showTextDocument(vscode.Uri.file(files[0] ?? ''), { viewColumn: vscode.ViewColumn.One, preview: false });
    await vscode.window.showTextDocument(vscode.Uri.file(files[1] ?? ''), { viewColumn: vscode.ViewColumn.Two, preview: false });
    this.set('settings');
    return { ok: true, files };
  }

  /** Opens the sandbox's newest WAL segment in the WAL viewer. */
  async openWal(): Promise<{ ok: boolean; segment?: string; error?: string }> {
    const r = this.state.get();
    if (!r || !sandboxExists(r)) return this.fail(vscode.l10n.t('There is no sandbox cluster yet; create one first ("Create Sandbox Cluster…").'));
    // The oldest written segment: it holds the lesson's data changes (the sandbox keeps it). The
    // newest name may be a recycled segment, still full of older WAL.
    const dir = path.join(r.dataDir, 'pg_wal');
    const first = walSegments(r.dataDir).find((n) => isWrittenSegment(path.join(dir, n), n));
    if (!first) return this.fail(vscode.l10n.t('No WAL segment was found in {0}.', dir));
    const segment = path.join(dir, first);
    const viewer = 'pgBackupStudio.waldump.openSegment';
    if (!(await vscode.commands.getCommands(true)).includes(viewer)) {
      return this.fail(vscode.l10n.t('The WAL viewer is not available in this version; the segment is {0}.', segment));
    }
    await vscode.commands.executeCommand(viewer, vscode.Uri.file(segment));
    this.set('wal');
    return { ok: true, segment };
  }

  async open(): Promise<void> {
    try {
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${WALKTHROUGH_ID}`, false);
    } catch (e) {
      this.services.log.warn(`walkthrough: could not open it: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private fail(message: string): { ok: false; error: string } {
    void showError(this.services.log, new Error(message));
    return { ok: false, error: message };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
