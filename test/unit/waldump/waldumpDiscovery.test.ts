import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverWaldump, parseWaldumpVersion, waldumpCandidates, waldumpVersionInvocation } from '../../../src/core/waldump/waldumpDiscovery';
import { runInvocation } from '../../../src/core/process/runner';
import { isExecutableFile, which } from '../../../src/core/process/which';
import { waldumpFixture } from './waldumpFixtures';
import { skipBecause } from '../../support/skip';

describe('pg_waldump discovery', () => {
  it('reads the recorded --version lines', () => {
    for (const dir of ['pg15', 'pg17']) {
      const text = waldumpFixture(dir, 'version.txt').text;
      const m = /^pg_waldump \(PostgreSQL\) (\d+)\.(\d+) \((.*)\)$/.exec(text.trim());
      assert.ok(m);
      assert.deepEqual(parseWaldumpVersion(text), { major: Number(m[1]), minor: Number(m[2]), version: `${m[1]}.${m[2]}`, packaging: m[3] });
    }
    assert.deepEqual(parseWaldumpVersion('pg_waldump (PostgreSQL) 18beta1'), { major: 18, minor: undefined, version: '18beta1', packaging: undefined });
    assert.equal(parseWaldumpVersion('pg_waldump (PostgreSQL) 19devel')?.major, 19);
    assert.equal(parseWaldumpVersion('pg_dump (PostgreSQL) 15.2'), undefined);
    assert.equal(parseWaldumpVersion(''), undefined);
  });

  it('looks at the setting, then the Debian and PGDG layouts, then PATH, once each', () => {
    const c = waldumpCandidates(15, { paths: { '15': '/opt/pg15/bin/', '17': '/x/pg_waldump' }, pathEnv: ['/usr/local/bin', '', '/usr/lib/postgresql/15/bin'].join(path.delimiter) });
    assert.deepEqual(c, [
      { file: '/opt/pg15/bin/pg_waldump', source: 'setting' },
      { file: '/usr/lib/postgresql/15/bin/pg_waldump', source: 'debian' },
      { file: '/usr/pgsql-15/bin/pg_waldump', source: 'pgdg-rpm' },
      { file: '/usr/local/bin/pg_waldump', source: 'path' },
    ]);
    assert.equal(waldumpCandidates(17, { paths: { '17': '/x/pg_waldump' }, pathEnv: '' })[0]?.file, '/x/pg_waldump');
    assert.equal(waldumpCandidates(16, { pathEnv: undefined }).length, 2);
  });

  // Real pg_waldump binaries, where this machine has them.
  const installed = [13, 14, 15, 16, 17, 18].flatMap((major) => {
    const file = `/usr/lib/postgresql/${major}/bin/pg_waldump`;
    return isExecutableFile(file) ? [{ major, file }] : [];
  });

  it('runs --version through the runner and finds the pg_waldump of each installed major', async function () {
    if (installed.length === 0) skipBecause(this, 'no pg_waldump is installed under /usr/lib/postgresql');
    for (const { major, file } of installed) {
      const v = await runInvocation(waldumpVersionInvocation(file));
      assert.equal(v?.major, major);
      const r = await discoverWaldump(major, { pathEnv: '' });
      assert.equal(r.found?.file, file);
      assert.equal(r.found?.source, 'debian');
    }
  });

  it('passes over a setting that is missing or of another major, saying why', async function () {
    const first = installed[0];
    if (!first) skipBecause(this, 'no pg_waldump is installed under /usr/lib/postgresql');
    const other = first.major === 18 ? 13 : first.major + 1;
    const wrong = await discoverWaldump(other, { paths: { [String(other)]: first.file }, pathEnv: '' });
    assert.ok(wrong.tried.some((t) => t.file === first.file && t.reason.includes(`not ${other}`)));
    const missing = await discoverWaldump(first.major, { paths: { [String(first.major)]: '/nonexistent/bin' }, pathEnv: '' });
    assert.deepEqual(missing.tried[0], { file: '/nonexistent/bin/pg_waldump', reason: 'not an executable file' });
    assert.equal(missing.found?.file, first.file);
  });

  it('does not take a program that prints no pg_waldump version', async () => {
    const sh = which('true');
    assert.ok(sh);
    const r = await discoverWaldump(15, { paths: { '15': sh }, pathEnv: '' }, { isExecutable: (f) => f === sh });
    assert.equal(r.found, undefined);
    assert.deepEqual(r.tried, [{ file: sh, reason: '--version printed no pg_waldump version' }]);
  });
});
