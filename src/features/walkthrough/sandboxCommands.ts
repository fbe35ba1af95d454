// The sandbox commands. Each takes an optional argument object so that a test, a keybinding or
// the walkthrough runs it without prompts, and each returns a result instead of throwing: either
// `{ok: true, …}` or `{ok: false, error}` (the error is also shown to the user).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clusterUser } from '../../core/postgres/clusterUser';
import { LESSON_BACKUP_ROLE, LESSON_DATABASE } from '../../core/postgres/lessonSandbox';
import { showError } from '../../platform/errors';
import { withProgressSignal } from '../../platform/progress';
import type { Services } from '../../platform/services';
import { defaultFolder } from './sandboxFolder';
import { resolveChoice, serverChoices } from './sandboxInstallations';
import type { ServerChoice } from './sandboxInstallations';
import { createSandbox, removeSandbox, sandboxRunning, startSandbox, stopSandbox } from './sandboxManager';
import type { SandboxRecord } from './sandboxManager';
import { SANDBOX_BACKUP_CONNECTION, SANDBOX_CONNECTION } from './sandboxState';
import type { SandboxState } from './sandboxState';

export interface SandboxArgs {
  /** PostgreSQL major version (create). */
  readonly major?: number;
  /** Folder for the sandbox (create); default: the extension's global storage. */
  readonly folder?: string;
  /** Skip confirmations (download of an embedded server, removal). */
  readonly confirm?: boolean;
}

export interface SandboxInfo {
  readonly ok: true;
  readonly port: number;
  readonly dataDir: string;
  readonly folder: string;
  readonly major: number;
  readonly running: boolean;
  readonly connectionName: string;
  readonly backupConnectionName: string;
  /** Start only: the port that was taken by another program. */
  readonly movedFrom?: number;
}

export type SandboxResult = SandboxInfo | { readonly ok: false; readonly error: string };

function info(r: SandboxRecord, running: boolean, movedFrom?: number): SandboxInfo {
  return {
    ok: true, port: r.port, dataDir: r.dataDir, folder: r.folder, major: r.major, running,
    connectionName: SANDBOX_CONNECTION, backupConnectionName: SANDBOX_BACKUP_CONNECTION,
    ...(movedFrom !== undefined ? { movedFrom } : {}),
  };
}

function asArgs(value: unknown): SandboxArgs {
  return value && typeof value === 'object' && !(value instanceof vscode.Uri) ? (value as SandboxArgs) : {};
}

export class SandboxCommands {
  constructor(private readonly services: Services, private readonly state: SandboxState) {}

  private get cacheDir(): string {
    return path.join(this.services.storageUri.fsPath, 'embedded-postgres');
  }

  private fail(err: unknown): SandboxResult {
    const error = err instanceof Error ? err.message : String(err);
    void showError(this.services.log, err);
    return { ok: false, error };
  }

  private untrusted(): SandboxResult | undefined {
    if (this.services.settings.canRunPrograms()) return undefined;
    return this.fail(new Error(vscode.l10n.t('The sandbox runs PostgreSQL programs, which an untrusted workspace does not allow. Trust the workspace first.')));
  }

  /** Folders tried for the default, in order: global storage, then temp folders the cluster user can reach. */
  private async defaultFolder(): Promise<string | undefined> {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    const candidates = [
      path.join(this.services.storageUri.fsPath, 'sandbox'),
      path.join(os.tmpdir(), `pg-backup-studio-sandbox-${uid}`),
      path.join(path.parse(os.tmpdir()).root, 'tmp', `pg-backup-studio-sandbox-${uid}`),
    ];
    return defaultFolder(candidates, await clusterUser());
  }

  async create(raw?: unknown): Promise<SandboxResult> {
    const args = asArgs(raw);
    const blocked = this.untrusted();
    if (blocked) return blocked;
    const existing = this.state.get();
    if (existing) {
      return this.fail(new Error(vscode.l10n.t('A sandbox cluster already exists in {0}; remove it first ("Remove Sandbox").', existing.folder)));
    }
    try {
      const choices = await serverChoices({ binDirs: this.services.settings.postgresBinDirs(), cacheDir: this.cacheDir });
      if (choices.length === 0) {
        return this.fail(new Error(vscode.l10n.t(
          'No PostgreSQL server was found, and none can be downloaded here. Install one (e.g. `apt-get install postgresql-15`) or name its bin folder in the setting pgBackupStudio.postgres.binDirs.')));
      }
      const choice = args.major !== undefined ? choices.find((c) => c.major === args.major) : await this.pickServer(choices);
      if (!choice) {
        if (args.major === undefined) return { ok: false, error: 'cancelled' };
        return this.fail(new Error(vscode.l10n.t('PostgreSQL {0} is neither installed nor installable here; available: {1}.',
          String(args.major), choices.map((c) => c.major).join(', '))));
      }
      if (!choice.installation && args.confirm !== true) {
        const download = vscode.l10n.t('Download');
        const answer = await vscode.window.showInformationMessage(
          vscode.l10n.t('PostgreSQL {0} is not installed. Download it with npm ({1}) into the extension\'s storage?', String(choice.major), choice.detail),
          { modal: true }, download);
        if (answer !== download) return { ok: false, error: 'cancelled' };
      }
      const folder = args.folder ?? (raw === undefined ? await this.pickFolder() : await this.defaultFolder());
      if (!folder) {
        if (raw === undefined) return { ok: false, error: 'cancelled' };
        return this.fail(new Error(vscode.l10n.t('No folder that PostgreSQL can use was found for the sandbox; pass one as "folder".')));
      }
      const record = await withProgressSignal(vscode.l10n.t('Creating the PostgreSQL {0} sandbox', String(choice.major)), async (signal, report) => {
        const onLine = (line: string): void => this.services.log.info(line);
        if (!choice.installation) report({ message: vscode.l10n.t('downloading the server with npm…') });
        const installation = await resolveChoice(choice, this.cacheDir, { signal, onLine });
        report({ message: vscode.l10n.t('initdb and start…'), fraction: 0.5 });
        return createSandbox(this.state, installation, folder, { signal, onLine });
      });
      this.services.log.info(`sandbox: PostgreSQL ${record.serverVersion} on 127.0.0.1:${record.port}, data ${record.dataDir}`);
      void vscode.window.showInformationMessage(vscode.l10n.t(
        'Sandbox PostgreSQL {0} runs on 127.0.0.1:{1} with the database "{2}" and the role "{3}" (LOGIN only). Connections: "{4}", "{5}".',
        record.serverVersion, String(record.port), LESSON_DATABASE, LESSON_BACKUP_ROLE, SANDBOX_CONNECTION, SANDBOX_BACKUP_CONNECTION));
      return info(record, true);
    } catch (e) {
      return this.fail(e);
    } finally {
      this.state.refresh();
    }
  }

