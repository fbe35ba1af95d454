// Where tests find the repository root and the recorded fixtures, whether they run from
// out/test/... (compiled) or are loaded by an extension host.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src', 'extension.ts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRoot(__dirname);

/** The shared fixtures: PGBS_FIXTURES, else ../shared/fixtures beside the checkout. */
export const sharedFixtures = process.env['PGBS_FIXTURES'] ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');

export function fixture(...parts: string[]): string {
  return path.join(sharedFixtures, ...parts);
}

/** Fixtures that belong to the project itself (small, made by us). */
export function ownFixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}
