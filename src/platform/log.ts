// The extension's one Output channel. Every command line we run is logged here, never a password.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('PostgreSQL Backup Studio', { log: true });
}
