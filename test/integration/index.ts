// Entry point the extension host loads (extensionTestsPath): runs every integration suite with
// mocha and reports through the project's reporter into the file the driver prints.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { fixturesPresent, fixtureTestFiles, missingFixturesReason } from '../support/fixtureHooks';
import { skipBecause } from '../support/skip';

/** Test files below `dir`; the untrusted-workspace suites have their own host run and index. */
export function findTests(dir: string, skipDirs: readonly string[] = ['untrusted']): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return skipDirs.includes(e.name) ? [] : findTests(full, skipDirs);
    return e.name.endsWith('.test.js') ? [full] : [];
  });
}

export async function run(): Promise<void> {
  await runSuites(findTests(__dirname));
}

export async function runSuites(files: readonly string[]): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: path.join(__dirname, '..', 'support', 'reporter.js') });
  // Without the shared fixtures, the suites that read them are reported as skipped, with why.
  const needFixtures = new Set(fixturesPresent ? [] : fixtureTestFiles(__dirname));
  for (const file of [...files].sort()) if (!needFixtures.has(file)) mocha.addFile(file);
  await mocha.loadFilesAsync();
  if (needFixtures.size > 0) {
    const suite = Mocha.Suite.create(mocha.suite, 'tests that read the recorded tool output');
    for (const file of needFixtures) {
      if (!files.includes(file)) continue;
      suite.addTest(new Mocha.Test(path.basename(file), function (this: Mocha.Context) {
        skipBecause(this, missingFixturesReason);
      }));
    }
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
