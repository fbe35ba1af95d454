// The OS user that owns and runs a throwaway cluster. initdb refuses to run as root, so when
// we are root the cluster runs as an unprivileged user: `postgres` when it exists, else a
// dedicated system user that we create with useradd.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/runner';
import { which } from '../process/which';

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Options to spread into the runner's RunOptions: empty when we already are that user. */
export interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/** The user created when there is no `postgres` user and we are root. */
export const SANDBOX_USER = 'pgbs-sandbox';

/** Parses /etc/passwd text into users (malformed lines are skipped). */
export function parsePasswd(text: string): OsUser[] {
  const users: OsUser[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!f[0] || !Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === '' || f[3] === '') continue;
    users.push({ name: f[0], uid, gid, home: f[5] ?? '' });
  }
  return users;
}

export function findOsUser(name: string, passwdFile = '/etc/passwd'): OsUser | undefined {
  try {
    return parsePasswd(readFileSync(passwdFile, 'utf8')).find((u) => u.name === name);
  } catch {
    return undefined;
  }
}

/** The name of the user with this uid, from /etc/passwd. */
export function osUserByUid(uid: number, passwdFile = '/etc/passwd'): string | undefined {
  try {
    return parsePasswd(readFileSync(passwdFile, 'utf8')).find((u) => u.uid === uid)?.name;
  } catch {
    return undefined;
  }
}

/** This process's own user. */
export function currentUser(): OsUser {
  const info = os.userInfo();
  return { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runner options that run a program as `user` (nothing when that is us). */
export function runAsOptions(user: OsUser): RunAs {
  return isRoot() && user.uid !== 0 ? { uid: user.uid, gid: user.gid } : {};
}

let pending: Promise<OsUser> | undefined;

/**
 * The user that clusters run as: ourselves when we are not root; else `postgres` if it
 * exists, else SANDBOX_USER, created with useradd (once per process).
 */
export function clusterUser(): Promise<OsUser> {
  if (!isRoot()) return Promise.resolve(currentUser());
  pending ??= resolveRootClusterUser().catch((e: unknown) => {
    pending = undefined;
    throw e;
  });
  return pending;
}

async function resolveRootClusterUser(): Promise<OsUser> {
  const existing = findOsUser('postgres') ?? findOsUser(SANDBOX_USER);
  if (existing && existing.uid !== 0) return existing;
  const useradd = which('useradd') ?? ['/usr/sbin/useradd', '/sbin/useradd'].find((p) => existsSync(p));
  if (!useradd) throw new Error(`no unprivileged user to run PostgreSQL as, and no useradd to create ${SANDBOX_USER}`);
  const result = await run(useradd, ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SANDBOX_USER]);
  const made = findOsUser(SANDBOX_USER);
  if (!made) throw new Error(`useradd ${SANDBOX_USER} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  return made;
}

/**
 * The first directory on the way to `target` (inclusive) that `user` cannot search, judged
 * from the mode bits and ownership; undefined when every one can be traversed.
 */
export function firstUntraversable(target: string, user: OsUser): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (let i = 0; i <= parts.length; i++) {
    if (i > 0) dir = path.join(dir, parts[i - 1] ?? '');
    let st;
    try {
      st = statSync(dir);
    } catch {
      return dir;
    }
    if (!st.isDirectory()) continue;
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}

/** True when we (not the cluster user) can read the file: a guard for log tails and pid files. */
export function canRead(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
