// The recorded pg_waldump outputs, grouped by what they hold, for the waldump tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../../support/paths';

export interface FixtureFile {
  /** e.g. pg15/waldump_busy.txt */
  readonly name: string;
  readonly text: string;
  readonly lines: readonly string[];
}

function load(dir: string, file: string): FixtureFile {
  const text = readFileSync(fixture('pg_waldump', dir, file), 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { name: `${dir}/${file}`, text, lines };
}

/** Every file under pg_waldump/. */
export function allWaldumpFixtures(): FixtureFile[] {
  const out: FixtureFile[] = [];
  // Without the fixtures the suites that use them are skipped (fixtureHooks.ts); loading must not throw.
  if (!existsSync(fixture('pg_waldump'))) return out;
  for (const dir of readdirSync(fixture('pg_waldump')).sort()) {
    for (const file of readdirSync(fixture('pg_waldump', dir)).sort()) out.push(load(dir, file));
  }
  return out;
}

export type FixtureKind = 'records' | 'stats' | 'rmgr-list' | 'version';

export function fixtureKind(f: FixtureFile): FixtureKind {
  const base = path.basename(f.name);
  if (base === 'version.txt') return 'version';
  if (base.includes('rmgr_list')) return 'rmgr-list';
  if (base.includes('stats')) return 'stats';
  return 'records';
}

export function fixturesOf(kind: FixtureKind): FixtureFile[] {
  return allWaldumpFixtures().filter((f) => fixtureKind(f) === kind);
}

export function waldumpFixture(dir: string, file: string): FixtureFile {
  return load(dir, file);
}
