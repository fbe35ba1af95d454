// A temporary libpq password file (PGPASSFILE) for programs that should not get PGPASSWORD:
// created with mode 0600 in a private temp folder (0700), handed to a callback, and removed
// when the callback ends, whether it succeeds, fails or is cancelled.
import { chown, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeTempDir } from './tempDirs';

export interface PassfileEntry {
  /** `*` matches any value (the default for every field). */
  readonly host?: string;
  readonly port?: number | string;
  readonly database?: string;
  readonly user?: string;
  readonly password: string;
}

export interface PassfileOptions {
  /** Parent of the private folder; default os.tmpdir(). */
  readonly baseDir?: string;
  /** Give the folder and file to this OS user (the program runs as that user and must read it). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** A field of a .pgpass line: `:` and `\` are escaped with a backslash. */
export function passfileField(value: string): string {
  if (/[\r\n]/.test(value)) throw new RangeError('a password file field cannot contain a line break');
  return value.replace(/[\\:]/g, (c) => `\\${c}`);
}

/** The text of a password file with these entries, one line each. */
export function passfileText(entries: readonly PassfileEntry[]): string {
  return entries.map((e) => [
    e.host ?? '*', e.port === undefined ? '*' : String(e.port), e.database ?? '*', e.user ?? '*',
  ].map((f) => (f === '*' ? f : passfileField(f))).concat(passfileField(e.password)).join(':') + '\n').join('');
}

/**
 * Writes `entries` to a new password file, calls `use` with its path (set it as PGPASSFILE in
 * the child's environment), and removes the file and its folder afterwards.
 */
export async function withPassfile<T>(entries: readonly PassfileEntry[], use: (file: string) => Promise<T>, options: PassfileOptions = {}): Promise<T> {
  const text = passfileText(entries);
  const dir = await makeTempDir('pass', options.baseDir);
  try {
    const file = path.join(dir, 'pgpass');
    // The mode is given at creation, so the file is never readable by others, not even briefly.
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    if (options.owner) {
      await chown(file, options.owner.uid, options.owner.gid);
      await chown(dir, options.owner.uid, options.owner.gid);
    }
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
