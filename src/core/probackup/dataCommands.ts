// Builders for the verbs that move data: backup, validate, restore, merge, delete, checkdb,
// catchup. Each returns an Invocation whose parse gives a typed outcome or throws a ProbackupError.
import type { Invocation, RunResult } from '../process/runner';
import type { BaseOptions, CompressionOptions, ConnectionOptions, InstanceOptions, PinOptions, RecoveryTarget, RetentionOptions } from './commandArgs';
import {
  catalogArgs, compressionArgs, connectionArgs, flag, instanceArgs, noteArgs, PARSED_LOG_ARGS, pinArgs, probackupEnv, recoveryTargetArgs,
  requireSuccess, retentionArgs, threadArgs,
} from './commandArgs';
import { externalDirsArgs } from './catalogCommands';
import { errorFromRun } from './errorCodes';
import type { LogEvent, RetentionVerdict } from './logLines';
import { logEvents } from './logLines';
import { ProbackupError } from './probackupError';
import { runningPostmasterPid } from './restoreTarget';

export type BackupModeArg = 'FULL' | 'PAGE' | 'DELTA' | 'PTRACK';

export interface BackupOptions extends InstanceOptions, PinOptions {
  readonly mode: BackupModeArg;
  readonly stream?: boolean;
  readonly slot?: string;
  readonly tempSlot?: boolean;
  readonly pgdata?: string;
  readonly connection?: ConnectionOptions;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly smoothCheckpoint?: boolean;
  readonly noValidate?: boolean;
  readonly skipBlockValidation?: boolean;
  readonly noSync?: boolean;
  readonly compression?: CompressionOptions;
  readonly archiveTimeout?: string;
  readonly note?: string;
  readonly externalDirs?: readonly string[];
  readonly deleteExpired?: boolean;
  readonly mergeExpired?: boolean;
  readonly deleteWal?: boolean;
  readonly retention?: RetentionOptions;
}

export interface BackupOutcome {
  readonly backupId: string;
  readonly mode: string | undefined;
  readonly walMode: string | undefined;
}

export function backupCommand(o: BackupOptions): Invocation<BackupOutcome> {
  const args = ['backup', ...instanceArgs(o), '-b', o.mode];
  if (o.pgdata !== undefined) args.push('-D', o.pgdata);
  args.push(...flag(o.stream, '--stream'));
  if (o.slot !== undefined) args.push('-S', o.slot);
  args.push(...flag(o.tempSlot, '--temp-slot'), ...flag(o.smoothCheckpoint, '-C'));
  args.push(...threadArgs(o.threads), ...flag(o.progress, '--progress'));
  args.push(...flag(o.noValidate, '--no-validate'), ...flag(o.skipBlockValidation, '--skip-block-validation'));
  args.push(...flag(o.noSync, '--no-sync'), ...compressionArgs(o.compression));
  if (o.archiveTimeout !== undefined) args.push(`--archive-timeout=${o.archiveTimeout}`);
  args.push(...externalDirsArgs(o.externalDirs));
  args.push(...flag(o.deleteExpired, '--delete-expired'), ...flag(o.mergeExpired, '--merge-expired'), ...flag(o.deleteWal, '--delete-wal'));
  args.push(...retentionArgs(o.retention), ...pinArgs(o), ...noteArgs(o.note));
  args.push(...connectionArgs(o.connection), ...PARSED_LOG_ARGS);
  return { file: o.binary, args, env: probackupEnv(o.connection?.password), parse: parseBackup };
}

function parseBackup(r: RunResult): BackupOutcome {
  requireSuccess(r);
  const events = logEvents(r.stderr);
  const start = events.find((e) => e.kind === 'backup-start');
  const done = events.find((e) => e.kind === 'backup-completed');
  const backupId = start?.kind === 'backup-start' ? start.start.backupId : done?.kind === 'backup-completed' ? done.backupId : undefined;
  if (backupId === undefined) {
    throw new ProbackupError('invalid-output', 'backup exited 0 but its log names no backup ID', { exitCode: r.exitCode, stderr: r.stderr });
  }
  return {
    backupId,
    mode: start?.kind === 'backup-start' ? start.start.mode : undefined,
    walMode: start?.kind === 'backup-start' ? start.start.walMode : undefined,
  };
}

