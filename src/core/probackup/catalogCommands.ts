// Builders for the verbs that manage the catalog and read it: init, add-instance, del-instance,
// show, show --archive, show-config, set-config, set-backup. Each returns an Invocation whose
// parse gives a typed outcome or throws a ProbackupError.
import type { Invocation, RunResult } from '../process/runner';
import type { Backup, InstanceArchive, InstanceBackups, InstanceConfig } from './backup';
import type { BaseOptions, CompressionOptions, ConnectionOptions, InstanceOptions, LogLevelName, PinOptions, RetentionOptions } from './commandArgs';
import {
  catalogArgs, compressionArgs, connectionArgs, instanceArgs, noteArgs, PARSED_LOG_ARGS, pinArgs, probackupEnv, requireSuccess, retentionArgs,
} from './commandArgs';
import { logEvents, parseLog } from './logLines';
import { ProbackupError } from './probackupError';
import { parseShowArchiveJson, parseShowConfigJson, parseShowJson } from './showOutput';

export interface InitOutcome {
  /** The catalog path as pg_probackup reported it. */
  readonly catalog: string;
}

export function initCommand(o: BaseOptions): Invocation<InitOutcome> {
  return {
    file: o.binary,
    args: ['init', ...catalogArgs(o)],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      const e = logEvents(r.stderr).find((ev) => ev.kind === 'catalog-initialized');
      return { catalog: e?.kind === 'catalog-initialized' ? e.path : o.catalog };
    },
  };
}

export interface AddInstanceOptions extends InstanceOptions {
  readonly pgdata: string;
  readonly externalDirs?: readonly string[];
}

export interface InstanceOutcome {
  readonly instance: string;
}

export function addInstanceCommand(o: AddInstanceOptions): Invocation<InstanceOutcome> {
  return {
    file: o.binary,
    args: ['add-instance', ...instanceArgs(o), '-D', o.pgdata, ...externalDirsArgs(o.externalDirs)],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      const e = logEvents(r.stderr).find((ev) => ev.kind === 'instance-initialized');
      return { instance: e?.kind === 'instance-initialized' ? e.instance : o.instance };
    },
  };
}

export function delInstanceCommand(o: InstanceOptions): Invocation<InstanceOutcome> {
  return {
    file: o.binary,
    args: ['del-instance', ...instanceArgs(o)],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      return { instance: o.instance };
    },
  };
}

export interface ShowOptions extends BaseOptions {
  /** Only this instance; all of them otherwise. */
  readonly instance?: string;
}

export function showCommand(o: ShowOptions): Invocation<InstanceBackups[]> {
  return {
    file: o.binary,
    args: ['show', ...catalogArgs(o), ...(o.instance !== undefined ? [`--instance=${o.instance}`] : []), '--format=json'],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      return parseShowJson(r.stdout);
    },
  };
}

export interface ShowBackupOptions extends InstanceOptions {
  readonly backupId: string;
}

/**
 * `show -i`: one backup. For a backup that does not exist pg_probackup 2.5.16 exits 0 and prints
 * the instance with an empty backup list in JSON (the plain format prints
 * `INFO: Requested backup "X" is not found.`); both become backup-not-found.
 */
export function showBackupCommand(o: ShowBackupOptions): Invocation<Backup> {
  return {
    file: o.binary,
    args: ['show', ...instanceArgs(o), '-i', o.backupId, '--format=json'],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      const found = r.stdout.trim() === '' ? undefined : parseShowJson(r.stdout).flatMap((i) => i.backups).find((b) => b.id === o.backupId);
      if (found) return found;
      const said = parseLog(r.stderr).find((e) => /^Requested backup "?[0-9A-Z]+"? is not found/.test(e.message));
      throw new ProbackupError('backup-not-found', said?.message ?? `Backup ${o.backupId} is not in instance '${o.instance}'`, {
        exitCode: r.exitCode, stderr: r.stderr, subject: o.backupId,
      });
    },
  };
}

