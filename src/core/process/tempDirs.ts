// Temporary folders of the extension (WAL viewer pages, decompressed segments, password files),
// named with the pid of the process that made them. A window that closes normally removes its
// own; an extension host that is killed runs no clean-up, and its folders (a busy segment's pages
// are tens of MB, a password file holds a secret) would stay. The first folder a later process
// makes sweeps those whose process is gone.
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '../postgres/clusterRegistry';

/** The kinds of folder, each a prefix `pgbs-<kind>-p<pid>-`. */
const KINDS = ['waldump', 'wal', 'walrange', 'pass'] as const;
export type TempDirKind = (typeof KINDS)[number];

const OWNED = new RegExp(`^pgbs-(?:${KINDS.join('|')})-p(\\d+)-`);

function prefix(kind: TempDirKind, base: string): string {
  return path.join(base, `pgbs-${kind}-p${process.pid}-`);
}

/** Bases swept by this process already: once each is enough. */
const swept = new Set<string>();

function sweepOnce(base: string): void {
  if (swept.has(base)) return;
  swept.add(base);
  sweepStaleTempDirs(base);
}

/** A new folder of this process under `base` (the system's temporary folder by default). */
export async function makeTempDir(kind: TempDirKind, base = os.tmpdir()): Promise<string> {
  sweepOnce(base);
  return mkdtemp(prefix(kind, base));
}

/** {@link makeTempDir}, synchronously. */
export function makeTempDirSync(kind: TempDirKind, base = os.tmpdir()): string {
  sweepOnce(base);
  return mkdtempSync(prefix(kind, base));
}

/**
 * Removes the folders under `base` that a process of ours made and that outlived it: named by
 * {@link makeTempDir}, owned by this user, and whose pid is not running. Returns their paths.
 * Never throws: a folder that cannot be read or removed is left as it is.
 */
export function sweepStaleTempDirs(base = os.tmpdir(), alive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of names) {
    const m = OWNED.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const dir = path.join(base, name);
    try {
      const st = lstatSync(dir); // a symbolic link is not a folder of ours
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}
