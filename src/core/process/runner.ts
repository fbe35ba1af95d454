// Runs one executable with an argv array (never a shell string), streams its output by line,
// and ends the whole process tree on cancellation: SIGINT first (pg_probackup then marks its
// backup ERROR itself), SIGTERM and SIGKILL only if the group outlives the grace periods.
// A password reaches the child only through its environment; its value (and any other secret
// named in the options) is hidden in stderr, in the stderr lines and in our own error messages.
import { constants as osConstants } from 'node:os';
import { execa } from 'execa';
import { splitLines } from './lines';
import { redact, secretsOf } from './redact';

export type ProcessErrorCode = 'not-found' | 'not-executable' | 'exit' | 'cancelled' | 'spawn';

export class ProcessError extends Error {
  override readonly name = 'ProcessError';
  constructor(
    readonly code: ProcessErrorCode,
    message: string,
    readonly file: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to the parent's environment; a value of undefined removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
  /** Keep stdout in the result (default true). Turn off for very large outputs that are streamed. */
  readonly collectStdout?: boolean;
  /** Text written to stdin, then closed. Stdin is closed at once otherwise. */
  readonly input?: string;
  /** Milliseconds between SIGINT, SIGTERM and SIGKILL when cancelled. */
  readonly graceMs?: number;
  /** Run as another OS user (uid/gid), e.g. an unprivileged user for initdb when we are root. */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * More values to hide (besides the value of PGPASSWORD in `env`): replaced by *** in stderr,
   * the stderr lines and error messages. Stdout is the program's data and is left as it is.
   */
  readonly secrets?: readonly string[];
  /** Called once the program has started, with its pid (also its process group id). */
  readonly onSpawn?: (pid: number) => void;
}

export interface RunResult {
  readonly file: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled: boolean;
  readonly durationMs: number;
}

/** A CLI invocation as data: what to run and how to read its result. */
export interface Invocation<T> {
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly parse: (result: RunResult) => T;
}

const DEFAULT_GRACE_MS = 5000;

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const secrets = secretsOf(options.env, options.secrets);
  const hide = (text: string): string => redact(text, secrets);
  if (options.signal?.aborted) {
    throw new ProcessError('cancelled', hide(`${file} was cancelled before it started`), file, undefined, '');
  }
  const started = performance.now();
  const collect = options.collectStdout ?? true;
  const env: Record<string, string | undefined> = { ...options.env };
  const child = execa(file, [...args], {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env,
    extendEnv: true,
    reject: false,
    detached: true, // own process group, so cancellation reaches grandchildren too
    buffer: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    windowsHide: true,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });

  let cancelled = false;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => {
    if (cancelled) return;
    cancelled = true;
    const grace = options.graceMs ?? DEFAULT_GRACE_MS;
    killGroup(child.pid, 'SIGINT');
    timers.push(setTimeout(() => killGroup(child.pid, 'SIGTERM'), grace));
    timers.push(setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace * 2));
  };
  // A callback that throws must not leave the program running, nor become an uncaught exception
  // in a stream handler: the run is cancelled and rejects with that error once the program ended.
  let callbackError: { readonly error: unknown } | undefined;
  const guarded = (fn: ((line: string) => void) | undefined) => (line: string): void => {
    if (!fn || callbackError) return;
    try {
      fn(line);
    } catch (error) {
      callbackError = { error };
      onAbort();
    }
  };

  const out: string[] = [];
  const err: string[] = [];
  const stdoutLines = splitLines(guarded(options.onStdoutLine));
  const onErrLine = guarded(options.onStderrLine);
  const stderrLines = splitLines((line) => onErrLine(hide(line)));
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    if (collect) out.push(chunk);
    if (options.onStdoutLine) stdoutLines.push(chunk);
  });
  child.stderr?.on('data', (chunk: string) => {
    err.push(chunk);
    if (options.onStderrLine) stderrLines.push(chunk);
  });

  options.signal?.addEventListener('abort', onAbort, { once: true });
  // After the listener, so that a cancel from inside onSpawn is not missed.
  if (child.pid !== undefined && options.onSpawn) {
    try {
      options.onSpawn(child.pid);
    } catch (error) {
      callbackError = { error };
      onAbort();
    }
  }
  // Once the leader has exited after a cancel, what is left of its group must not hold the pipes open.
  child.on('exit', () => {
    if (cancelled) killGroup(child.pid, 'SIGKILL');
  });

  try {
    const result = await child;
    stdoutLines.end();
    stderrLines.end();
    if (callbackError) throw callbackError.error;
    const stderr = hide(err.join(''));
    // No exit code and no signal: the program never ran (missing, not executable, ...).
    const failure = result.exitCode === undefined && result.signal === undefined && !cancelled
      ? spawnFailure(file, result.code, result.message, stderr)
      : undefined;
    if (failure) {
      failure.message = hide(failure.message);
      throw failure;
    }
    return {
      file,
      args,
      exitCode: result.exitCode ?? (result.signal ? 128 + signalNumber(result.signal) : 1),
      stdout: out.join(''),
      stderr,
      cancelled,
      durationMs: performance.now() - started,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const t of timers) clearTimeout(t);
  }
}

/** Runs an invocation and parses its result. */
export async function runInvocation<T>(inv: Invocation<T>, options: RunOptions = {}): Promise<T> {
  const env = { ...inv.env, ...options.env };
  const result = await run(inv.file, inv.args, { ...options, env });
  try {
    return inv.parse(result);
  } catch (e) {
    // A parser may quote the output in its message; the secrets stay hidden there too.
    if (e instanceof Error) e.message = redact(e.message, secretsOf(env, options.secrets));
    throw e;
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // group already gone
  }
}

function spawnFailure(file: string, code: string | undefined, message: string | undefined, stderr: string): ProcessError {
  if (code === 'ENOENT') return new ProcessError('not-found', `${file}: no such program`, file, undefined, stderr);
  if (code === 'EACCES') return new ProcessError('not-executable', `${file}: not executable`, file, undefined, stderr);
  return new ProcessError('spawn', `${file}: ${firstLine(message ?? 'could not start')}`, file, undefined, stderr);
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function signalNumber(sig: string): number {
  return osConstants.signals[sig as NodeJS.Signals] ?? 0;
}
