// "Check Server Readiness…", "Open GRANT Script…" and "Apply Missing GRANTs…": the live check
// of a saved (or given) connection through the core, its report and Problems entries, and the
// GRANT script for the backup role. Only a command connects, never opening a workspace.
import * as os from 'node:os';
import { isRoot } from '../../core/postgres/clusterUser';
import { confirmedClientHostname } from '../../core/pgconf/clientHostname';
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../../core/postgres/connection';
import { connectionProblem, describeConnection } from '../../core/postgres/connection';
import type { LiveCheckResult, LiveTarget } from '../../core/postgres/liveCheck';
import { LiveCheckError, applyStatements, runLiveCheck } from '../../core/postgres/liveCheck';
import type { LiveFinding } from '../../core/postgres/liveCheckRules';
import { showError } from '../../platform/errors';
import { withProgressSignal } from '../../platform/progress';
import type { Services } from '../../platform/services';
import { checkerSettings } from './checkerSettings';
import type { ReadinessReports } from './readinessReport';

export interface ReadinessArgs {
  readonly connectionName?: string;
  readonly connection?: ConnectionInfo;
  /** The backup role to check; default the checker.backupRole setting. */
  readonly role?: string;
  /** Check the function list of this major instead of the server's. */
  readonly major?: number;
  readonly walMode?: 'stream' | 'archive';
  /** For callers that hold it; else the stored one, else asked for once. */
  readonly password?: string;
  /** applyMissingGrants: skip the modal confirmation. */
  readonly confirm?: boolean;
  /** Open the report (default true). */
  readonly show?: boolean;
}

export interface ReadinessOutcome {
  readonly connection?: string;
  readonly findings: readonly LiveFinding[];
  readonly missingGrants: readonly string[];
  readonly grantScript: string;
  readonly applied: readonly string[];
  readonly result?: LiveCheckResult;
  readonly reportUri?: string;
  /** openGrantScript: the untitled SQL document it opened. */
  readonly documentUri?: string;
  /** Set when the check did not run: cancelled, refused, timeout, auth, … */
  readonly error?: { readonly kind: string; readonly message: string };
}

const EMPTY: Omit<ReadinessOutcome, 'error'> = { findings: [], missingGrants: [], grantScript: '', applied: [] };

class Stop extends Error {}

export class ServerReadiness {
  constructor(private readonly services: Services, private readonly reports: ReadinessReports) {}

  private async connection(arg: ReadinessArgs | undefined): Promise<ConnectionInfo> {
    if (arg?.connection !== undefined) {
      const problem = connectionProblem(arg.connection);
      if (problem !== undefined) throw new Error(problem);
      return arg.connection;
    }
    if (arg?.connectionName !== undefined) {
      const c = this.services.connections.get(arg.connectionName);
      if (c === undefined) throw new Error(vscode.l10n.t('No connection named "{0}".', arg.connectionName));
      return c;
    }
    const all = this.services.connections.list();
    if (all.length === 0) throw new Error(vscode.l10n.t('No saved connection: add one to the pgBackupStudio.connections setting, or create the sandbox cluster.'));
    const chosen = await vscode.window.showQuickPick(all.map((c) => ({ label: c.name, description: describeConnection(c), c })),
      { title: vscode.l10n.t('Check which server?'), ignoreFocusOut: true });
    if (chosen === undefined) throw new Stop();
    return chosen.c;
  }

  /**
   * Connects with the given or stored password, or with none; a password is asked for only when
   * the server says it needs one (a sandbox with trust authentication never prompts).
   */
  private async checked(c: ConnectionInfo, arg: ReadinessArgs | undefined): Promise<{ target: LiveTarget; result: LiveCheckResult }> {
    const base = { host: c.host, port: c.port, user: c.user, database: c.database };
    const known = arg?.password ?? await this.services.connections.password(c);
    const target: LiveTarget = { ...base, ...(known ? { password: known } : {}) };
    try {
      return { target, result: await this.check(c, target, arg) };
    } catch (e) {
      if (!(e instanceof LiveCheckError && e.kind === 'auth') || arg?.password !== undefined) throw e;
      if (known !== undefined) await this.services.connections.forgetPassword(c);
      const typed = await this.services.connections.passwordOrAsk(c);
      if (typed === undefined) throw new Stop();
      const retry: LiveTarget = { ...base, ...(typed === '' ? {} : { password: typed }) };
      return { target: retry, result: await this.check(c, retry, arg) };
    }
  }

  private async check(c: ConnectionInfo, t: LiveTarget, arg: ReadinessArgs | undefined): Promise<LiveCheckResult> {
    const s = checkerSettings();
    return withProgressSignal(vscode.l10n.t('Checking the readiness of {0}…', c.name), (signal) => runLiveCheck(t, {
      role: arg?.role ?? s.backupRole,
      walMode: arg?.walMode ?? s.walMode,
      signal,
      clientAddress: s.clientAddress,
      resolveHostname: (address) => confirmedClientHostname(address),
      // pg_probackup runs as the connection's cluster user when we are root, else as us.
      clientOsUser: isRoot() && c.osUser ? c.osUser : os.userInfo().username,
      ...(arg?.major === undefined ? {} : { major: arg.major }),
      ...(s.catalog === undefined ? {} : { catalog: s.catalog }),
      ...(s.instance === undefined ? {} : { instance: s.instance }),
    }));
  }

  private publish(c: ConnectionInfo, result: LiveCheckResult, applied: readonly string[], arg: ReadinessArgs | undefined): ReadinessOutcome {
    const uri = this.reports.publish(c.name, c.host, describeConnection(c), result, applied);
    if (arg?.show !== false) void this.showReport(uri);
    return {
      connection: c.name, findings: result.findings, missingGrants: result.missingGrants, grantScript: result.grantScript,
      applied, result, reportUri: uri.toString(),
    };
  }

