import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { debianInstallation, parsePostgresVersion } from '../../../src/core/postgres/installations';
import { fixture } from '../../support/paths';

describe('PostgreSQL installations', () => {
  it("parses Debian's and the embedded packages' `postgres --version` lines", () => {
    // Printed by /usr/lib/postgresql/15/bin/postgres and by the embedded 15.18 and 17.10 packages.
    assert.deepEqual(parsePostgresVersion('postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), { major: 15, version: '15.18' });
    assert.deepEqual(parsePostgresVersion('postgres (PostgreSQL) 15.18\n'), { major: 15, version: '15.18' });
    assert.deepEqual(parsePostgresVersion('postgres (PostgreSQL) 17.10'), { major: 17, version: '17.10' });
  });

  it('parses the recorded pg_waldump --version lines of the fixtures', () => {
    for (const [dir, major] of [['pg15', 15], ['pg17', 17]] as const) {
      const text = readFileSync(fixture('pg_waldump', dir, 'version.txt'), 'utf8');
      const parsed = parsePostgresVersion(text);
      assert.equal(parsed?.major, major);
      // The version is the word after "(PostgreSQL)" in the recorded text.
      assert.equal(parsed?.version, text.split(/\s+/)[2]);
    }
  });

  it('reads pre-release versions and rejects lines without a version', () => {
    assert.deepEqual(parsePostgresVersion('postgres (PostgreSQL) 18beta1'), { major: 18, version: '18beta1' });
    assert.deepEqual(parsePostgresVersion('postgres (PostgreSQL) 19devel'), { major: 19, version: '19devel' });
    assert.equal(parsePostgresVersion(''), undefined);
    assert.equal(parsePostgresVersion('postgres: could not find the database system'), undefined);
    assert.equal(parsePostgresVersion('bash: postgres: command not found\npostgres (PostgreSQL) 15.1'), undefined);
  });

  it('names the Debian package to install when a major is missing', async () => {
    await assert.rejects(debianInstallation(42), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /PostgreSQL 42 is not installed/);
      assert.match(e.message, /apt-get install postgresql-42/);
      return true;
    });
  });
});
