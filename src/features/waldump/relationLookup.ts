// Relation names for block references in the WAL viewer's hovers, from the connection named by
// `pgBackupStudio.waldump.connection`. A hover never prompts: it uses the stored password (or
// none); "Choose Connection for Relation Names…" checks the connection once and asks for a
// password there if the server wants one.
import * as vscode from 'vscode';
import { describeConnection, passwordKey } from '../../core/postgres/connection';
import type { ConnectionInfo } from '../../core/postgres/connection';
import { LiveCheckError } from '../../core/postgres/liveCheck';
import { RelationNameResolver, relationConnector } from '../../core/postgres/relationNames';
import type { RelationNames, RelFileRef } from '../../core/postgres/relationNames';
import type { Services } from '../../platform/services';

const SETTING = 'waldump.connection';
export const CHOOSE_COMMAND = 'pgBackupStudio.waldump.chooseConnection';

export class RelationLookup implements vscode.Disposable {
  private resolver: { key: string; resolver: RelationNameResolver } | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`pgBackupStudio.${SETTING}`) || e.affectsConfiguration('pgBackupStudio.connections')) this.reset();
      }),
      services.connections.onDidChange(() => this.reset()),
    );
  }

  /** The connection set for names; undefined when none is set. */
  connection(): ConnectionInfo | { readonly missing: string } | undefined {
    const name = vscode.workspace.getConfiguration('pgBackupStudio').get<string>(SETTING) ?? '';
    if (name === '') return undefined;
    return this.services.connections.get(name) ?? { missing: name };
  }

  /** Names of a block reference's relation; undefined when no connection is set. */
  async names(ref: RelFileRef, token: vscode.CancellationToken): Promise<RelationNames | undefined> {
    const c = this.connection();
    if (c === undefined) return undefined;
    if ('missing' in c) return { problem: `no saved connection is named "${c.missing}" (setting pgBackupStudio.${SETTING})` };
    const password = await this.services.connections.password(c);
    const key = `${passwordKey(c)}/${c.database}/${password === undefined ? 0 : password.length}`;
    if (this.resolver?.key !== key) {
      this.reset();
      this.resolver = { key, resolver: new RelationNameResolver(relationConnector(c, password), { queryTimeoutMs: 3_000 }) };
    }
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await this.resolver.resolver.resolve(ref, ac.signal);
    } finally {
      sub.dispose();
    }
  }

  /** Lets the user pick the connection for names, checks it, and asks for a password only if needed. */
  async choose(arg?: { readonly connectionName?: string }): Promise<{ ok: boolean; message?: string; connection?: string }> {
    const all = this.services.connections.list();
    let name = arg?.connectionName;
    if (name === undefined) {
      if (all.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No saved connection: add one to the pgBackupStudio.connections setting, or create the sandbox cluster.'));
        return { ok: false, message: 'no saved connection' };
      }
      const none = vscode.l10n.t('None: no relation names');
      const pick = await vscode.window.showQuickPick([
        ...all.map((c) => ({ label: c.name, description: describeConnection(c) })),
        { label: none, description: '' },
      ], { ignoreFocusOut: true, title: vscode.l10n.t('Relation names in WAL hovers come from which server?') });
      if (!pick) return { ok: false, message: 'cancelled' };
      name = pick.label === none ? '' : pick.label;
    }
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    if (name === '') {
      await vscode.workspace.getConfiguration('pgBackupStudio').update(SETTING, undefined, target);
      return { ok: true, connection: '' };
    }
    const c = this.services.connections.get(name);
    if (!c) return { ok: false, message: `no saved connection is named "${name}"` };
    let password = await this.services.connections.password(c);
    let problem = await tryConnect(c, password);
    if (problem?.auth) {
      await this.services.connections.forgetPassword(c);
      password = await this.services.connections.passwordOrAsk(c);
      if (password === undefined) return { ok: false, message: 'cancelled' };
      problem = await tryConnect(c, password === '' ? undefined : password);
    }
    if (problem) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Relation names: {0}', problem.message));
      return { ok: false, message: problem.message };
    }
    await vscode.workspace.getConfiguration('pgBackupStudio').update(SETTING, name, target);
    this.reset();
    return { ok: true, connection: name };
  }

  private reset(): void {
    void this.resolver?.resolver.dispose();
    this.resolver = undefined;
  }

  dispose(): void {
    this.reset();
    for (const s of this.subs) s.dispose();
  }
}

/** Undefined when a client connects; else why not, and whether a password would help. */
async function tryConnect(c: ConnectionInfo, password: string | undefined): Promise<{ message: string; auth: boolean } | undefined> {
  try {
    const client = await relationConnector(c, password)(undefined);
    await client.end();
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { message, auth: e instanceof LiveCheckError && e.kind === 'auth' };
  }
}
