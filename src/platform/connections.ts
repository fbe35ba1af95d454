// The connections the features share: saved ones from the `pgBackupStudio.connections` setting,
// plus those registered at run time (a sandbox cluster). Passwords live in SecretStorage only.
import * as vscode from 'vscode';
import { connectionProblem, passwordKey } from '../core/postgres/connection';
import type { ConnectionInfo } from '../core/postgres/connection';

export class Connections implements vscode.Disposable {
  private readonly runtime = new Map<string, ConnectionInfo>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  list(): ConnectionInfo[] {
    const saved = vscode.workspace.getConfiguration('pgBackupStudio').get<unknown[]>('connections') ?? [];
    const out = new Map<string, ConnectionInfo>();
    for (const raw of saved) {
      if (raw && typeof raw === 'object' && !connectionProblem(raw as Partial<ConnectionInfo>)) {
        const c = raw as ConnectionInfo;
        out.set(c.name, c);
      }
    }
    for (const c of this.runtime.values()) out.set(c.name, c);
    return [...out.values()];
  }

  get(name: string): ConnectionInfo | undefined {
    return this.list().find((c) => c.name === name);
  }

  /** Registers a connection for this window's lifetime (e.g. a running sandbox). */
  registerRuntime(c: ConnectionInfo): vscode.Disposable {
    this.runtime.set(c.name, c);
    this.changed.fire();
    return new vscode.Disposable(() => {
      if (this.runtime.get(c.name) === c) {
        this.runtime.delete(c.name);
        this.changed.fire();
      }
    });
  }

  async save(c: ConnectionInfo): Promise<void> {
    const problem = connectionProblem(c);
    if (problem) throw new Error(problem);
    const cfg = vscode.workspace.getConfiguration('pgBackupStudio');
    const saved = (cfg.get<ConnectionInfo[]>('connections') ?? []).filter((x) => x.name !== c.name);
    await cfg.update('connections', [...saved, c], vscode.ConfigurationTarget.Global);
    this.changed.fire();
  }

  password(c: ConnectionInfo): Thenable<string | undefined> {
    return this.secrets.get(passwordKey(c));
  }

  storePassword(c: ConnectionInfo, password: string): Thenable<void> {
    return this.secrets.store(passwordKey(c), password);
  }

  forgetPassword(c: ConnectionInfo): Thenable<void> {
    return this.secrets.delete(passwordKey(c));
  }

  /** The stored password, else asks once (password box) and stores it. Undefined when the user cancels. */
  async passwordOrAsk(c: ConnectionInfo): Promise<string | undefined> {
    const known = await this.password(c);
    if (known !== undefined) return known;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Password for {0}', `${c.user}@${c.host}:${c.port}`),
      password: true,
      ignoreFocusOut: true,
      prompt: vscode.l10n.t('Kept in VS Code\'s secret storage; leave empty for none.'),
    });
    if (typed === undefined) return undefined;
    await this.storePassword(c, typed);
    return typed;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
