// The same integration suites under @vscode/test-electron, for machines where VS Code desktop
// can be downloaded (`npm run test:electron`). Here, `npm test` uses code-server instead.
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index'),
      launchArgs: [path.join(root, 'test', 'integration', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { PGBS_REPO_ROOT: root },
    });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}

void main();
