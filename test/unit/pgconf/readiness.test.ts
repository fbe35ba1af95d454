import * as assert from 'node:assert/strict';
import { overlayConfReader } from '../../../src/core/pgconf/confReaders';
import { checkReadiness } from '../../../src/core/pgconf/readiness';

const DATA = '/srv/pg/data';

describe('readiness check of a cluster configuration', () => {
  it('follows hba_file, and takes ssl and password_encryption from postgresql.conf', async () => {
    const reader = overlayConfReader(new Map([
      [`${DATA}/postgresql.conf`, "hba_file = '/etc/pg/hba.conf'\nssl = off\npassword_encryption = 'scram-sha-256'\n"],
      ['/etc/pg/hba.conf', 'hostssl all all 10.0.0.0/8 md5\nhost replication backup 127.0.0.1/32 scram-sha-256\n'],
    ]));
    const r = await checkReadiness(reader, { major: 16, walMode: 'stream', configFile: `${DATA}/postgresql.conf`, backupRole: 'backup', clientAddress: '127.0.0.1' });
    assert.equal(r.hba.mainFile, '/etc/pg/hba.conf');
    const codes = r.findings.map((f) => f.code).sort();
    assert.deepEqual(codes, ['hba/hostssl-without-ssl', 'hba/md5-with-scram']);
  });

  it('reads the data directory pg_hba.conf by default and reports a missing one', async () => {
    const reader = overlayConfReader(new Map([[`${DATA}/postgresql.conf`, 'wal_level = minimal\n']]));
    const r = await checkReadiness(reader, { major: 13, walMode: 'stream', configFile: `${DATA}/postgresql.conf` });
    assert.deepEqual(r.findings.map((f) => f.code), ['pgconf/wal-level', 'hba/include']);
    assert.match(r.findings[1]?.message ?? '', /\/srv\/pg\/data\/pg_hba\.conf/);
  });
  it('with ssl = on in postgresql.conf, hostssl lines apply to the check\'s client (libpq sslmode=prefer)', async () => {
    // Server (PostgreSQL 17, ssl = on): psql without sslmode opens a replication connection
    // through "hostssl replication backup_user 127.0.0.1/32 trust" alone.
    const hba = 'local all all peer\nhostssl replication backup_user 127.0.0.1/32 scram-sha-256\n';
    const run = async (conf: string) => checkReadiness(overlayConfReader(new Map([[`${DATA}/postgresql.conf`, conf], [`${DATA}/pg_hba.conf`, hba]])),
      { major: 17, walMode: 'stream', configFile: `${DATA}/postgresql.conf`, backupRole: 'backup_user', clientAddress: '127.0.0.1' });
    assert.deepEqual((await run('ssl = on\n')).findings.map((f) => f.code), []);
    const off = (await run('ssl = off\n')).findings;
    assert.deepEqual(off.map((f) => f.code).sort(), ['hba/hostssl-without-ssl', 'hba/no-replication-access']);
  });

  it('passes oauth_validator_libraries to the oauth lines of PostgreSQL 18', async () => {
    const hba = 'host replication backup 127.0.0.1/32 trust\nhost all all all oauth issuer=https://id.example scope=openid\n';
    const run = async (conf: string) => checkReadiness(overlayConfReader(new Map([[`${DATA}/postgresql.conf`, conf], [`${DATA}/pg_hba.conf`, hba]])),
      { major: 18, walMode: 'stream', configFile: `${DATA}/postgresql.conf`, backupRole: 'backup', clientAddress: '127.0.0.1' });
    // Server 18, default (empty) oauth_validator_libraries: the line fails, so the file does not load.
    assert.deepEqual((await run('')).findings.map((f) => f.code).sort(), ['hba/auth-option', 'hba/no-replication-access', 'hba/not-loaded']);
    assert.deepEqual((await run("oauth_validator_libraries = 'my_validator'\n")).findings.map((f) => f.code), []);
  });
});
