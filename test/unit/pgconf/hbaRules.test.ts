import * as assert from 'node:assert/strict';
import { applyEdits } from '../../../src/core/pgconf/edits';
import type { Finding } from '../../../src/core/pgconf/findings';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import { firstMatch } from '../../../src/core/pgconf/hbaMatch';
import type { HbaRuleOptions } from '../../../src/core/pgconf/hbaRules';
import { checkHba, hbaQuote, parseHbaSet } from '../../../src/core/pgconf/hbaRules';

const HBA = '/srv/pg/data/pg_hba.conf';
const BACKUP: HbaRuleOptions = { major: 15, backupRole: 'backup', clientAddress: '127.0.0.1' };

async function check(text: string, options: HbaRuleOptions = { major: 15 }): Promise<Finding[]> {
  return checkHba(await loadHbaText(HBA, text, { major: options.major }), options);
}
function only(findings: readonly Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

describe('pg_hba.conf rules', () => {
  it('reports when no line lets the backup role connect for replication; "all" does not cover replication', async () => {
    const text = 'local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n';
    const [f] = only(await check(text, BACKUP), 'hba/no-replication-access');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /"all" does not cover replication/);
    assert.ok(f?.fix);
    const after = applyEdits(text, f.fix.edits);
    assert.equal(after, text + 'host    replication   backup   127.0.0.1/32   scram-sha-256\n');
    assert.deepEqual(only(await check(after, BACKUP), 'hba/no-replication-access'), []);
  });

  it('passes with a replication line for the role, a group, or all roles, and over the local socket with a local line', async () => {
    for (const line of ['host replication backup 127.0.0.1/32 md5', 'host replication all 127.0.0.0/8 scram-sha-256', 'host replication +backupers all scram-sha-256', 'host replication all samehost trust']) {
      assert.deepEqual(only(await check(`${line}\n`, { ...BACKUP, memberOf: ['backupers'] }), 'hba/no-replication-access'), [], line);
    }
    assert.deepEqual(only(await check('local replication all peer\n', { ...BACKUP, clientAddress: 'local' }), 'hba/no-replication-access'), []);
    assert.equal(only(await check('host replication all all trust\n', { ...BACKUP, clientAddress: 'local' }), 'hba/no-replication-access').length, 1);
  });

  it('a quoted "replication" is a database name, not the keyword', async () => {
    assert.equal(only(await check('host "replication" backup 127.0.0.1/32 md5\n', BACKUP), 'hba/no-replication-access').length, 1);
  });

  it('inserts the replication line above the line that rejects the role first', async () => {
    const text = 'local all all peer\nhost replication all 0.0.0.0/0 reject\nhost replication backup 127.0.0.1/32 scram-sha-256\n';
    const [f] = only(await check(text, BACKUP), 'hba/no-replication-access');
    assert.match(f?.message ?? '', /line 2 of pg_hba\.conf rejects it/);
    assert.ok(f?.fix);
    const after = applyEdits(text, f.fix.edits);
    assert.equal(after.split('\n')[1], 'host    replication   backup   127.0.0.1/32   scram-sha-256');
    assert.deepEqual(only(await check(after, BACKUP), 'hba/no-replication-access'), []);
  });

  it('quotes awkward role names in the added line', async () => {
    const opts = { ...BACKUP, backupRole: 'Backup User' };
    const [f] = only(await check('', opts), 'hba/no-replication-access');
    const after = applyEdits('', f?.fix?.edits ?? []);
    assert.match(after, /"Backup User"/);
    assert.deepEqual(only(await check(after, opts), 'hba/no-replication-access'), []);
    assert.equal(hbaQuote('all'), '"all"');
    assert.equal(hbaQuote('say "hi"'), '"say ""hi"""');
    assert.equal(hbaQuote('backup_1'), 'backup_1');
  });

  it('checks the ordinary connection to the backup database when asked', async () => {
    const opts = { ...BACKUP, backupDatabase: 'backupdb' };
    const text = 'host replication backup 127.0.0.1/32 scram-sha-256\n';
    assert.equal(only(await check(text, opts), 'hba/no-backup-access').length, 1);
    assert.deepEqual(only(await check(text + 'host backupdb backup 127.0.0.1/32 scram-sha-256\n', opts), 'hba/no-backup-access'), []);
  });

  it('warns about trust for non-local addresses only', async () => {
    assert.equal(only(await check('host all all 0.0.0.0/0 trust\n'), 'hba/trust-remote').length, 1);
    assert.equal(only(await check('host all all 10.1.0.0/16 trust\n'), 'hba/trust-remote').length, 1);
    assert.deepEqual(only(await check('host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n'), 'hba/trust-remote'), []);
  });

  it('notes md5 lines when passwords are SCRAM, as information (md5 lines still accept SCRAM verifiers)', async () => {
    const [f] = only(await check('host all all 10.0.0.0/8 md5\n', { major: 15, passwordEncryption: 'scram-sha-256' }), 'hba/md5-with-scram');
    assert.equal(f?.severity, 'info');
    assert.match(f?.message ?? '', /still accepts them/);
    assert.deepEqual(only(await check('host all all 10.0.0.0/8 md5\n', { major: 15, passwordEncryption: 'md5' }), 'hba/md5-with-scram'), []);
    assert.deepEqual(only(await check('host all all 10.0.0.0/8 scram-sha-256\n', { major: 15 }), 'hba/md5-with-scram'), []);
  });

  it('warns about lines that an earlier line always catches first', async () => {
    const text = 'host all all 10.0.0.0/8 md5\nhost sales bob 10.1.2.0/24 scram-sha-256\nhost replication bob 10.1.2.3/32 scram-sha-256\nhostssl all all 10.2.0.0/16 md5\nhost all +g 10.0.0.0/8 md5\n';
    const shadowed = only(await check(text), 'hba/shadowed');
    assert.deepEqual(shadowed.map((f) => f.range.start.line), [1, 3, 4]);
    assert.match(shadowed[0]?.message ?? '', /line 1 of pg_hba\.conf catches every connection/);
    // Narrower first, broader later: both can match.
    assert.deepEqual(only(await check('host sales bob 10.1.2.0/24 md5\nhost all all 10.0.0.0/8 md5\nlocal all all peer\nhost all all ::1/128 md5\n'), 'hba/shadowed'), []);
  });

  it('flags invalid addresses and masks with the server messages, and odd but valid ones as warnings', async () => {
    const err = async (line: string): Promise<string> => (await check(`${line}\n`)).find((f) => f.severity === 'error')?.message ?? '';
    assert.match(await err('host all all 10.0.0.0/33 md5'), /invalid CIDR mask in address "10.0.0.0\/33"/);
    assert.match(await err('host all all db.example.com/24 md5'), /specifying both host name and CIDR mask is invalid/);
    assert.match(await err('host all all 10.0.0.1 255.255.255.0.1 md5'), /invalid IP mask/);
    assert.match(await err('host all all 10.0.0.1 ffff:: md5'), /IP address and mask do not match/);
    assert.match(await err('host all all 10.0.0.1'), /end-of-line before netmask specification/);
    assert.equal(only(await check('host all all 10.0.0.1 255.0.255.0 md5\n'), 'hba/address')[0]?.severity, 'warning');
    assert.equal(only(await check('host all all 10.0.0.1/8 md5\n'), 'hba/address')[0]?.severity, 'info');
    assert.match(only(await check('host all all 300.1.1.1 md5\n'), 'hba/address')[0]?.message ?? '', /takes it as a host name/);
    assert.deepEqual(only(await check('host all all 10.0.0.0/8 md5\nhost all all 10.0.0.0 255.0.0.0 md5\n'), 'hba/address'), []);
  });

  it('reports peer on a host line', async () => {
    const [f] = only(await check('host all all 127.0.0.1/32 peer\n'), 'hba/peer-host');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(only(await check('local all all peer\n'), 'hba/peer-host'), []);
  });

  it('warns about hostssl lines while ssl is off', async () => {
    assert.equal(only(await check('hostssl all all 0.0.0.0/0 scram-sha-256\n', { major: 15, ssl: false }), 'hba/hostssl-without-ssl').length, 1);
    assert.deepEqual(only(await check('hostssl all all 0.0.0.0/0 scram-sha-256\n', { major: 15, ssl: true }), 'hba/hostssl-without-ssl'), []);
  });

  it('reports other line errors with ranges and never throws', async () => {
    const f = (await check('hots all all 127.0.0.1/32 trust\nhost all all all bogus\nhost all all all md5 nameonly\nlocal all all cert\n'))
      .filter((x) => x.code !== 'hba/not-loaded');
    assert.deepEqual(f.map((x) => [x.range.start.line, x.message]), [
      [0, 'invalid connection type "hots"; did you mean "host"?'],
      [1, 'invalid authentication method "bogus"'],
      [2, 'authentication option not in name=value format: nameonly'],
      [3, 'cert authentication is only supported on hostssl connections'],
    ]);
    assert.deepEqual(f[0]?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } });
  });

  it('suggests the method meant by a typo', async () => {
    const [f] = await check('host all all all scram-sha256\n');
    assert.equal(f?.message, 'invalid authentication method "scram-sha256"; did you mean "scram-sha-256"?');
  });

  it('matches regular expressions only from PostgreSQL 16', async () => {
    const text = 'host replication /^back 127.0.0.1/32 scram-sha-256\n';
    const conn = { address: '127.0.0.1', role: 'backup', database: 'replication', replication: true };
    assert.ok(firstMatch(parseHbaSet(await loadHbaText(HBA, text, { major: 16 }), 16).records, { ...conn, major: 16 }));
    assert.equal(firstMatch(parseHbaSet(await loadHbaText(HBA, text, { major: 15 }), 15).records, { ...conn, major: 15 }), undefined);
    const posix = parseHbaSet(await loadHbaText(HBA, 'host /^db[[:digit:]]+$ all all md5\n', { major: 17 }), 17).records;
    const ordinary = { address: '10.0.0.1', role: 'x', replication: false, major: 17 };
    assert.ok(firstMatch(posix, { ...ordinary, database: 'db12' }));
    assert.equal(firstMatch(posix, { ...ordinary, database: 'dbx' }), undefined);
  });
  it('+role matches the role itself, and samerole matches the database named after the role', async () => {
    // Server (PostgreSQL 17, trust): with only "host replication +backup_user 127.0.0.1/32 trust"
    // backup_user opens a replication connection (is_member: roles_is_member_of includes the
    // role); with "host samerole backup_user ..." it connects to database backup_user;
    // "+nosuchrole" lets nobody in.
    const opts = { ...BACKUP, backupRole: 'backup_user' };
    assert.deepEqual(only(await check('host replication +backup_user 127.0.0.1/32 trust\n', opts), 'hba/no-replication-access'), []);
    assert.equal(only(await check('host replication +nosuchrole 127.0.0.1/32 trust\n', opts), 'hba/no-replication-access').length, 1);
    const db = { ...opts, backupDatabase: 'backup_user' };
    assert.deepEqual(only(await check('host replication all 127.0.0.1/32 trust\nhost samerole backup_user 127.0.0.1/32 trust\n', db), 'hba/no-backup-access'), []);
    assert.equal(only(await check('host replication all 127.0.0.1/32 trust\nhost samerole backup_user 127.0.0.1/32 trust\n', { ...db, backupDatabase: 'postgres' }), 'hba/no-backup-access').length, 1);
    // A "+backup_user" line therefore catches every connection a later "backup_user" line would.
    assert.equal(only(await check('host all +backup_user 10.0.0.0/8 md5\nhost all backup_user 10.1.0.0/16 md5\n'), 'hba/shadowed').length, 1);
  });

  it('accepts a CIDR mask with a sign or leading blanks, as strtol reads it', async () => {
    // Server 13-18 (pg_hba_file_rules): 127.0.0.1/+32, /-0, "127.0.0.1/ 32", /032 and ::1/+128
    // load; /+ and /-1 are "invalid CIDR mask in address".
    for (const major of [13, 15, 18]) {
      for (const ok of ['127.0.0.1/+32', '127.0.0.1/-0', '"127.0.0.1/ 32"', '127.0.0.1/032', '::1/+128']) {
        assert.deepEqual((await check(`host all all ${ok} md5\n`, { major })).filter((f) => f.severity === 'error'), [], `${major} ${ok}`);
      }
      for (const bad of ['127.0.0.1/+', '127.0.0.1/-1', '"127.0.0.1/32 "']) {
        assert.match((await check(`host all all ${bad} md5\n`, { major }))[0]?.message ?? '', /invalid CIDR mask in address/, `${major} ${bad}`);
      }
    }
    const opts = { ...BACKUP, major: 17 };
    assert.deepEqual(only(await check('host replication backup 127.0.0.1/+32 trust\n', opts), 'hba/no-replication-access'), []);
    assert.equal(only(await check('host replication backup 10.0.0.0/-0 trust\n', opts), 'hba/no-replication-access').length, 0, '/-0 is every address');
  });

  it('one invalid line makes the whole file fail to load: access is not granted by the other lines', async () => {
    // Server (PostgreSQL 17): with a valid replication line and an invalid one, a reload logs
    // "pg_hba.conf was not reloaded" and a restart fails with FATAL: could not load pg_hba.conf.
    const text = 'host replication backup 127.0.0.1/32 trust\nhost all all all scram-sha-256 pamservice=x\n';
    const f = await check(text, BACKUP);
    const [notLoaded] = only(f, 'hba/not-loaded');
    assert.equal(notLoaded?.severity, 'error');
    assert.equal(notLoaded?.range.start.line, 1);
    assert.match(notLoaded?.message ?? '', /will not load: a line is invalid \(first: line 2 of pg_hba\.conf\)/);
    const [access] = only(f, 'hba/no-replication-access');
    assert.equal(access?.severity, 'error');
    assert.match(access?.message ?? '', /the file will not load .*line 1 of pg_hba\.conf would allow it/);
    assert.equal(access?.fix, undefined, 'adding a line does not help; the invalid line must go');
    assert.equal(only(f, 'hba/auth-option')[0]?.message, 'authentication option "pamservice" is only valid for authentication methods pam');
    // Refused anyway: the usual fix, and the note.
    const [refused] = only(await check('host all all all md5 clientcert=verify-full\n', BACKUP), 'hba/no-replication-access');
    assert.match(refused?.message ?? '', /no pg_hba\.conf line lets .*; besides, the file will not load/);
    assert.ok(refused?.fix);
    // Server: 'configuration file "…/pg_hba.conf" contains no entries', then FATAL.
    assert.match(only(await check('# nothing\n'), 'hba/not-loaded')[0]?.message ?? '', /contains no entries/);
    assert.deepEqual(only(await check('local all all peer\n'), 'hba/not-loaded'), []);
  });

  it('with ssl on, the client tries SSL first and then without SSL, as libpq\'s default sslmode=prefer does', async () => {
    // Server (PostgreSQL 17, ssl = on) and psql without sslmode: with only a hostssl line for
    // the role, the replication connection succeeds; with only a hostnossl line it succeeds too
    // (libpq retries without SSL after the SSL attempt is refused). A client forced to SSL
    // (node-postgres with ssl) is refused by the hostnossl line.
    const sslOn = { ...BACKUP, ssl: true };
    assert.deepEqual(only(await check('hostssl replication backup 127.0.0.1/32 trust\n', sslOn), 'hba/no-replication-access'), []);
    assert.deepEqual(only(await check('hostnossl replication backup 127.0.0.1/32 trust\n', sslOn), 'hba/no-replication-access'), []);
    assert.equal(only(await check('hostnossl replication backup 127.0.0.1/32 trust\n', { ...sslOn, clientSsl: true }), 'hba/no-replication-access').length, 1);
    // With ssl off no SSL attempt is made: hostssl lines never match.
    assert.equal(only(await check('hostssl replication backup 127.0.0.1/32 trust\n', { ...BACKUP, ssl: false }), 'hba/no-replication-access').length, 1);
    // Refused both ways: the message says how SSL was considered.
    const [f] = only(await check('hostssl replication backup 127.0.0.1/32 reject\nhost all all all md5\n', sslOn), 'hba/no-replication-access');
    assert.match(f?.message ?? '', /ssl is on, so libpq's default sslmode=prefer tries SSL first/);
    assert.match(f?.message ?? '', /line 1 of pg_hba\.conf rejects it/);
  });

  it('knows oauth lines on PostgreSQL 18, checked against oauth_validator_libraries when given', async () => {
    const line = 'host all all all oauth issuer=https://id.example scope=openid\n';
    assert.deepEqual((await check(line, { major: 18 })).filter((f) => f.severity === 'error'), []);
    assert.match((await check(line, { major: 17 }))[0]?.message ?? '', /invalid authentication method "oauth"/);
    // Server 18: with oauth_validator_libraries unset, 'oauth_validator_libraries must be set for authentication method oauth'.
    const [f] = only(await check(line, { major: 18, oauthValidatorLibraries: '' }), 'hba/auth-option');
    assert.equal(f?.message, 'oauth_validator_libraries must be set for authentication method oauth');
    assert.deepEqual(only(await check(line, { major: 18, oauthValidatorLibraries: 'my_validator' }), 'hba/auth-option'), []);
  });

  it('lines naming a host match the client only through its confirmed host name, as hba.c check_hostname does', async () => {
    const named = { hostname: 'db1.Example.com' };
    for (const line of ['host replication backup db1.example.com md5', 'host replication backup .EXAMPLE.com md5', 'host replication backup DB1.example.COM md5']) {
      assert.deepEqual(only(await check(`${line}\n`, { ...BACKUP, clientHostname: named }), 'hba/no-replication-access'), [], line);
    }
    for (const line of ['host replication backup db2.example.com md5', 'host replication backup .db1.example.com md5', 'host replication backup example.com md5']) {
      assert.equal(only(await check(`${line}\n`, { ...BACKUP, clientHostname: named }), 'hba/no-replication-access').length, 1, line);
    }
    // No confirmed name: the line cannot match, and the message says why.
    const why = '127.0.0.1 resolves to db1.example.com, but db1.example.com does not resolve back to 127.0.0.1';
    const [f] = only(await check('host replication backup db1.example.com md5\n', { ...BACKUP, clientHostname: { hostname: undefined, why } }), 'hba/no-replication-access');
    assert.ok(f?.message.includes(`lines that name a host cannot match it: ${why}`), f?.message);
  });
});