  private async pickServer(choices: readonly ServerChoice[]): Promise<ServerChoice | undefined> {
    const items = choices.map((c) => ({
      label: `PostgreSQL ${c.major}`,
      description: c.installation ? c.installation.version : vscode.l10n.t('not installed: download'),
      detail: c.detail,
      choice: c,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('PostgreSQL version for the sandbox'), ignoreFocusOut: true });
    return picked?.choice;
  }

  private async pickFolder(): Promise<string | undefined> {
    const def = await this.defaultFolder();
    const items: (vscode.QuickPickItem & { folder?: string })[] = [];
    if (def) items.push({ label: vscode.l10n.t('Default folder'), detail: def, folder: def });
    items.push({ label: vscode.l10n.t('Choose a folder…'), detail: vscode.l10n.t('an empty or new folder') });
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Where the sandbox cluster lives'), ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.folder) return picked.folder;
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Use for the Sandbox') });
    return uris?.[0]?.fsPath;
  }

  async start(): Promise<SandboxResult> {
    const blocked = this.untrusted();
    if (blocked) return blocked;
    try {
      const result = await withProgressSignal(vscode.l10n.t('Starting the sandbox'), (signal) =>
        startSandbox(this.state, { signal, onLine: (l) => this.services.log.info(l) }));
      if (result.movedFrom !== undefined) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Port {0} was taken by another program; the sandbox now listens on 127.0.0.1:{1}.',
          String(result.movedFrom), String(result.record.port)));
      }
      return info(result.record, true, result.movedFrom);
    } catch (e) {
      return this.fail(e);
    } finally {
      this.state.refresh();
    }
  }

  async stop(): Promise<SandboxResult> {
    const blocked = this.untrusted();
    if (blocked) return blocked;
    try {
      const record = await withProgressSignal(vscode.l10n.t('Stopping the sandbox'), (signal) =>
        stopSandbox(this.state, { signal, onLine: (l) => this.services.log.info(l) }));
      return info(record, false);
    } catch (e) {
      return this.fail(e);
    } finally {
      this.state.refresh();
    }
  }

  async remove(raw?: unknown): Promise<SandboxResult> {
    const args = asArgs(raw);
    const blocked = this.untrusted();
    if (blocked) return blocked;
    const record = this.state.get();
    if (!record) return this.fail(new Error(vscode.l10n.t('There is no sandbox cluster to remove.')));
    if (args.confirm !== true) {
      const yes = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Stop the sandbox server and delete its cluster folder {0}? Nothing else in {1} is touched.', record.clusterDir, record.folder),
        { modal: true }, yes);
      if (answer !== yes) return { ok: false, error: 'cancelled' };
    }
    try {
      const result = await withProgressSignal(vscode.l10n.t('Removing the sandbox'), (signal) =>
        removeSandbox(this.state, { signal, onLine: (l) => this.services.log.info(l) }));
      if (result.wasGone) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The sandbox folder had already been deleted; the sandbox is forgotten.'));
      }
      return info(result.record, false);
    } catch (e) {
      return this.fail(e);
    } finally {
      this.state.refresh();
    }
  }

  /** The status bar item's menu. */
  async actions(): Promise<void> {
    const r = this.state.get();
    const running = r !== undefined && sandboxRunning(r);
    const items: (vscode.QuickPickItem & { command: string })[] = r
      ? [
        running
          ? { label: `$(debug-stop) ${vscode.l10n.t('Stop Sandbox')}`, command: 'pgBackupStudio.sandbox.stop' }
          : { label: `$(play) ${vscode.l10n.t('Start Sandbox')}`, command: 'pgBackupStudio.sandbox.start' },
        { label: `$(file) ${vscode.l10n.t('Open postgresql.conf and pg_hba.conf')}`, command: 'pgBackupStudio.sandbox.openSettings' },
        { label: `$(book) ${vscode.l10n.t('Open the Lesson Walkthrough')}`, command: 'pgBackupStudio.walkthrough.open' },
        { label: `$(trash) ${vscode.l10n.t('Remove Sandbox…')}`, command: 'pgBackupStudio.sandbox.remove' },
      ]
      : [{ label: `$(add) ${vscode.l10n.t('Create Sandbox Cluster…')}`, command: 'pgBackupStudio.sandbox.create' }];
    const picked = await vscode.window.showQuickPick(items, { ignoreFocusOut: true,
      title: r ? vscode.l10n.t('PostgreSQL {0} sandbox, 127.0.0.1:{1}', r.serverVersion, String(r.port)) : vscode.l10n.t('PostgreSQL sandbox'),
    });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }
}
