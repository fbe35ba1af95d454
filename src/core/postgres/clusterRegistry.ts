// Every cluster this process started and has not removed yet, so that an exit handler (a test
// run killed with Ctrl-C, the extension deactivating) leaves no server and no folder behind.
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** What the registry needs to end a cluster without any async work. */
export interface RegisteredCluster {
  readonly dir: string;
  readonly dataDir: string;
  remove(): Promise<void>;
}

const live = new Set<RegisteredCluster>();

export function registerCluster(c: RegisteredCluster): void {
  live.add(c);
}

export function unregisterCluster(c: RegisteredCluster): void {
  live.delete(c);
}

/** Clusters started by this process and not removed yet. */
export function liveClusters(): readonly RegisteredCluster[] {
  return [...live];
}

/** Removes every live cluster (stop, then delete its folder); errors are collected, not thrown one by one. */
export async function removeAllClusters(): Promise<void> {
  const errors: unknown[] = [];
  for (const c of [...live]) {
    try {
      await c.remove();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} cluster(s) could not be removed`);
}

/** The postmaster's pid from the first line of <dataDir>/postmaster.pid, if the file is there. */
export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0] ?? '';
    const pid = Number(first.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Blocks the thread for `ms` (only for exit handlers, where nothing async runs any more). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A process that exists and is not a zombie waiting for its parent (a stopped postmaster may linger as one). */
export function processAlive(pid: number): boolean {
  return pidExists(pid) && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Ends a postmaster synchronously: SIGQUIT (immediate shutdown, which also ends its children),
 * then SIGKILL if it outlives `graceMs`. Only for pids read from our own clusters.
 */
export function killPostmasterSync(pid: number, graceMs = 3000): void {
  const gone = (): boolean => !processAlive(pid);
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  const end = Date.now() + graceMs;
  while (Date.now() < end && !gone()) sleepSync(50);
  if (!gone()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * For exit handlers: kills every live cluster's postmaster and deletes its folder without
 * awaiting anything. Safe to call more than once.
 */
export function removeAllClustersSync(): void {
  for (const c of [...live]) {
    const pid = readPostmasterPid(c.dataDir);
    if (pid !== undefined) killPostmasterSync(pid);
    try {
      rmSync(c.dir, { recursive: true, force: true });
    } catch {
      // nothing more can be done while exiting
    }
    live.delete(c);
  }
}

let exitCleanupInstalled = false;

/**
 * Removes leftover clusters when the process exits or gets SIGINT, SIGTERM or SIGHUP (once per
 * process). After cleaning up on a signal, the process dies of that signal unless something
 * else also listens for it. For test runs and `npm start`; the extension calls removeAllClusters
 * on deactivate instead.
 */
export function installExitCleanup(): void {
  if (exitCleanupInstalled) return;
  exitCleanupInstalled = true;
  process.on('exit', removeAllClustersSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      removeAllClustersSync();
      process.removeListener(sig, handler);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}
