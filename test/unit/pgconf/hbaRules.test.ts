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
    const f = await check('hots all all 127.0.0.1/32 trust\nhost all all all bogus\nhost all all all md5 nameonly\nlocal all all cert\n');
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
});
