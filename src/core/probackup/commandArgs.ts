// Option groups shared by several pg_probackup verbs, and how each becomes argv.
// Spellings follow `pg_probackup help <command>` of 2.5.16 and its option table.
import type { RunResult } from '../process/runner';
import { errorFromRun } from './errorCodes';
import { formatProbackupTime } from './timestamp';

export interface BaseOptions {
  /** Absolute path of the pg_probackup executable. */
  readonly binary: string;
  /** The backup catalog (-B). */
  readonly catalog: string;
}

export interface InstanceOptions extends BaseOptions {
  readonly instance: string;
}

/** How pg_probackup connects to PostgreSQL. The password never goes to argv. */
export interface ConnectionOptions {
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly database?: string;
  /** Sent as PGPASSWORD in the child's environment. */
  readonly password?: string;
  /** Pass -w so that pg_probackup never waits for a password prompt (default true: we have no terminal). */
  readonly noPasswordPrompt?: boolean;
}

export interface RetentionOptions {
  readonly redundancy?: number;
  readonly window?: number;
  readonly walDepth?: number;
}

export type CompressAlgorithm = 'zlib' | 'pglz' | 'none';

export interface CompressionOptions {
  readonly algorithm?: CompressAlgorithm;
  readonly level?: number;
}

export type LogLevelName = 'off' | 'error' | 'warning' | 'info' | 'log' | 'verbose';

export interface PinOptions {
  /** Pin for this long: a number of seconds, or text with a unit (`20d`, `12h`); 0 unpins. */
  readonly ttl?: number | string;
  /** Pin until then. */
  readonly expireTime?: Date;
}

/** Recovery targets shared by restore and validate; give at most one of time, xid, lsn, name, target. */
export interface RecoveryTarget {
  readonly time?: Date;
  readonly xid?: number | bigint;
  readonly lsn?: string;
  readonly name?: string;
  readonly target?: 'immediate' | 'latest';
  readonly inclusive?: boolean;
  readonly timeline?: number | 'current' | 'latest';
}

/**
 * The environment of every run: messages in English so the error codes can read them
 * (pg_probackup and libpq translate them otherwise), and the password when one is given.
 */
export function probackupEnv(password?: string): Record<string, string> {
  return { LC_ALL: 'C', LC_MESSAGES: 'C', ...(password !== undefined ? { PGPASSWORD: password } : {}) };
}

export function catalogArgs(o: BaseOptions): string[] {
  return ['-B', o.catalog];
}

export function instanceArgs(o: InstanceOptions): string[] {
  return ['-B', o.catalog, `--instance=${o.instance}`];
}

export function connectionArgs(c: ConnectionOptions | undefined): string[] {
  if (!c) return ['--no-password'];
  const args: string[] = [];
  if (c.host !== undefined) args.push(`--pghost=${c.host}`);
  if (c.port !== undefined) args.push(`--pgport=${positiveInt(c.port, 'port')}`);
  if (c.user !== undefined) args.push(`--pguser=${c.user}`);
  if (c.database !== undefined) args.push(`--pgdatabase=${c.database}`);
  if (c.noPasswordPrompt ?? true) args.push('--no-password');
  return args;
}

export function retentionArgs(r: RetentionOptions | undefined): string[] {
  if (!r) return [];
  const args: string[] = [];
  if (r.redundancy !== undefined) args.push(`--retention-redundancy=${nonNegativeInt(r.redundancy, 'retention redundancy')}`);
  if (r.window !== undefined) args.push(`--retention-window=${nonNegativeInt(r.window, 'retention window')}`);
  if (r.walDepth !== undefined) args.push(`--wal-depth=${nonNegativeInt(r.walDepth, 'WAL depth')}`);
  return args;
}

/**
 * `levelAlone`: only set-config may give a level without an algorithm; every other verb stops
 * with "Cannot specify compress-level option alone" unless the instance's config names one,
 * which a builder cannot know.
 */
export function compressionArgs(c: CompressionOptions | undefined, levelAlone = false): string[] {
  if (!c) return [];
  const args: string[] = [];
  if (c.algorithm === undefined && c.level !== undefined && !levelAlone) {
    throw new RangeError('a compression level needs a compression algorithm (zlib or pglz) with it');
  }
  if (c.algorithm !== undefined) args.push(`--compress-algorithm=${c.algorithm}`);
  if (c.level !== undefined) {
    if (!Number.isInteger(c.level) || c.level < 0 || c.level > 9) throw new RangeError(`compress level must be 0..9, not ${c.level}`);
    args.push(`--compress-level=${c.level}`);
  }
  return args;
}

/**
 * The console log level of every run whose INFO lines we read (the backup ID, validate verdicts,
 * progress, merge and delete results): `set-config --log-level-console=warning` in the instance's
 * pg_probackup.conf would hide them, and the command line wins over the file for this run only.
 * Never given to set-config or add-instance, which would store it in the config.
 */
