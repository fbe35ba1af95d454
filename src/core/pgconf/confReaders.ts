// ConfReader implementations: the file system, and an overlay that serves open editor
// buffers (unsaved text) before falling back to another reader.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ConfReader, DirEntry } from './findings';

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export const fsConfReader: ConfReader = {
  async readFile(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  },
  async readDir(dir: string): Promise<readonly DirEntry[] | undefined> {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      // include_dir stats each entry (following symlinks) and skips directories: a symlink to a
      // directory is skipped, one to a file is read. A dangling one counts as a file, whose
      // reading then fails (the server fails on it too: "could not stat file").
      return Promise.all(entries.map(async (e) => ({
        name: e.name,
        isDirectory: e.isSymbolicLink() ? await stat(path.join(dir, e.name)).then((st) => st.isDirectory(), () => false) : e.isDirectory(),
      })));
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  },
};

/**
 * Serves `buffers` (absolute path → text) first. A buffer also shows up in a listing of its
 * directory, even when the file is not saved yet.
 */
export function overlayConfReader(buffers: ReadonlyMap<string, string>, base?: ConfReader): ConfReader {
  return {
    async readFile(file: string): Promise<string | undefined> {
      const text = buffers.get(file);
      if (text !== undefined) return text;
      return base === undefined ? undefined : base.readFile(file);
    },
    async readDir(dir: string): Promise<readonly DirEntry[] | undefined> {
      const listed = base === undefined ? undefined : await base.readDir(dir);
      const byName = new Map<string, DirEntry>((listed ?? []).map((e) => [e.name, e]));
      let found = listed !== undefined;
      for (const file of buffers.keys()) {
        if (path.posix.dirname(file) === dir) {
          byName.set(path.posix.basename(file), { name: path.posix.basename(file), isDirectory: false });
          found = true;
        } else if (file.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) {
          const rest = file.slice(dir.length + (dir.endsWith('/') ? 0 : 1));
          const first = rest.split('/')[0] ?? '';
          if (!byName.has(first)) byName.set(first, { name: first, isDirectory: true });
          found = true;
        }
      }
      return found ? [...byName.values()] : undefined;
    },
  };
}
