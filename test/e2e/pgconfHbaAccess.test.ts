// The replication-access rule against the server's own verdict: for each pg_hba.conf, the
// checker's "can role backup make a replication connection from 127.0.0.1 (or the local
// socket)" must agree with a real psql replication connection (IDENTIFY_SYSTEM). The fix's
// added line must then let the connection in. A second suite turns ssl on: psql's default
// sslmode=prefer tries SSL first (hostssl lines), then without SSL when refused (hostnossl).
import * as assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confirmedClientHostname } from '../../src/core/pgconf/clientHostname';
import { applyEdits } from '../../src/core/pgconf/edits';
import { loadHbaText } from '../../src/core/pgconf/hbaLoader';
import { checkHba } from '../../src/core/pgconf/hbaRules';
import { identEntries } from '../../src/core/pgconf/identMap';
import { hostnameIfNeeded } from '../../src/core/pgconf/readiness';
import { programPath } from '../../src/core/postgres/installations';
import { runLiveCheck } from '../../src/core/postgres/liveCheck';
import { run } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

// Lines for the superuser the harness needs; they never match role backup.
const HARNESS = 'local all postgres trust\nhost all postgres 127.0.0.1/32 trust\n';

const CASES: { name: string; hba: string; local?: boolean; notLoaded?: boolean; ident?: string }[] = [
  { name: '"all" databases do not cover replication', hba: 'host all all 127.0.0.1/32 trust\n' },
  { name: 'the replication keyword', hba: 'host replication all 127.0.0.1/32 trust\n' },
  { name: 'a quoted "replication" is a database name', hba: 'host "replication" backup 127.0.0.1/32 trust\n' },
  { name: 'an earlier reject wins', hba: 'host replication all 127.0.0.1/32 reject\nhost replication backup 127.0.0.1/32 trust\n' },
  { name: 'group membership', hba: 'host replication +backupers 127.0.0.0/8 trust\n' },
  { name: '+role includes the role itself', hba: 'host replication +backup 127.0.0.1/32 trust\n' },
  { name: 'a CIDR mask with a sign', hba: 'host replication backup 127.0.0.1/+32 trust\n' },
  { name: 'an invalid line keeps the file from loading', hba: 'host replication backup 127.0.0.1/32 trust\nhost all all all scram-sha-256 pamservice=x\n', notLoaded: true },
  { name: 'another network', hba: 'host replication backup 10.0.0.0/8 trust\n' },
  { name: 'hostssl while ssl is off', hba: 'hostssl replication backup 127.0.0.1/32 trust\n' },
  { name: 'a role list', hba: 'host replication other,backup 127.0.0.1 255.255.255.255 trust\n' },
  { name: 'samehost', hba: 'host replication all samehost trust\n' },
  { name: 'a host name the address resolves to and back', hba: 'host replication backup localhost trust\n' },
  { name: 'host names compare without case', hba: 'host replication backup LocalHost trust\n' },
  { name: 'a host-name suffix longer than the name', hba: 'host replication backup .localhost trust\n' },
  { name: 'a host name the address does not resolve to', hba: 'host replication backup db.example.invalid trust\n' },
  { name: 'a quoted role name "all" is a name', hba: 'host replication "all" 127.0.0.1/32 trust\n' },
  { name: 'a group the role is not in', hba: 'host replication +nobody 127.0.0.1/32 trust\n' },
  { name: 'a rejecting group rule for another network, then an allowing one', hba: 'host replication +backupers 10.0.0.0/8 reject\nhost replication backup 127.0.0.1/32 trust\n' },
  { name: 'local lines do not match TCP', hba: 'local replication all trust\n' },
  { name: 'local lines match the socket', hba: 'local replication all trust\n', local: true },
  { name: 'host lines do not match the socket', hba: 'host replication all all trust\n', local: true },
  // psql runs as this process's OS user (root here), never the role backup.
  { name: 'peer lets an OS user in only as the role of its name', hba: 'local replication all peer\n', local: true },
  { name: 'peer with a map that pairs the OS user with the role', hba: 'local replication all peer map=m\n', local: true, ident: `m ${os.userInfo().username} backup\n` },
  { name: 'peer with a map by regular expression', hba: 'local replication all peer map=m\n', local: true, ident: 'm /^.+$ backup\n' },
  { name: 'peer with a map whose \\1 gives another role', hba: 'local replication all peer map=m\n', local: true, ident: 'm /^(.*)$ back\\1\n' },
  { name: 'peer with a map for another role', hba: 'local replication all peer map=m\n', local: true, ident: `m ${os.userInfo().username} other\n` },
];