export function showArchiveCommand(o: ShowOptions): Invocation<InstanceArchive[]> {
  return {
    file: o.binary,
    args: ['show', ...catalogArgs(o), ...(o.instance !== undefined ? [`--instance=${o.instance}`] : []), '--archive', '--format=json'],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      return parseShowArchiveJson(r.stdout);
    },
  };
}

export function showConfigCommand(o: InstanceOptions): Invocation<InstanceConfig> {
  return {
    file: o.binary,
    args: ['show-config', ...instanceArgs(o), '--format=json'],
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      return parseShowConfigJson(r.stdout);
    },
  };
}

export interface SetConfigOptions extends InstanceOptions {
  readonly pgdata?: string;
  /** Stored connection settings; a password given here is not stored (pg_probackup has no such setting). */
  readonly connection?: Omit<ConnectionOptions, 'password' | 'noPasswordPrompt'>;
  readonly retention?: RetentionOptions;
  readonly compression?: CompressionOptions;
  readonly archiveTimeout?: string;
  readonly restoreCommand?: string;
  readonly logLevelConsole?: LogLevelName;
  readonly logLevelFile?: LogLevelName;
  readonly externalDirs?: readonly string[];
}

export function setConfigCommand(o: SetConfigOptions): Invocation<void> {
  const args = ['set-config', ...instanceArgs(o)];
  if (o.pgdata !== undefined) args.push('-D', o.pgdata);
  if (o.connection) args.push(...connectionArgs({ ...o.connection, noPasswordPrompt: false }));
  args.push(...retentionArgs(o.retention), ...compressionArgs(o.compression, true));
  if (o.archiveTimeout !== undefined) args.push(`--archive-timeout=${o.archiveTimeout}`);
  if (o.restoreCommand !== undefined) args.push(`--restore-command=${o.restoreCommand}`);
  if (o.logLevelConsole !== undefined) args.push(`--log-level-console=${o.logLevelConsole}`);
  if (o.logLevelFile !== undefined) args.push(`--log-level-file=${o.logLevelFile}`);
  args.push(...externalDirsArgs(o.externalDirs));
  return {
    file: o.binary,
    args,
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
    },
  };
}

export interface SetBackupOptions extends InstanceOptions, PinOptions {
  readonly backupId: string;
  readonly note?: string;
}

export interface SetBackupOutcome {
  readonly backupId: string;
  /** Set when the run pinned the backup; null when it unpinned it. */
  readonly pinnedUntil: Date | null | undefined;
}

export function setBackupCommand(o: SetBackupOptions): Invocation<SetBackupOutcome> {
  const pin = pinArgs(o);
  const note = noteArgs(o.note);
  if (pin.length === 0 && note.length === 0) throw new RangeError('set-backup needs --ttl, --expire-time or --note');
  return {
    file: o.binary,
    args: ['set-backup', ...instanceArgs(o), '-i', o.backupId, ...pin, ...note, ...PARSED_LOG_ARGS],
    env: probackupEnv(),
    parse: (r) => parseSetBackup(r, o.backupId),
  };
}

function parseSetBackup(r: RunResult, backupId: string): SetBackupOutcome {
  requireSuccess(r);
  let pinnedUntil: Date | null | undefined;
  for (const e of logEvents(r.stderr)) {
    if (e.kind === 'backup-pinned' && e.backupId === backupId) pinnedUntil = e.until;
    if (e.kind === 'backup-unpinned' && e.backupId === backupId) pinnedUntil = null;
  }
  return { backupId, pinnedUntil };
}

export function externalDirsArgs(dirs: readonly string[] | undefined): string[] {
  if (!dirs || dirs.length === 0) return [];
  for (const d of dirs) if (d.includes(':')) throw new RangeError(`an external directory cannot contain ":" (${d})`);
  return [`--external-dirs=${dirs.join(':')}`];
}