  private async showReport(uri: vscode.Uri): Promise<void> {
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true });
    }
  }

  private async guarded(what: (arg: ReadinessArgs | undefined) => Promise<ReadinessOutcome>, arg: ReadinessArgs | undefined): Promise<ReadinessOutcome> {
    try {
      return await what(arg);
    } catch (e) {
      if (e instanceof Stop || (e instanceof LiveCheckError && e.kind === 'cancelled')) return { ...EMPTY, error: { kind: 'cancelled', message: 'cancelled' } };
      const kind = e instanceof LiveCheckError ? e.kind : 'error';
      const message = e instanceof Error ? e.message : String(e);
      void showError(this.services.log, e);
      return { ...EMPTY, error: { kind, message } };
    }
  }

  /** pgBackupStudio.checkServerReadiness */
  checkServerReadiness(arg?: ReadinessArgs): Promise<ReadinessOutcome> {
    return this.guarded(async (a) => {
      const c = await this.connection(a);
      const { result } = await this.checked(c, a);
      const outcome = this.publish(c, result, [], a);
      if (result.missingGrants.length > 0) void this.offer(c, a);
      else if (result.findings.length === 0) void vscode.window.showInformationMessage(vscode.l10n.t('{0} is ready for pg_probackup.', c.name));
      return outcome;
    }, arg);
  }

  private async offer(c: ConnectionInfo, arg: ReadinessArgs | undefined): Promise<void> {
    const open = vscode.l10n.t('Open GRANT Script');
    const apply = vscode.l10n.t('Apply Missing GRANTs');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The backup role on {0} lacks privileges pg_probackup needs.', c.name), open, apply);
    const next: ReadinessArgs = { connection: c, ...(arg?.role === undefined ? {} : { role: arg.role }), ...(arg?.major === undefined ? {} : { major: arg.major }) };
    if (choice === open) await this.openGrantScript(next);
    else if (choice === apply) await this.applyMissingGrants(next);
  }

  /** pgBackupStudio.openGrantScript: a new untitled SQL document with exactly the missing grants. */
  openGrantScript(arg?: ReadinessArgs): Promise<ReadinessOutcome> {
    return this.guarded(async (a) => {
      const c = await this.connection(a);
      const { result } = await this.checked(c, a);
      const outcome = this.publish(c, result, [], { ...a, show: false });
      if (result.grantScript === '') {
        void vscode.window.showInformationMessage(vscode.l10n.t('Role "{0}" on {1} has every privilege pg_probackup needs.', result.role, c.name));
        return outcome;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: result.grantScript });
      await vscode.window.showTextDocument(doc);
      return { ...outcome, documentUri: doc.uri.toString() };
    }, arg);
  }

  /** Another saved connection to the server of `c`, as a user who may grant to `role`; asked for when there are several. */
  private async grantingConnection(c: ConnectionInfo, role: string): Promise<ConnectionInfo> {
    const others = this.services.connections.list().filter((x) => x.host === c.host && x.port === c.port && x.user !== role);
    if (others.length === 0) {
      throw new Error(vscode.l10n.t(
        'Role "{0}" cannot grant privileges to itself. Add a connection to {1} as a superuser (or a role that may grant them), or open the GRANT script and run it as one.',
        role, describeConnection(c)));
    }
    if (others.length === 1 && others[0]) return others[0];
    const chosen = await vscode.window.showQuickPick(others.map((x) => ({ label: x.name, description: `${x.user} · ${describeConnection(x)}`, x })),
      { title: vscode.l10n.t('Grant to "{0}" through which connection?', role), ignoreFocusOut: true });
    if (chosen === undefined) throw new Stop();
    return chosen.x;
  }

  /** pgBackupStudio.applyMissingGrants: confirmed (unless confirm:true), one transaction, then checked again. */
  applyMissingGrants(arg?: ReadinessArgs): Promise<ReadinessOutcome> {
    return this.guarded(async (a) => {
      const asked = await this.connection(a);
      let c = asked;
      let { target: t, result: before } = await this.checked(c, a);
      if (before.missingGrants.length > 0 && c.user === before.role) {
        // The backup role cannot grant itself these privileges (and REPLICATION needs a
        // superuser): apply them through another connection to the same server.
        const admin = await this.grantingConnection(c, before.role);
        const withRole: ReadinessArgs = { ...a, role: before.role };
        c = admin;
        ({ target: t, result: before } = await this.checked(admin, withRole));
        a = withRole;
      }
      if (before.missingGrants.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Role "{0}" on {1} has every privilege pg_probackup needs.', before.role, c.name));
        return this.publish(c, before, [], a);
      }
      if (a?.confirm !== true) {
        const go = vscode.l10n.t('Apply');
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t('Run these statements on {0} as {1}?', c.name, c.user),
          { modal: true, detail: before.missingGrants.join('\n') }, go);
        if (answer !== go) throw new Stop();
      }
      const applied = await applyStatements(t, before.missingGrants);
      this.services.log.info(`applied ${applied.length} statement(s) for role ${before.role} on ${describeConnection(c)}`);
      const after = await this.check(c, t, a);
      const outcome = this.publish(c, after, applied, a);
      // The report of the connection that was asked about (the backup role's own) is stale now.
      if (asked !== c) this.publish(asked, after, applied, { ...a, show: false });
      void vscode.window.showInformationMessage(after.missingGrants.length === 0
        ? vscode.l10n.t('Applied {0} statement(s): role "{1}" now has what pg_probackup needs.', applied.length, after.role)
        : vscode.l10n.t('Applied {0} statement(s), but something is still missing: see the report.', applied.length));
      return outcome;
    }, arg);
  }
}
