// Packages the extension with vsce, as `npm run package` does, and checks what the .vsix holds.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/core/process/runner';
import { which } from '../../src/core/process/which';
import { repoRoot } from '../support/paths';

/** File names from a zip's central directory (signature 0x02014b50). */
function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'a zip end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

describe('packaging', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-vsix-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a .vsix under 1.5 MB with the bundle and without sources, tests or node_modules', async function () {
    this.timeout(180_000);
    const npm = which('npm');
    assert.ok(npm, 'npm on PATH');
    const build = await run(npm, ['run', 'build', '--', '--production'], { cwd: repoRoot });
    assert.equal(build.exitCode, 0, build.stderr);
    const out = path.join(dir, 'test.vsix');
    const vsce = await run(path.join(repoRoot, 'node_modules', '.bin', 'vsce'),
      ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out], { cwd: repoRoot });
    assert.equal(vsce.exitCode, 0, vsce.stderr + vsce.stdout);
    assert.ok(statSync(out).size < 1.5 * 1024 * 1024, `size ${statSync(out).size}`);
    const names = zipEntries(readFileSync(out));
    assert.ok(names.includes('extension/dist/extension.js'), names.join('\n'));
    assert.ok(names.includes('extension/package.json'));
    assert.ok(names.includes('extension/package.nls.json'));
    const forbidden = names.filter((n) => /^extension\/(src|test|node_modules|out|scripts|\.cache)\//.test(n) || n.endsWith('.map'));
    assert.deepEqual(forbidden, []);
  });
});
