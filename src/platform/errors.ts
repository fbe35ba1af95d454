// Error display: the real message, plus a "Show Log" button that opens the Output channel.
import * as vscode from 'vscode';
import type { Log } from './log';

export async function showError(log: Log, err: unknown, extraActions: readonly string[] = []): Promise<string | undefined> {
  const message = err instanceof Error ? err.message : String(err);
  log.error(message);
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(message, ...extraActions, showLog);
  if (choice === showLog) log.show(true);
  return choice;
}
