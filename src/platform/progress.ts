// Bridges VS Code's progress notification and CancellationToken to the core's AbortSignal.
import * as vscode from 'vscode';

export interface ProgressReport {
  /** A fraction from 0 to 1; values that go backwards are ignored. */
  fraction?: number;
  message?: string;
}

export function withProgressSignal<T>(
  title: string,
  task: (signal: AbortSignal, report: (r: ProgressReport) => void) => Promise<T>,
  location: vscode.ProgressLocation = vscode.ProgressLocation.Notification,
): Thenable<T> {
  return vscode.window.withProgress({ location, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let done = 0;
    const report = (r: ProgressReport): void => {
      let increment: number | undefined;
      if (r.fraction !== undefined) {
        const pct = Math.max(0, Math.min(100, r.fraction * 100));
        if (pct > done) {
          increment = pct - done;
          done = pct;
        }
      }
      progress.report({
        ...(increment !== undefined ? { increment } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
      });
    };
    try {
      return await task(controller.signal, report);
    } finally {
      sub.dispose();
    }
  });
}
