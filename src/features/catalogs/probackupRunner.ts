// Runs one pg_probackup invocation for a command: logs the command line (never a password),
// holds the per-instance lock, shows --progress as a percentage notification whose Cancel
// sends SIGINT (the runner escalates only if pg_probackup does not exit), and turns a failure
// into the ERROR line with "Show Log" (and "Check Privileges" for missing grants).
import * as vscode from 'vscode';
import type { ProbackupError } from '../../core/probackup/probackupError';
import { isProbackupError } from '../../core/probackup/probackupError';
import { createProgressTracker } from '../../core/probackup/progress';
import type { TrackedCommand } from '../../core/probackup/progress';
import { parseLogLine } from '../../core/probackup/logLines';
import type { Invocation, RunOptions } from '../../core/process/runner';
import { ProcessError, runInvocation } from '../../core/process/runner';
import type { ConnectionInfo } from '../../core/postgres/connection';
import type { Log } from '../../platform/log';
import { showError } from '../../platform/errors';
import { withProgressSignal } from '../../platform/progress';
import { commandLine, describeEnv } from '../../core/probackup/format';
import { missingGrantsScript } from '../../core/probackup/grantAdvice';
import { OperationLocks } from '../../core/probackup/operationLocks';

export const CHECK_READINESS_COMMAND = 'pgBackupStudio.checkServerReadiness';

export interface RunSpec<T> {
  /** Shown in the notification: "Backup of main". */
  readonly title: string;
  readonly invocation: Invocation<T>;
  /** Show a progress notification fed by the --progress lines of this command. */
  readonly track?: TrackedCommand;
  /** One operation at a time per instance: the catalog and instance it works on. */
  readonly lock?: { readonly catalog: string; readonly instance: string | undefined };
  /** Extra runner options (run as the cluster's OS user, an outside AbortSignal from a caller). */
  readonly runOptions?: Pick<RunOptions, 'uid' | 'gid' | 'graceMs'>;
  readonly signal?: AbortSignal;
  /** Receives every stderr line (besides the log), e.g. to show a dry run's messages. */
  readonly onLine?: (line: string) => void;
}

/** A failure already shown to the user; commands return it as their result. */
export interface FailedRun {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
}

export class BusyError extends Error {
  override readonly name = 'BusyError';
}

export class ProbackupRunner {
  readonly locks = new OperationLocks();

  constructor(private readonly log: Log) {}

  async run<T>(spec: RunSpec<T>): Promise<T> {
    const key = spec.lock ? OperationLocks.key(spec.lock.catalog, spec.lock.instance) : undefined;
    const held = key !== undefined ? this.locks.tryAcquire(key, spec.title) : undefined;
    if (held && 'busyWith' in held) {
      throw new BusyError(vscode.l10n.t('"{0}" is still running on this instance in this window; wait for it to finish.', held.busyWith));
    }
    const inv = spec.invocation;
    const env = describeEnv(inv.env);
    this.log.info(`$ ${env ? `${env} ` : ''}${commandLine(inv)}`);
    try {
      if (!spec.track) {
        return await this.exec(inv, spec, undefined, (line) => {
          spec.onLine?.(line);
          this.logLine(line);
        });
      }
      const tracker = createProgressTracker(spec.track);
      return await withProgressSignal(spec.title, async (signal, report) => {
        const linked = linkSignals(signal, spec.signal);
        return this.exec(inv, spec, linked, (line) => {
          spec.onLine?.(line);
          const s = tracker.push(line);
          if (s) report({ fraction: s.fraction, message: `${s.phase} ${Math.floor(s.fraction * 100)}%` });
          else this.logLine(line);
        });
      });
    } finally {
      if (held && !('busyWith' in held)) held.release();
    }
  }

  private async exec<T>(inv: Invocation<T>, spec: RunSpec<T>, signal: AbortSignal | undefined, onLine: (line: string) => void): Promise<T> {
    const started = Date.now();
    const sig = signal ?? spec.signal;
    try {
      const out = await runInvocation(inv, { ...spec.runOptions, ...(sig ? { signal: sig } : {}), onStderrLine: onLine });
      this.log.info(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return out;
    } catch (e) {
      this.log.error(`  failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  private logLine(line: string): void {
    const l = parseLogLine(line);
    if (!l) {
      if (line.trim()) this.log.info(`  ${line}`);
      return;
    }
    if (l.level === 'ERROR' || l.level === 'FATAL' || l.level === 'PANIC') this.log.error(`  ${line}`);
    else if (l.level === 'WARNING') this.log.warn(`  ${line}`);
    else this.log.info(`  ${line}`);
  }

  /**
   * Shows a failure: the ERROR line, "Show Log", and "Check Privileges" when a function was
   * refused. Returns the result object a command hands back.
   */
  async report(e: unknown, context: { readonly connection?: ConnectionInfo; readonly major?: number; readonly role?: string } = {}): Promise<FailedRun> {
    const code = isProbackupError(e) ? e.code : e instanceof ProcessError ? e.code : e instanceof BusyError ? 'busy' : 'unknown';
    const message = e instanceof Error ? e.message : String(e);
    if (isProbackupError(e) && e.code === 'interrupted') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Cancelled. pg_probackup stopped and marks an unfinished backup ERROR.'));
      return { ok: false, code, message };
    }
    if (isProbackupError(e) && e.code === 'locked') {
      void showError(this.log, new Error(vscode.l10n.t('Another pg_probackup process holds a lock on this backup or instance: {0}', message)));
      return { ok: false, code, message };
    }
    const actions = isProbackupError(e) && e.code === 'permission-denied-function' ? [vscode.l10n.t('Check Privileges')] : [];
    const shown = showError(this.log, e, actions);
    void shown.then(async (choice) => {
      if (choice !== undefined && choice === actions[0]) await this.checkPrivileges(e as ProbackupError, context);
    });
    return { ok: false, code, message };
  }

  private async checkPrivileges(e: ProbackupError, context: { readonly connection?: ConnectionInfo; readonly major?: number; readonly role?: string }): Promise<void> {
    const all = await vscode.commands.getCommands(true);
    if (all.includes(CHECK_READINESS_COMMAND)) {
      await vscode.commands.executeCommand(CHECK_READINESS_COMMAND, context.connection ? { connection: context.connection } : undefined);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: missingGrantsScript(e, context.role ?? context.connection?.user, context.major) });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

function linkSignals(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}