export interface ValidateOptions extends BaseOptions {
  /** Validate the backups of this instance; the whole catalog otherwise. */
  readonly instance?: string;
  readonly backupId?: string;
  readonly target?: RecoveryTarget;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly skipBlockValidation?: boolean;
}

export interface BackupValidation {
  readonly backupId: string;
  /** valid: checked and fine; corrupt: data or WAL failed; skipped: not checked (status, missing parent); orphan: made orphan by a parent. */
  readonly result: 'valid' | 'corrupt' | 'skipped' | 'orphan';
  readonly reason: string | undefined;
}

export interface ValidateOutcome {
  readonly backups: readonly BackupValidation[];
}

/** Reads the per-backup results from a validate log (also present in a failed one). */
export function validationResults(stderr: string): BackupValidation[] {
  const results = new Map<string, BackupValidation>();
  const set = (v: BackupValidation): void => {
    const prev = results.get(v.backupId);
    // A later, milder verdict (the "valid" of another part, a repeated "has parent ... with
    // status" after "is orphaned because ...") does not hide a worse one.
    if (prev && SEVERITY[v.result] < SEVERITY[prev.result]) return;
    results.set(v.backupId, v);
  };
  for (const e of logEvents(stderr)) {
    const v = validationOf(e);
    if (v) set(v);
  }
  return [...results.values()];
}

const SEVERITY: Readonly<Record<BackupValidation['result'], number>> = { valid: 0, skipped: 1, orphan: 2, corrupt: 3 };

function validationOf(e: LogEvent): BackupValidation | undefined {
  switch (e.kind) {
    case 'backup-validated':
      return { backupId: e.backupId, result: e.valid ? 'valid' : 'corrupt', reason: e.valid ? undefined : `${e.part} are corrupted` };
    case 'backup-valid':
      return { backupId: e.backupId, result: 'valid', reason: undefined };
    case 'backup-skipped':
      return { backupId: e.backupId, result: 'skipped', reason: `status ${e.status}${e.newStatus !== undefined ? `, now ${e.newStatus}` : ''}` };
    case 'backup-orphaned':
      return { backupId: e.backupId, result: 'orphan', reason: `parent ${e.parentId} is ${e.parentStatus}` };
    case 'backup-parent-missing':
      return {
        backupId: e.backupId,
        result: e.orphaned ? 'orphan' : 'skipped',
        reason: e.parentId !== undefined ? `parent ${e.parentId} is missing` : 'it names no parent backup',
      };
    case 'backup-parent-invalid':
      return { backupId: e.backupId, result: 'skipped', reason: `parent ${e.parentId} is ${e.parentStatus}` };
    case 'backup-not-locked':
      return { backupId: e.backupId, result: 'skipped', reason: 'locked by another pg_probackup process' };
    default:
      return undefined;
  }
}

export function validateCommand(o: ValidateOptions): Invocation<ValidateOutcome> {
  if (o.backupId !== undefined && o.instance === undefined) throw new RangeError('validate -i needs an instance');
  const args = ['validate', ...catalogArgs(o)];
  if (o.instance !== undefined) args.push(`--instance=${o.instance}`);
  if (o.backupId !== undefined) args.push('-i', o.backupId);
  args.push(...recoveryTargetArgs(o.target), ...threadArgs(o.threads), ...flag(o.progress, '--progress'));
  args.push(...flag(o.skipBlockValidation, '--skip-block-validation'), ...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      return { backups: validationResults(r.stderr) };
    },
  };
}

export type IncrementalMode = 'none' | 'checksum' | 'lsn';

export interface RestoreOptions extends InstanceOptions {
  readonly pgdata?: string;
  /** The backup to restore; the latest one that fits the target otherwise. */
  readonly backupId?: string;
  readonly target?: RecoveryTarget;
  readonly targetAction?: 'pause' | 'promote' | 'shutdown';
  readonly restoreCommand?: string;
  readonly asReplica?: boolean;
  readonly primaryConninfo?: string;
  readonly primarySlotName?: string;
  readonly incrementalMode?: IncrementalMode;
  readonly force?: boolean;
  readonly noValidate?: boolean;
  readonly skipBlockValidation?: boolean;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly noSync?: boolean;
  readonly tablespaceMapping?: readonly { readonly from: string; readonly to: string }[];
  /** --external-mapping=OLD=NEW: where an external directory of the backup goes instead of its recorded place. */
  readonly externalMapping?: readonly { readonly from: string; readonly to: string }[];
  /** --skip-external-dirs: restore no external directory. */
  readonly skipExternalDirs?: boolean;
  readonly waldir?: string;
  readonly dbInclude?: readonly string[];
  readonly dbExclude?: readonly string[];
}

