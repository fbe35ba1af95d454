// What the composition root builds once and hands to every feature's register().
import type * as vscode from 'vscode';
import type { Connections } from './connections';
import type { Log } from './log';
import type { Settings } from './settings';

export interface Services {
  readonly log: Log;
  readonly settings: Settings;
  readonly connections: Connections;
  readonly secrets: vscode.SecretStorage;
  readonly extensionUri: vscode.Uri;
  readonly storageUri: vscode.Uri;
}
