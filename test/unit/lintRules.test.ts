// The layer rule is enforced by lint: a file under src/core that imports vscode must fail.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/paths';

describe('lint: src/core never imports vscode', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  async function restrictedImportErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  it('rejects `import … from "vscode"` under src/core', async () => {
    const errors = await restrictedImportErrors('src/core/probe/imports.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /never import vscode/);
  });

  it('rejects features and platform code under src/core', async () => {
    const errors = await restrictedImportErrors('src/core/probe/imports.ts', "import { createLog } from '../../platform/log';\nexport const x = createLog;\n");
    assert.equal(errors.length, 1);
  });

  it('allows vscode in src/features', async () => {
    const errors = await restrictedImportErrors('src/features/probe/imports.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.deepEqual(errors, []);
  });
});