export const PARSED_LOG_ARGS: readonly string[] = ['--log-level-console=info'];

/** pg_probackup's limit (MAX_NOTE_SIZE), in bytes. */
export const MAX_NOTE_BYTES = 1024;

/**
 * Why pg_probackup would not keep this note as given, or undefined when it would. It writes the
 * note as `note = '<text>'` into backup.control without escaping: a ' there makes that file
 * unreadable, so every later `show` of the catalog fails; it keeps only the text before a line
 * break. (The note `none`, in any case, removes the note: that is pg_probackup's own way.)
 */
export function noteProblem(note: string): string | undefined {
  if (note.includes("'")) return 'A note cannot contain \' (pg_probackup stores it unescaped, and the catalog could no longer be read). Use ’ or " instead.';
  if (/[\r\n]/.test(note)) return 'A note must be a single line.';
  if (new TextEncoder().encode(note).length > MAX_NOTE_BYTES) return `A note can be at most ${MAX_NOTE_BYTES} bytes.`;
  return undefined;
}

/** `--note=…`, or a RangeError with noteProblem's text for a note pg_probackup would store wrongly. */
export function noteArgs(note: string | undefined): string[] {
  if (note === undefined) return [];
  const problem = noteProblem(note);
  if (problem !== undefined) throw new RangeError(problem);
  return [`--note=${note}`];
}

export function pinArgs(p: PinOptions | undefined): string[] {
  if (!p) return [];
  const args: string[] = [];
  if (p.ttl !== undefined) {
    const ttl = typeof p.ttl === 'number' ? String(nonNegativeInt(p.ttl, 'ttl')) : p.ttl;
    if (!/^\d+\s*(ms|s|min|h|d)?$/.test(ttl)) throw new RangeError(`ttl must be a number with an optional unit ms|s|min|h|d, not "${ttl}"`);
    args.push(`--ttl=${ttl}`);
  }
  if (p.expireTime !== undefined) args.push(`--expire-time=${formatProbackupTime(p.expireTime)}`);
  return args;
}

const TTL_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A --ttl text in milliseconds (no unit: seconds), or undefined when pinArgs would refuse it. */
export function ttlMillis(ttl: string): number | undefined {
  const m = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(ttl.trim());
  return m ? Number(m[1]) * (TTL_UNIT_MS[m[2] ?? 's'] ?? 1000) : undefined;
}

/**
 * Until when `set-backup --ttl` pins a backup: pg_probackup 2.5 counts the TTL from the backup's
 * recovery-time, not from now (catalog.c: expire_time = recovery_time + ttl). For an old backup a
 * short TTL ends in the past: the run succeeds and pins nothing. Undefined for 0 (unpin) or bad text.
 */
export function ttlPinnedUntil(recoveryTime: Date, ttl: string): Date | undefined {
  const ms = ttlMillis(ttl);
  return ms === undefined || ms === 0 ? undefined : new Date(recoveryTime.getTime() + ms);
}

export function recoveryTargetArgs(t: RecoveryTarget | undefined): string[] {
  if (!t) return [];
  const chosen = [t.time, t.xid, t.lsn, t.name, t.target].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new RangeError('give only one recovery target: time, xid, lsn, name or immediate/latest');
  const args: string[] = [];
  if (t.time !== undefined) args.push(`--recovery-target-time=${formatProbackupTime(t.time)}`);
  if (t.xid !== undefined) args.push(`--recovery-target-xid=${String(t.xid)}`);
  if (t.lsn !== undefined) {
    if (!/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(t.lsn)) throw new RangeError(`not an LSN: "${t.lsn}"`);
    args.push(`--recovery-target-lsn=${t.lsn}`);
  }
  if (t.name !== undefined) args.push(`--recovery-target-name=${t.name}`);
  if (t.target !== undefined) args.push(`--recovery-target=${t.target}`);
  if (t.inclusive !== undefined) args.push(`--recovery-target-inclusive=${t.inclusive ? 'true' : 'false'}`);
  if (t.timeline !== undefined) args.push(`--recovery-target-timeline=${String(t.timeline)}`);
  return args;
}

export function threadArgs(threads: number | undefined): string[] {
  return threads === undefined ? [] : ['-j', String(positiveInt(threads, 'threads'))];
}

export function flag(on: boolean | undefined, name: string): string[] {
  return on ? [name] : [];
}

export function positiveInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, not ${n}`);
  return n;
}

export function nonNegativeInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, not ${n}`);
  return n;
}

/** Fails with the classified ProbackupError unless the run exited 0 and was not cancelled. */
export function requireSuccess(result: RunResult): void {
  if (result.exitCode !== 0 || result.cancelled) throw errorFromRun(result);
}
