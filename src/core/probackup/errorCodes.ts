// Turns the log of a failed pg_probackup run into a stable code and the real message.
// The patterns follow the texts pg_probackup 2.5 (and libpq under it) print; each is checked
// against a recorded failure in the unit tests where one exists.
import type { RunResult } from '../process/runner';
import { parseLog } from './logLines';
import type { LogLine } from './logLines';
import type { ProbackupErrorCode } from './probackupError';
import { ProbackupError } from './probackupError';

interface Rule {
  readonly code: ProbackupErrorCode;
  readonly re: RegExp;
  /** Capture group that names the subject (function, instance, backup ID, path). */
  readonly subject?: number;
}

// Order matters: the first rule that matches an ERROR entry wins, so the narrow libpq
// reasons (authentication, missing password) come before the generic "could not connect".
const RULES: readonly Rule[] = [
  { code: 'permission-denied-function', re: /permission denied for function ([\w.]+)/, subject: 1 },
  { code: 'no-password', re: /no password supplied/ },
  { code: 'auth-failed', re: /(?:password|SCRAM|md5|peer|ident|GSSAPI|SSPI|certificate) authentication failed for user "([^"]*)"/, subject: 1 },
  { code: 'auth-failed', re: /no pg_hba\.conf entry for [^,]*, user "([^"]*)"/, subject: 1 },
  { code: 'cannot-connect', re: /could not connect to (?:database|server)|connection to server .* failed|could not translate host name/ },
  { code: 'server-version-mismatch', re: /was built with Postgre(?:SQL|sPro) .* but connection is made with/ },
  { code: 'instance-not-found', re: /Instance '([^']*)' does not exist in this backup catalog/, subject: 1 },
  { code: 'instance-already-exists', re: /Instance '([^']*)' (?:backup|WAL archive) directory already exists/, subject: 1 },
  { code: 'catalog-already-initialized', re: /backup catalog already exists and is not empty/ },
  { code: 'catalog-not-initialized', re: /Cannot open directory "(.*)\/backups": No such file or directory/, subject: 1 },
  { code: 'catalog-not-initialized', re: /Cannot open backup catalog directory "([^"]*)"/, subject: 1 },
  { code: 'catalog-not-initialized', re: /Directory does not exist: '([^']*)'/, subject: 1 },
  { code: 'catalog-not-initialized', re: /-B, --backup-path must be a path to directory/ },
  { code: 'backup-not-found', re: /Requested backup "?([0-9A-Z]+)"? is not found/, subject: 1 },
  { code: 'backup-not-found', re: /Target backup ([0-9A-Z]+) was not found/, subject: 1 },
  { code: 'locked', re: /Cannot lock backup ([0-9A-Z]+) directory/, subject: 1 },
  { code: 'locked', re: /Cannot to lock backup ([0-9A-Z]+) in exclusive mode/, subject: 1 },
  { code: 'locked', re: /Could not create lock file "([^"]*)"/, subject: 1 },
  { code: 'ptrack-not-installed', re: /does not support ptrack|Ptrack is disabled|Ptrack extension is too old|no ptrack extension/i },
  { code: 'restore-target-running', re: /Postmaster with pid \d+ is running in destination directory "([^"]*)"/, subject: 1 },
  { code: 'restore-target-running', re: /^Incremental restore is not allowed: Postmaster is running/ },
  // The other reasons: a backup_label in lsn mode, a system ID mismatch, an unclear state.
  { code: 'incremental-restore-refused', re: /^Incremental restore is not allowed: / },
  { code: 'restore-target-not-empty', re: /(?:Restore|Restore tablespace|Remapped tablespace) destination is not empty: "([^"]*)"/, subject: 1 },
  { code: 'restore-target-not-empty', re: /WAL directory location is not empty: "([^"]*)"/, subject: 1 },
  { code: 'restore-target-not-empty', re: /Destination directory contains "backup_label" file/ },
  { code: 'restore-target-not-empty', re: /External directory is not empty: "([^"]*)"/, subject: 1 },
  { code: 'invalid-recovery-target', re: /You cannot restore backup to a recovery target without WAL archive/ },
  { code: 'invalid-recovery-target', re: /Invalid value (?:for|of) '--recovery-target[\w-]*' option/ },
  { code: 'invalid-recovery-target', re: /(?:Full )?[Bb]ackup satisfying target options is not found/ },
  { code: 'invalid-recovery-target', re: /does not satisfy (?:restore options|target timeline)/ },
  { code: 'invalid-recovery-target', re: /Recovery target timeline \d+ does not exist|doesn't support recovery_target_lsn/ },
  { code: 'wal-segment-missing', re: /WAL segment "?([^"\s]*)"? (?:is absent|could not be (?:archived|streamed))/, subject: 1 },
  { code: 'wal-segment-missing', re: /Not enough WAL records to|could not be (?:archived|streamed) in \d+ seconds|WAL segments are corrupted/ },
  { code: 'backup-corrupt', re: /Backup ([0-9A-Z]+) is corrupt|Backup ([0-9A-Z]+) data files are corrupted/, subject: 1 },
  // "Restore/Validate of backup X failed." ends a restore or validate whose chain has a missing parent.
  { code: 'backup-orphan', re: /^Backup ([0-9A-Z]+) is orphan\.?$|^(?:Restore|Validate) of backup ([0-9A-Z]+) failed\.?$/, subject: 1 },
  // Not "checkdb --amcheck finished with failure. ... Some databases were not amchecked.": that is index corruption.
  { code: 'amcheck-not-installed', re: /^Some databases were not amchecked\.?$/ },
  { code: 'interrupted', re: /\b[Ii]nterrupted\b|^interrupted$/ },
];

