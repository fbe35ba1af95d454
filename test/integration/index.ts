// Entry point the extension host loads (extensionTestsPath): runs every integration suite with
// mocha and reports through the project's reporter into the file the driver prints.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

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
  for (const file of [...files].sort()) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