describe('replication access rule vs real replication connections (PostgreSQL 15)', function () {
  this.timeout(300_000);
  const handle = useCluster(15, { source: 'debian' });
  let hbaFile = '';

  before(async () => {
    const c = handle.cluster;
    await c.query('CREATE ROLE backupers NOLOGIN');
    await c.query('CREATE ROLE backup LOGIN REPLICATION IN ROLE backupers');
    hbaFile = (await c.query<{ hba_file: string }>('SHOW hba_file'))[0]?.hba_file ?? '';
  });

  const serverAllows = async (local: boolean): Promise<boolean> => {
    const c = handle.cluster;
    const host = local ? c.socketDir : '127.0.0.1';
    const conninfo = `host=${host} port=${c.port} user=backup dbname=replication replication=true connect_timeout=10`;
    const r = await run(programPath(c.installation, 'psql'), ['-X', '-w', '-d', conninfo, '-c', 'IDENTIFY_SYSTEM'], { env: { ...c.env, PGPASSWORD: undefined } });
    if (r.exitCode !== 0) assert.match(r.stderr, /pg_hba\.conf|Peer authentication failed/, `refusals come from pg_hba.conf: ${r.stderr}`);
    return r.exitCode === 0;
  };

  const ours = async (hba: string, local: boolean, ident = '') => {
    const set = await loadHbaText(hbaFile, hba, { major: 15 });
    const identFile = path.join(path.dirname(hbaFile), 'pg_ident.conf');
    const maps = identEntries(await loadHbaText(identFile, ident, { major: 15 }));
    const clientAddress = local ? 'local' : '127.0.0.1';
    // Host names resolved through this machine's resolver, the one the server uses too.
    const clientHostname = await hostnameIfNeeded(set, 15, clientAddress, (a) => confirmedClientHostname(a));
    return checkHba(set, {
      major: 15, backupRole: 'backup', clientAddress, memberOf: ['backupers'], ssl: false, fixMethod: 'trust',
      clientOsUser: os.userInfo().username, identEntries: maps,
      ...(clientHostname === undefined ? {} : { clientHostname }),
    }).filter((f) => f.code === 'hba/no-replication-access');
  };

  for (const tc of CASES) {
    it(`${tc.name}: the checker agrees with the server, and its fix works`, async () => {
      const local = tc.local ?? false;
      const hba = HARNESS + tc.hba;
      // From the harness alone, so a file that does not load leaves just that in force.
      writeFileSync(hbaFile, HARNESS);
      await handle.cluster.reload();
      await new Promise((r) => setTimeout(r, 300));
      const logBefore = handle.cluster.readLog().length;
      writeFileSync(path.join(path.dirname(hbaFile), 'pg_ident.conf'), tc.ident ?? '');
      writeFileSync(hbaFile, hba);
      await handle.cluster.reload();
      await new Promise((r) => setTimeout(r, 300));
      const allowed = await serverAllows(local);
      if (tc.notLoaded === true) {
        assert.match(handle.cluster.readLog().slice(logBefore), /pg_hba\.conf was not reloaded/);
        assert.equal(allowed, false, 'the server kept the harness lines');
        assert.equal((await ours(hba, local)).length, 1, 'the checker grants nothing from a file that does not load');
        return;
      }
      const findings = await ours(hba, local, tc.ident);
      assert.equal(findings.length === 0, allowed, `server ${allowed ? 'allows' : 'refuses'}; checker says ${findings[0]?.message ?? 'allowed'}`);
      // The live check reads the same rules back from pg_hba_file_rules, and must agree too.
      const c = handle.cluster;
      const live = await runLiveCheck({ host: '127.0.0.1', port: c.port, user: c.superuser, database: 'postgres' },
        { role: 'backup', clientAddress: local ? 'local' : '127.0.0.1', resolveHostname: (a) => confirmedClientHostname(a), clientOsUser: os.userInfo().username });
      const liveRefusal = live.findings.find((f) => f.code === 'live/hba-replication');
      assert.equal(liveRefusal === undefined, allowed, `server ${allowed ? 'allows' : 'refuses'}; live check says ${liveRefusal?.message ?? 'allowed'}`);
      if (!allowed) {
        const fix = findings[0]?.fix;
        assert.ok(fix);
        const fixedText = applyEdits(hba, fix.edits.filter((e) => path.resolve(e.file) === path.resolve(hbaFile)));
        writeFileSync(hbaFile, fixedText);
        await handle.cluster.reload();
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await serverAllows(local), true, `after the fix:\n${fixedText}`);
        assert.deepEqual(await ours(fixedText, local, tc.ident), []);
      }
    });
  }
});

