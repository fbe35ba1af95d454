// The recorded tool output the parsing tests read is not part of the repository: it is the
// course's shared fixtures, beside the checkout or where PGBS_FIXTURES says. Without it, the test
// files that read it are left out of the run and each is reported as skipped with where the
// fixtures were looked for, instead of failing in hooks or crashing mocha while loading.
//   node out/test/support/fixtureHooks.js --ignore-args DIR   prints mocha --ignore arguments (one per line)
// As a mocha --file, it registers the skipped entries for the tier named in PGBS_FIXTURE_TIER.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, sharedFixtures } from './paths';
import { skipBecause } from './skip';

export const fixturesPresent = existsSync(sharedFixtures);

export const missingFixturesReason =
  `the recorded tool output is not at ${sharedFixtures}: put the course's shared/fixtures beside the clone, or set PGBS_FIXTURES`;

/** Compiled test files that read the fixtures: through fixture(), or the helpers built on it. */
const READS = /require\("[^"]*\/(?:recorded|recordedCatalogs|waldumpFixtures|corpus)"\)|\bpaths_1\.fixture\b/;

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(full);
    return e.name.endsWith('.test.js') ? [full] : [];
  });
}

/** The test files below `dir` that read the shared fixtures. */
export function fixtureTestFiles(dir: string): string[] {
  return testFiles(dir).filter((f) => READS.test(readFileSync(f, 'utf8'))).sort();
}

/** Registers one skipped test per file, under a suite that says why (call while mocha loads files). */
export function describeMissingFixtures(files: readonly string[]): void {
  if (files.length === 0) return;
  describe('tests that read the recorded tool output', () => {
    for (const f of files) {
      it(path.relative(repoRoot, f), function () {
        skipBecause(this, missingFixturesReason);
      });
    }
  });
}

if (require.main === module && process.argv[2] === '--ignore-args') {
  if (!fixturesPresent) for (const f of fixtureTestFiles(path.resolve(process.argv[3] ?? '.'))) console.log(`--ignore=${path.relative(process.cwd(), f)}`);
} else if (require.main !== module && typeof describe === 'function' && process.env['PGBS_FIXTURE_TIER'] !== undefined && !fixturesPresent) {
  describeMissingFixtures(fixtureTestFiles(path.join(repoRoot, 'out', 'test', process.env['PGBS_FIXTURE_TIER'])));
}
