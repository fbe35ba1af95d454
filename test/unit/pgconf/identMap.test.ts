// pg_ident.conf maps as hba.c's check_ident_usermap reads them: literal and regular-expression
// OS user names, \1 in the role, and from PostgreSQL 16 the keyword all, +group and /regex roles.
import * as assert from 'node:assert/strict';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import { identAllows, identEntries } from '../../../src/core/pgconf/identMap';

async function entries(text: string, major = 17) {
  return identEntries(await loadHbaText('/d/pg_ident.conf', text, { major }));
}

describe('pg_ident.conf maps', () => {
  it('pairs literal and regular-expression OS users with roles, \\1 included', async () => {
    const e = await entries('# comment\nm postgres backup_user\nm /^(.*)@example\\.com$ \\1\nother postgres admin\nbroken line\n');
    assert.equal(e.length, 3);
    assert.equal(identAllows(e, 'm', 'postgres', 'backup_user'), true);
    assert.equal(identAllows(e, 'm', 'postgres', 'admin'), false, 'another map names that pair');
    assert.equal(identAllows(e, 'm', 'anna@example.com', 'anna'), true);
    assert.equal(identAllows(e, 'm', 'anna@example.org', 'anna'), false);
    assert.equal(identAllows(e, 'M', 'postgres', 'backup_user'), false, 'map names compare exactly');
  });

  it('knows all, +group and /regex roles from PostgreSQL 16 only, and a quoted "all" is a name', async () => {
    const text = 'a postgres all\ng postgres +backupers\nr postgres /^backup_\nq postgres "all"\n';
    const e16 = await entries(text, 16);
    assert.equal(identAllows(e16, 'a', 'postgres', 'anyone', [], 16), true);
    assert.equal(identAllows(e16, 'g', 'postgres', 'backup_user', ['backupers'], 16), true);
    assert.equal(identAllows(e16, 'g', 'postgres', 'backup_user', [], 16), false);
    assert.equal(identAllows(e16, 'r', 'postgres', 'backup_user', [], 16), true);
    assert.equal(identAllows(e16, 'q', 'postgres', 'anyone', [], 16), false);
    assert.equal(identAllows(e16, 'q', 'postgres', 'all', [], 16), true);
    const e15 = await entries(text, 15);
    assert.equal(identAllows(e15, 'a', 'postgres', 'anyone', [], 15), false);
    assert.equal(identAllows(e15, 'a', 'postgres', 'all', [], 15), true);
  });
});