export interface Classified {
  readonly code: ProbackupErrorCode;
  readonly message: string;
  readonly subject: string | undefined;
}

/** The code and message of one log entry's text, or undefined when no rule knows it. */
export function classifyMessage(message: string): Classified | undefined {
  for (const rule of RULES) {
    const m = rule.re.exec(message);
    if (m) {
      const subject = rule.subject === undefined ? undefined : (m[rule.subject] ?? m[rule.subject + 1]);
      return { code: rule.code, message, subject: subject === '' ? undefined : subject };
    }
  }
  return undefined;
}

/**
 * Classifies the log of a failed run. Every ERROR entry is tried in order; the first one a rule
 * knows decides, except an "Interrupted during ..." after another ERROR: an ERROR in one thread
 * stops the others (-j) that way, so it says nothing of its own. Without one, a validate's
 * `WARNING: Some backups are not valid` gives backups-not-valid, and anything else is 'unknown'
 * with the first ERROR message (or the last line printed).
 */
export function classifyLog(stderr: string): Classified {
  const entries = parseLog(stderr);
  const errors = entries.filter((e) => e.level === 'ERROR' || e.level === 'FATAL' || e.level === 'PANIC');
  for (const [i, e] of errors.entries()) {
    const c = classifyMessage(e.message);
    if (c && !(c.code === 'interrupted' && i > 0)) return c;
  }
  if (entries.some((e) => e.level === 'WARNING' && e.message === 'Some backups are not valid')) {
    return { code: 'backups-not-valid', message: 'Some backups are not valid', subject: undefined };
  }
  const first = errors[0];
  if (first) return { code: 'unknown', message: first.message, subject: undefined };
  return { code: 'unknown', message: lastMeaningfulLine(entries, stderr), subject: undefined };
}

function saysInterrupted(stderr: string): boolean {
  return parseLog(stderr).some((e) => e.level === 'ERROR' && classifyMessage(e.message)?.code === 'interrupted');
}

function lastMeaningfulLine(entries: readonly LogLine[], stderr: string): string {
  const last = entries[entries.length - 1];
  if (last) return last.message;
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

/** The ProbackupError for a run that exited non-zero (or was cancelled). */
export function errorFromRun(result: RunResult): ProbackupError {
  const c = classifyLog(result.stderr);
  // We stopped it: an "Interrupted" anywhere is ours, whatever a thread printed before it.
  const code = result.cancelled && (c.code === 'unknown' || c.code === 'interrupted' || saysInterrupted(result.stderr)) ? 'interrupted' : c.code;
  const message = c.message !== '' ? c.message : `pg_probackup exited with code ${result.exitCode}`;
  return new ProbackupError(code, message, {
    exitCode: result.exitCode,
    stderr: result.stderr,
    ...(c.subject !== undefined ? { subject: c.subject } : {}),
  });
}
