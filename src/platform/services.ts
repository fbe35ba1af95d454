// What the composition root builds once and hands to every feature's register().
import type * as vscode from 'vscode';
import type { Log } from './log';
import type { Settings } from './settings';

export interface Services {
  readonly log: Log;
  readonly settings: Settings;
  readonly secrets: vscode.SecretStorage;
  readonly extensionUri: vscode.Uri;
  readonly storageUri: vscode.Uri;
}
