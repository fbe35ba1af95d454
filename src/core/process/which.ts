// Resolves a program name to an absolute path through PATH, so we never depend on the
// shell's lookup and always log the exact file we run.
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function which(name: string, pathEnv: string | undefined = process.env['PATH']): string | undefined {
  if (name.includes('/')) return isExecutableFile(name) ? path.resolve(name) : undefined;
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