/**
 * OLD=NEW of -T and --external-mapping. pg_probackup splits at an unescaped '=' and drops the
 * backslash of '\='; both sides must be absolute (it stops with an error otherwise).
 */
function pathMapArg(m: { readonly from: string; readonly to: string }): string {
  for (const p of [m.from, m.to]) if (!p.startsWith('/')) throw new RangeError(`a mapped directory must be an absolute path, not "${p}"`);
  const esc = (p: string): string => p.replace(/=/g, '\\=');
  return `${esc(m.from)}=${esc(m.to)}`;
}

export interface RestoreOutcome {
  readonly backupId: string | undefined;
}

export function restoreCommand(o: RestoreOptions): Invocation<RestoreOutcome> {
  if (o.dbInclude?.length && o.dbExclude?.length) throw new RangeError('use either dbInclude or dbExclude, not both');
  if (o.skipExternalDirs && o.externalMapping?.length) throw new RangeError('use either externalMapping or skipExternalDirs, not both');
  const args = ['restore', ...instanceArgs(o)];
  if (o.pgdata !== undefined) args.push('-D', o.pgdata);
  if (o.backupId !== undefined) args.push('-i', o.backupId);
  args.push(...recoveryTargetArgs(o.target));
  if (o.targetAction !== undefined) args.push(`--recovery-target-action=${o.targetAction}`);
  if (o.restoreCommand !== undefined) args.push(`--restore-command=${o.restoreCommand}`);
  args.push(...flag(o.asReplica, '-R'));
  if (o.primaryConninfo !== undefined) {
    // Every argv element is visible to all users of the machine (/proc/*/cmdline).
    if (/(^|[\s'"])password\s*=/i.test(o.primaryConninfo)) {
      throw new RangeError('a password in primary_conninfo would be visible in the process list: put it in the standby\'s .pgpass file instead');
    }
    args.push(`--primary-conninfo=${o.primaryConninfo}`);
  }
  if (o.primarySlotName !== undefined) args.push(`--primary-slot-name=${o.primarySlotName}`);
  if (o.incrementalMode !== undefined) args.push('-I', o.incrementalMode);
  args.push(...flag(o.force, '--force'), ...flag(o.noValidate, '--no-validate'), ...flag(o.skipBlockValidation, '--skip-block-validation'));
  args.push(...threadArgs(o.threads), ...flag(o.progress, '--progress'), ...flag(o.noSync, '--no-sync'));
  for (const m of o.tablespaceMapping ?? []) args.push('-T', pathMapArg(m));
  for (const m of o.externalMapping ?? []) args.push(`--external-mapping=${pathMapArg(m)}`);
  args.push(...flag(o.skipExternalDirs, '--skip-external-dirs'));
  if (o.waldir !== undefined) args.push(`--waldir=${o.waldir}`);
  for (const db of o.dbInclude ?? []) args.push(`--db-include=${db}`);
  for (const db of o.dbExclude ?? []) args.push(`--db-exclude=${db}`);
  args.push(...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(),
    parse: (r) => {
      try {
        requireSuccess(r);
      } catch (e) {
        throw o.pgdata !== undefined ? refineRestoreError(e, o.pgdata) : e;
      }
      const done = logEvents(r.stderr).find((e) => e.kind === 'restore-completed');
      return { backupId: done?.kind === 'restore-completed' ? done.backupId : o.backupId };
    },
  };
}

/** A "not empty" refusal for a directory where a postmaster is alive becomes restore-target-running. */
export function refineRestoreError(e: unknown, pgdata: string): unknown {
  if (!(e instanceof ProbackupError) || e.code !== 'restore-target-not-empty') return e;
  const pid = runningPostmasterPid(pgdata);
  if (pid === undefined) return e;
  return new ProbackupError('restore-target-running', e.message, {
    ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
    ...(e.stderr !== undefined ? { stderr: e.stderr } : {}),
    subject: pgdata,
  });
}

export interface MergeOptions extends InstanceOptions {
  readonly backupId: string;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly noValidate?: boolean;
  readonly noSync?: boolean;
}

/** A FULL backup that a merge rewrote. */
export interface MergedFull {
  /** Its ID before the merge: no backup has it any more. */
  readonly formerId: string;
  /** Its ID now: that of the newest backup merged into it (the merge target). */
  readonly backupId: string;
}

export interface MergeOutcome {
  /** The backup the merge was asked for (-i). */
  readonly backupId: string;
  /** The ID the merged FULL backup has now. */
  readonly fullBackupId: string;
  /** IDs no longer in the catalog: the merged increments and the FULL's former ID (never the target's). */
  readonly deleted: readonly string[];
}

export function mergeCommand(o: MergeOptions): Invocation<MergeOutcome> {
  const args = ['merge', ...instanceArgs(o), '-i', o.backupId, ...threadArgs(o.threads), ...flag(o.progress, '--progress')];
  args.push(...flag(o.noValidate, '--no-validate'), ...flag(o.noSync, '--no-sync'), ...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      const { deleted, merged } = catalogChanges(logEvents(r.stderr));
      // 2.5.16 prints the rename at the end of every merge; were it missing, an incremental target keeps its ID.
      return { backupId: o.backupId, fullBackupId: merged[merged.length - 1]?.backupId ?? o.backupId, deleted };
    },
  };
}

/**
 * The IDs a run removed and the FULL backups it merged, read in log order. A merge prints
 * `Delete: <target>` and then `Rename merged full backup <FULL> to <target>`: the target's ID
 * lives on as the merged FULL's, and the FULL's own ID is the one that is gone. A `Delete:` after
 * the rename (a purge by retention after --merge-expired) does remove it.
 */
export function catalogChanges(events: readonly LogEvent[]): { deleted: string[]; merged: MergedFull[] } {
  const gone = new Set<string>();
  const merged: MergedFull[] = [];
  for (const e of events) {
    if (e.kind === 'backup-deleted') {
      gone.delete(e.backupId); // re-added last: the order is that of the log
      gone.add(e.backupId);
    } else if (e.kind === 'merged-full-renamed') {
      gone.delete(e.toId);
      gone.add(e.fromId);
      merged.push({ formerId: e.fromId, backupId: e.toId });
    }
  }
  return { deleted: [...gone], merged };
}

export interface DeleteOptions extends InstanceOptions {
  /** Delete this backup (and its descendants). */
  readonly backupId?: string;
  /** Delete the backups of this status, e.g. ERROR. */
  readonly status?: string;
  readonly deleteExpired?: boolean;
  readonly mergeExpired?: boolean;
  readonly deleteWal?: boolean;
  readonly retention?: RetentionOptions;
  readonly dryRun?: boolean;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly noValidate?: boolean;
  readonly noSync?: boolean;
}

export interface DeleteOutcome {
  readonly dryRun: boolean;
  /** The retention evaluation, one per backup, when retention options were used. */
  readonly verdicts: readonly RetentionVerdict[];
  /** IDs no longer in the catalog after this run (none in a dry run), a merged FULL's former ID among them. */
  readonly deleted: readonly string[];
  /** The FULL backups --merge-expired merged, with the ID each has now. */
  readonly merged: readonly MergedFull[];
}

export function deleteCommand(o: DeleteOptions): Invocation<DeleteOutcome> {
  // The same combinations pg_probackup itself refuses (its DELETE_CMD checks).
  const id = o.backupId !== undefined;
  if (!id && o.status === undefined && !o.deleteExpired && !o.mergeExpired && !o.deleteWal) {
    throw new RangeError('delete needs a backup ID, a status, or one of deleteExpired/mergeExpired/deleteWal');
  }
  if (id && (o.deleteExpired || o.mergeExpired || o.status !== undefined)) {
    throw new RangeError('delete takes a backup ID, or a status / retention options, not both');
  }
  const args = ['delete', ...instanceArgs(o)];
  if (o.backupId !== undefined) args.push('-i', o.backupId);
  if (o.status !== undefined) args.push(`--status=${o.status}`);
  args.push(...flag(o.deleteExpired, '--delete-expired'), ...flag(o.mergeExpired, '--merge-expired'), ...flag(o.deleteWal, '--delete-wal'));
  args.push(...retentionArgs(o.retention), ...flag(o.dryRun, '--dry-run'), ...threadArgs(o.threads), ...flag(o.progress, '--progress'));
  args.push(...flag(o.noValidate, '--no-validate'), ...flag(o.noSync, '--no-sync'), ...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(),
    parse: (r) => {
      requireSuccess(r);
      const events = logEvents(r.stderr);
      return {
        dryRun: o.dryRun ?? false,
        verdicts: events.flatMap((e) => (e.kind === 'retention-verdict' ? [e.verdict] : [])),
        ...catalogChanges(events),
      };
    },
  };
}

export interface CheckdbOptions extends Partial<BaseOptions> {
  readonly binary: string;
  readonly instance?: string;
  readonly pgdata?: string;
  readonly connection?: ConnectionOptions;
  readonly amcheck?: boolean;
  readonly heapallindexed?: boolean;
  readonly checkunique?: boolean;
  readonly skipBlockValidation?: boolean;
  readonly threads?: number;
  readonly progress?: boolean;
}

export interface CheckdbOutcome {
  /** Warnings printed during the check (e.g. a superuser role, missing checksums). */
  readonly warnings: readonly string[];
}

export function checkdbCommand(o: CheckdbOptions): Invocation<CheckdbOutcome> {
  if (o.skipBlockValidation && !o.amcheck) throw new RangeError('skipBlockValidation needs amcheck');
  const args = ['checkdb'];
  if (o.catalog !== undefined) args.push('-B', o.catalog);
  if (o.instance !== undefined) args.push(`--instance=${o.instance}`);
  if (o.pgdata !== undefined) args.push('-D', o.pgdata);
  args.push(...flag(o.amcheck, '--amcheck'), ...flag(o.heapallindexed, '--heapallindexed'), ...flag(o.checkunique, '--checkunique'));
  args.push(...flag(o.skipBlockValidation, '--skip-block-validation'), ...threadArgs(o.threads), ...flag(o.progress, '--progress'));
  args.push(...connectionArgs(o.connection), ...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(o.connection?.password),
    parse: (r) => {
      requireSuccess(r);
      return { warnings: warningsOf(r.stderr) };
    },
  };
}

function warningsOf(stderr: string): string[] {
  return stderr.split(/\r?\n/).flatMap((l) => (l.startsWith('WARNING: ') ? [l.slice('WARNING: '.length)] : []));
}

export interface CatchupOptions {
  readonly binary: string;
  readonly mode: 'FULL' | 'DELTA' | 'PTRACK';
  readonly sourcePgdata: string;
  readonly destinationPgdata: string;
  readonly connection?: ConnectionOptions;
  readonly stream?: boolean;
  readonly slot?: string;
  readonly tempSlot?: boolean;
  readonly permSlot?: boolean;
  readonly threads?: number;
  readonly progress?: boolean;
  readonly tablespaceMapping?: readonly { readonly from: string; readonly to: string }[];
  readonly excludePaths?: readonly string[];
  readonly dryRun?: boolean;
}

export interface CatchupOutcome {
  readonly completed: boolean;
}

export function catchupCommand(o: CatchupOptions): Invocation<CatchupOutcome> {
  if (o.tempSlot && o.permSlot) throw new RangeError('use either tempSlot or permSlot');
  const args = ['catchup', '-b', o.mode, `--source-pgdata=${o.sourcePgdata}`, `--destination-pgdata=${o.destinationPgdata}`];
  args.push(...flag(o.stream, '--stream'));
  if (o.slot !== undefined) args.push('-S', o.slot);
  args.push(...flag(o.tempSlot, '--temp-slot'), ...flag(o.permSlot, '--perm-slot'), ...threadArgs(o.threads), ...flag(o.progress, '--progress'));
  for (const m of o.tablespaceMapping ?? []) args.push('-T', `${m.from}=${m.to}`);
  for (const p of o.excludePaths ?? []) args.push(`--exclude-path=${p}`);
  args.push(...flag(o.dryRun, '--dry-run'), ...connectionArgs(o.connection), ...PARSED_LOG_ARGS);
  return {
    file: o.binary,
    args,
    env: probackupEnv(o.connection?.password),
    parse: (r) => {
      if (r.exitCode !== 0 || r.cancelled) throw errorFromRun(r);
      return { completed: logEvents(r.stderr).some((e) => e.kind === 'catchup-completed') };
    },
  };
}