const SSL_CASES: { name: string; hba: string }[] = [
  { name: 'a hostssl line', hba: 'hostssl replication backup 127.0.0.1/32 trust\n' },
  { name: 'a hostnossl line (libpq retries without SSL)', hba: 'hostnossl replication backup 127.0.0.1/32 trust\n' },
  { name: 'hostssl rejects, hostnossl allows', hba: 'hostssl replication backup 127.0.0.1/32 reject\nhostnossl replication backup 127.0.0.1/32 trust\n' },
  { name: 'a hostssl reject alone', hba: 'hostssl replication backup 127.0.0.1/32 reject\n' },
  { name: 'host lines match SSL too', hba: 'host replication backup 127.0.0.1/32 trust\n' },
];

describe('replication access rule with ssl = on vs real replication connections (PostgreSQL 15)', function () {
  this.timeout(300_000);
  const handle = useCluster(15, { source: 'debian' });
  let hbaFile = '';

  before(async function () {
    const openssl = '/usr/bin/openssl';
    if (!existsSync(openssl)) skipBecause(this, 'no /usr/bin/openssl to make a server certificate');
    const c = handle.cluster;
    const key = path.join(c.dataDir, 'server.key');
    const crt = path.join(c.dataDir, 'server.crt');
    const r = await run(openssl, ['req', '-new', '-x509', '-days', '2', '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', crt]);
    assert.equal(r.exitCode, 0, r.stderr);
    for (const f of [key, crt]) chownSync(f, c.osUser.uid, c.osUser.gid);
    chmodSync(key, 0o600);
    await c.query('ALTER SYSTEM SET ssl = on');
    await c.reload();
    await c.query('CREATE ROLE backup LOGIN REPLICATION');
    hbaFile = (await c.query<{ hba_file: string }>('SHOW hba_file'))[0]?.hba_file ?? '';
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await c.query<{ ssl: string }>('SHOW ssl'))[0]?.ssl, 'on');
  });

  const serverAllows = async (): Promise<boolean> => {
    const c = handle.cluster;
    // No sslmode: libpq's default, prefer.
    const conninfo = `host=127.0.0.1 port=${c.port} user=backup dbname=replication replication=true connect_timeout=10`;
    const env = { ...c.env, PGPASSWORD: undefined, PGSSLMODE: undefined };
    const r = await run(programPath(c.installation, 'psql'), ['-X', '-w', '-d', conninfo, '-c', 'IDENTIFY_SYSTEM'], { env });
    if (r.exitCode !== 0) assert.match(r.stderr, /pg_hba\.conf/, `refusals come from pg_hba.conf: ${r.stderr}`);
    return r.exitCode === 0;
  };

  for (const tc of SSL_CASES) {
    it(`${tc.name}: the checker, told only that ssl is on, agrees with psql`, async () => {
      const hba = HARNESS + tc.hba;
      writeFileSync(hbaFile, hba);
      await handle.cluster.reload();
      await new Promise((r) => setTimeout(r, 300));
      const allowed = await serverAllows();
      const set = await loadHbaText(hbaFile, hba, { major: 15 });
      const findings = checkHba(set, { major: 15, backupRole: 'backup', clientAddress: '127.0.0.1', ssl: true, fixMethod: 'trust' })
        .filter((f) => f.code === 'hba/no-replication-access');
      assert.equal(findings.length === 0, allowed, `server ${allowed ? 'allows' : 'refuses'}; checker says ${findings[0]?.message ?? 'allowed'}`);
    });
  }
});
