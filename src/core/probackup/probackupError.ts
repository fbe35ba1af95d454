// The one error type of the pg_probackup core: a stable code the UI can branch on, and the
// real message pg_probackup printed (or, for unreadable output, what was wrong with it).

export type ProbackupErrorCode =
  | 'permission-denied-function'
  | 'cannot-connect'
  | 'auth-failed'
  | 'no-password'
  | 'instance-not-found'
  | 'backup-not-found'
  | 'catalog-not-initialized'
  | 'catalog-already-initialized'
  | 'instance-already-exists'
  | 'locked'
  | 'wal-segment-missing'
  | 'ptrack-not-installed'
  | 'restore-target-not-empty'
  | 'restore-target-running'
  | 'invalid-recovery-target'
  | 'backups-not-valid'
  | 'backup-corrupt'
  | 'backup-orphan'
  | 'incremental-restore-refused'
  | 'amcheck-not-installed'
  | 'server-version-mismatch'
  | 'interrupted'
  | 'invalid-output'
  | 'unknown';

export class ProbackupError extends Error {
  override readonly name = 'ProbackupError';
  /** Exit code of the run, when the error comes from one. */
  readonly exitCode: number | undefined;
  /** All the stderr of the run (pg_probackup logs there), for a "Show Log" action. */
  readonly stderr: string | undefined;
  /** What the message is about, when it names one thing: a function, instance, backup ID or path. */
  readonly subject: string | undefined;

  constructor(
    readonly code: ProbackupErrorCode,
    message: string,
    details: { readonly exitCode?: number; readonly stderr?: string; readonly subject?: string } = {},
  ) {
    super(message);
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
    this.subject = details.subject;
  }
}

export function isProbackupError(e: unknown): e is ProbackupError {
  return e instanceof ProbackupError;
}
