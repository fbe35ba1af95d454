import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { grantStatements, missingGrantsScript, sqlIdent } from '../../../src/core/probackup/grantAdvice';
import { fixture } from '../../support/paths';

/** The course lesson sits beside the fixtures (the shared `seed` folder). */
function lessonText(): string {
  return readFileSync(path.join(fixture(), '..', 'seed', 'lesson-07-full-backup-stream.md'), 'utf8');
}

/** The GRANT statements the lesson runs for backup_user, as written there. */
function lessonGrants(): string[] {
  return [...lessonText().matchAll(/'(GRANT EXECUTE ON FUNCTION [^']+)'/g)].map((m) => m[1]!);
}

describe('grant advice for a backup role', () => {
  it('for PostgreSQL 15 is exactly the lesson: ALTER ROLE … REPLICATION and its GRANT list', () => {
    const expected = lessonGrants();
    assert.equal(expected.length, 12, 'the lesson lists 12 grants');
    const ours = grantStatements('backup_user', 15);
    assert.match(lessonText(), /ALTER USER backup_user WITH REPLICATION/);
    assert.equal(ours[0], 'ALTER ROLE backup_user WITH REPLICATION');
    assert.deepEqual(new Set(ours.slice(1)), new Set(expected));
    assert.equal(ours.length, 1 + expected.length);
  });

  it('for PostgreSQL 14 and older names pg_start_backup/pg_stop_backup with their old signatures instead', () => {
    const ours = grantStatements('backup_user', 14);
    const fifteen = lessonGrants();
    // The same list with the two backup functions of 9.6–14 (pg_probackup's documentation for 10–14).
    const expected = fifteen
      .map((g) => g.replace('pg_backup_start(text, boolean)', 'pg_start_backup(text, boolean, boolean)')
        .replace('pg_backup_stop(boolean)', 'pg_stop_backup(boolean, boolean)'));
    assert.deepEqual(new Set(ours.slice(1)), new Set(expected));
    assert.ok(!ours.some((s) => s.includes('pg_backup_start')));
  });

  it('quotes a role name that is not a plain identifier', () => {
    assert.equal(sqlIdent('backup_user'), 'backup_user');
    assert.equal(sqlIdent('Backup'), '"Backup"');
    assert.equal(sqlIdent('a"b c'), '"a""b c"');
    assert.ok(grantStatements('Ops Team', 15).every((s) => s.endsWith(' "Ops Team"') || s.includes('ROLE "Ops Team" ')));
  });

  it('the script quotes pg_probackup\'s error, guesses the major from the function it named, and ends each statement', () => {
    const old = missingGrantsScript({ subject: 'pg_start_backup', message: 'permission denied for function pg_start_backup\nmore' }, undefined, undefined);
    assert.match(old, /^-- pg_probackup said: permission denied for function pg_start_backup$/m);
    assert.ok(!old.includes('more'));
    assert.match(old, /PostgreSQL 14/);
    assert.match(old, /^GRANT EXECUTE ON FUNCTION pg_catalog\.pg_start_backup\(text, boolean, boolean\) TO backup_user;$/m);
    const cur = missingGrantsScript({ message: 'permission denied for function pg_backup_start' }, 'bk', 16);
    assert.match(cur, /^ALTER ROLE bk WITH REPLICATION;$/m);
    assert.match(cur, /^GRANT EXECUTE ON FUNCTION pg_catalog\.pg_backup_stop\(boolean\) TO bk;$/m);
    for (const line of cur.split('\n').filter((l) => l !== '' && !l.startsWith('--'))) assert.ok(line.endsWith(';'), line);
  });
});
