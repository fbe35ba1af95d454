// Cases where the checker disagreed with real servers 13-18 (each verdict below is what the
// servers said; test/e2e/pgconfServerAgreement.test.ts asks them again).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsConfReader, overlayConfReader } from '../../../src/core/pgconf/confReaders';
import type { ConfRuleOptions } from '../../../src/core/pgconf/confRules';
import { checkConf } from '../../../src/core/pgconf/confRules';
import { loadConfTree } from '../../../src/core/pgconf/confTree';
import type { Finding } from '../../../src/core/pgconf/findings';
import { loadHba, loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import type { HbaParseError, HbaRecord } from '../../../src/core/pgconf/hbaRecord';
import { isHbaRecord, parseHbaRecord } from '../../../src/core/pgconf/hbaRecord';
import { checkHba } from '../../../src/core/pgconf/hbaRules';
import { parseIp } from '../../../src/core/pgconf/ipAddress';
import { checkReadiness } from '../../../src/core/pgconf/readiness';
import { skipBecause } from '../../support/skip';

const MAIN = '/srv/pg/data/postgresql.conf';
const STREAM: ConfRuleOptions = { major: 15, walMode: 'stream' };

async function confFindings(text: string, options: ConfRuleOptions = STREAM, extra: Record<string, string> = {}): Promise<Finding[]> {
  return checkConf(await loadConfTree(overlayConfReader(new Map(Object.entries({ [MAIN]: text, ...extra }))), MAIN), options);
}
const only = (fs: readonly Finding[], code: string): Finding[] => fs.filter((f) => f.code === code);

async function hbaLine(text: string, context: Parameters<typeof parseHbaRecord>[2] = {}, major = 16): Promise<HbaRecord | HbaParseError> {
  const set = await loadHbaText('/d/pg_hba.conf', `${text}\n`, { major });
  const line = set.lines[0];
  assert.ok(line);
  return parseHbaRecord(line, major, context);
}

describe('postgresql.conf: an earlier line is ignored only when a later one spells the name the same', () => {
  it('a bad value stays an error when a later line spells the name otherwise (the server does not start)', async () => {
    // Server 13-18: MAX_WAL_SENDERS = 'many' then max_wal_senders = 4: FATAL, invalid value.
    const [f] = only(await confFindings("wal_level = replica\nMAX_WAL_SENDERS = 'many'\nmax_wal_senders = 4\n"), 'pgconf/invalid-value');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.range.start.line, 1);
    assert.match(f?.message ?? '', /spells the name differently/);
    assert.doesNotMatch(f?.message ?? '', /ignores this one/);
    const [g] = only(await confFindings('max_connections = -5\nMax_Connections = 50\n'), 'pgconf/invalid-value');
    assert.equal(g?.severity, 'error');
  });

  it('the same spelling later: the bad line is only a warning, the server skips it', async () => {
    const [f] = only(await confFindings('max_connections = -5\nmax_connections = 50\n'), 'pgconf/invalid-value');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /a later line overrides it, so the server ignores this one/);
  });

  it('marks lines ignored by exact spelling while the value in force is still the last of any spelling', async () => {
    const tree = await loadConfTree(overlayConfReader(new Map([[MAIN, 'Work_Mem = 1MB\nwork_mem = 2MB\nWork_Mem = 3MB\nwork_mem = 4MB\n']])), MAIN);
    assert.deepEqual(tree.settings.map((s) => s.ignored), [true, true, false, false]);
    assert.deepEqual(tree.settings.map((s) => s.applied), [false, false, false, true]);
    assert.equal(tree.effective.get('work_mem')?.value, '4MB');
  });

  it('an internal parameter overridden by another spelling still stops the server', async () => {
    const [f] = only(await confFindings('BLOCK_SIZE = 8192\nblock_size = 8192\n'), 'pgconf/internal-parameter');
    assert.equal(f?.severity, 'error');
  });
});

describe('include_dir and symbolic links (the server stats each entry)', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgconf-links-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips a symlink to a directory and reads a symlink to a file', async () => {
    mkdirSync(path.join(dir, 'cd'));
    mkdirSync(path.join(dir, 'target'));
    writeFileSync(path.join(dir, 'target', 't.conf'), 'work_mem = 3MB\n');
    writeFileSync(path.join(dir, 'cd', 'a.conf'), 'work_mem = 2MB\n');
    writeFileSync(path.join(dir, 'outside.txt'), 'work_mem = 5MB\n');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'cd', 'linkdir.conf'));
    symlinkSync(path.join(dir, 'outside.txt'), path.join(dir, 'cd', 'linkfile.conf'));
    writeFileSync(path.join(dir, 'postgresql.conf'), "include_dir 'cd'\n");
    const tree = await loadConfTree(fsConfReader, path.join(dir, 'postgresql.conf'));
    assert.deepEqual(tree.findings, []);
    assert.deepEqual(tree.settings.map((s) => [path.basename(s.file), s.value]), [['a.conf', '2MB'], ['linkfile.conf', '5MB']]);
  });

  it('pg_hba.conf include_dir (16+) skips a symlink to a directory too, so the file loads', async () => {
    mkdirSync(path.join(dir, 'hba.d'));
    mkdirSync(path.join(dir, 'target'));
    writeFileSync(path.join(dir, 'hba.d', 'a.conf'), 'host replication backup 127.0.0.1/32 trust\n');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'hba.d', 'link.conf'));
    writeFileSync(path.join(dir, 'pg_hba.conf'), 'include_dir hba.d\n');
    const set = await loadHba(fsConfReader, path.join(dir, 'pg_hba.conf'), { major: 16 });
    const findings = checkHba(set, { major: 16, backupRole: 'backup', clientAddress: '127.0.0.1' });
    assert.deepEqual(findings.map((f) => f.code), []);
  });

  it('a dangling symlink is still an error (the server: "could not stat file")', async () => {
    mkdirSync(path.join(dir, 'cd'));
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'cd', 'dangling.conf'));
    writeFileSync(path.join(dir, 'postgresql.conf'), "include_dir 'cd'\n");
    const tree = await loadConfTree(fsConfReader, path.join(dir, 'postgresql.conf'));
    assert.deepEqual(tree.findings.map((f) => [f.code, f.severity]), [['pgconf/include', 'error']]);
  });
});

describe('a configuration directory apart from the data directory', () => {
  const files = (conf: string, more: Record<string, string> = {}): ReturnType<typeof overlayConfReader> => overlayConfReader(new Map(Object.entries({
    '/etc/pg/postgresql.conf': conf,
    '/etc/pg/pg_hba.conf': 'host replication backup 127.0.0.1/32 scram-sha-256\n',
    '/var/lib/pg/data/postgresql.auto.conf': 'max_wal_senders = 0\n',
    ...more,
  })));
  const check = (conf: string, more: Record<string, string> = {}) => checkReadiness(files(conf, more),
    { major: 15, walMode: 'stream', configFile: '/etc/pg/postgresql.conf', backupRole: 'backup', clientAddress: '127.0.0.1' });

  it('reads postgresql.auto.conf from data_directory', async () => {
    const r = await check("data_directory = '/var/lib/pg/data'\nhba_file = '/etc/pg/pg_hba.conf'\n");
    assert.equal(r.conf.dataDirectory, '/var/lib/pg/data');
    const [f] = only(r.findings, 'pgconf/max-wal-senders');
    assert.equal(f?.file, '/var/lib/pg/data/postgresql.auto.conf');
    assert.deepEqual(only(r.findings, 'pgconf/file-location'), []);
  });

  it('takes data_directory only as spelled exactly (the server\'s first pass compares with strcmp)', async () => {
    const r = await check("Data_Directory = '/var/lib/pg/data'\nhba_file = '/etc/pg/pg_hba.conf'\n");
    assert.equal(r.conf.dataDirectory, '/etc/pg');
    assert.deepEqual(only(r.findings, 'pgconf/max-wal-senders'), []);
  });

  it('without hba_file, reads the pg_hba.conf beside postgresql.conf (-D) and says where else it could be', async () => {
    // Server 15: `postgres -D /etc/pg` reads /etc/pg/pg_hba.conf; `-D <data> -c config_file=...` the data directory's.
    const r = await check("data_directory = '/var/lib/pg/data/'\n");
    assert.equal(r.hba.mainFile, '/etc/pg/pg_hba.conf');
    const [w] = only(r.findings, 'pgconf/file-location');
    assert.equal(w?.severity, 'warning');
    assert.equal(w?.range.start.line, 0);
    assert.match(w?.message ?? '', /\/var\/lib\/pg\/data\/pg_hba\.conf when it is started with -D \/var\/lib\/pg\/data and -c config_file/);
  });

  it('a relative hba_file, ident_file or data_directory depends on the directory the server is started from', async () => {
    const r = await check("data_directory = 'data'\nhba_file = 'pg_hba.conf'\nident_file = 'pg_ident.conf'\n");
    const ws = only(r.findings, 'pgconf/file-location');
    assert.deepEqual(ws.map((f) => [f.range.start.line, f.severity]), [[0, 'warning'], [2, 'warning'], [1, 'warning']]);
    for (const w of ws) assert.match(w.message, /the directory it is started from/);
    assert.match(ws[2]?.message ?? '', /checked here as \/etc\/pg\/pg_hba\.conf/);
  });

  it('an empty hba_file is the working directory itself: the server does not start', async () => {
    const r = await check("hba_file = ''\n");
    const [e] = only(r.findings, 'pgconf/file-location');
    assert.equal(e?.severity, 'error');
    assert.match(e?.message ?? '', /does not start/);
  });

  it('a postgresql.auto.conf this user may not read is a warning on postgresql.conf, not a server error', async () => {
    const base = files("data_directory = '/var/lib/pg/data'\nhba_file = '/etc/pg/pg_hba.conf'\n");
    const reader = {
      readFile: (f: string): Promise<string | undefined> => (f.startsWith('/var/lib/pg/data/')
        ? Promise.reject(new Error(`EACCES: permission denied, open '${f}'`)) : base.readFile(f)),
      readDir: (d: string) => base.readDir(d),
    };
    const r = await checkReadiness(reader, { major: 15, walMode: 'stream', configFile: '/etc/pg/postgresql.conf' });
    const [w] = only(r.findings, 'pgconf/include');
    assert.deepEqual([w?.file, w?.severity], ['/etc/pg/postgresql.conf', 'warning']);
    assert.match(w?.message ?? '', /postgresql\.auto\.conf.*permission denied.*ALTER SYSTEM/);
  });

  it('an explicit data directory still decides, as before', async () => {
    const r = await checkReadiness(files("data_directory = '/elsewhere'\n", { '/var/lib/pg/data/pg_hba.conf': 'host replication backup 127.0.0.1/32 trust\n' }),
      { major: 15, walMode: 'stream', configFile: '/etc/pg/postgresql.conf', dataDirectory: '/var/lib/pg/data' });
    assert.equal(r.hba.mainFile, '/var/lib/pg/data/pg_hba.conf');
    assert.equal(only(r.findings, 'pgconf/max-wal-senders')[0]?.file, '/var/lib/pg/data/postgresql.auto.conf');
    assert.deepEqual(only(r.findings, 'pgconf/file-location'), []);
  });
});

describe('authentication methods a build lacks', () => {
  it('sspi is only on Windows builds, bsd only on OpenBSD: elsewhere the line and the file fail', async () => {
    for (const [method, home] of [['sspi', 'win32'], ['bsd', 'openbsd']] as const) {
      const bad = await hbaLine(`host all all 10.0.0.0/8 ${method}`, { platform: 'linux' });
      assert.ok(!isHbaRecord(bad));
      assert.equal(bad.message, `invalid authentication method "${method}": not supported by this build`);
      assert.ok(isHbaRecord(await hbaLine(`host all all 10.0.0.0/8 ${method}`, { platform: home })), `${method} on ${home}`);
    }
    // gss, pam and ldap depend on build options no file shows: taken as present.
    for (const line of ['host all all 10.0.0.0/8 gss', 'host all all 10.0.0.0/8 pam', 'host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=y']) {
      assert.ok(isHbaRecord(await hbaLine(line, { platform: 'linux' })), line);
    }
  });

  it('on this platform (not Windows), an sspi line keeps pg_hba.conf from loading', async function () {
    if (process.platform === 'win32') skipBecause(this, 'symbolic links need extra privileges on Windows');
    const set = await loadHbaText('/d/pg_hba.conf', 'host replication backup 127.0.0.1/32 trust\nhost all all 10.0.0.0/8 sspi\n', { major: 15 });
    const codes = checkHba(set, { major: 15, backupRole: 'backup', clientAddress: '127.0.0.1' }).map((f) => f.code).sort();
    assert.deepEqual(codes, ['hba/no-replication-access', 'hba/not-loaded', 'hba/syntax']);
  });
});

describe('IPv6 zones as glibc getaddrinfo(AI_NUMERICHOST) reads them', () => {
  const ifs = (name: string): boolean => name === 'lo' || name === 'eth0';

  it('a numeric zone goes with any address, up to 2^32-1', () => {
    assert.deepEqual(parseIp('::1%1', ifs)?.bytes, parseIp('::1')?.bytes);
    assert.ok(parseIp('fe80::1%4294967295', ifs));
    assert.equal(parseIp('fe80::1%4294967296', ifs), undefined);
    assert.equal(parseIp('fe80::1%', ifs), undefined);
    assert.equal(parseIp('fe80::1%1x', ifs), undefined);
  });

  it('an interface name only after a link-local address, and only when the interface exists', () => {
    assert.ok(parseIp('fe80::1%lo', ifs));
    assert.ok(parseIp('febf::1%eth0', ifs));
    assert.ok(parseIp('ff02::1%lo', ifs), 'link-local multicast');
    assert.ok(parseIp('ff01::1%lo', ifs), 'node-local multicast');
    assert.equal(parseIp('fe80::1%nosuchif', ifs), undefined);
    assert.equal(parseIp('::1%lo', ifs), undefined, 'not link-local');
    assert.equal(parseIp('fec0::1%lo', ifs), undefined, 'site-local is not link-local');
    assert.equal(parseIp('127.0.0.1%1', ifs), undefined);
  });

  it('pg_hba.conf: with a mask, an unknown zone is "host name and CIDR mask"; without one, a host name', async () => {
    // Server 16 on this machine (pg_hba_file_rules): the first two lines fail, the third is a host-name line.
    const a = await hbaLine('host all all fe80::1%nosuchif/64 trust');
    assert.ok(!isHbaRecord(a));
    assert.match(a.message, /^specifying both host name and CIDR mask is invalid: "fe80::1%nosuchif\/64"/);
    const b = await hbaLine('host all all ::1%lo/128 trust');
    assert.ok(!isHbaRecord(b));
    assert.match(b.message, /^specifying both host name and CIDR mask is invalid: "::1%lo\/128"/);
    const c = await hbaLine('host all all fe80::1%nosuchif trust');
    assert.ok(isHbaRecord(c));
    assert.deepEqual(c.address?.kind === 'hostname' ? c.address.name : c.address, 'fe80::1%nosuchif');
    const d = await hbaLine('host all all ::1%1/128 trust');
    assert.ok(isHbaRecord(d) && d.address?.kind === 'ip');
  });
});

describe('a file that includes itself', () => {
  it('is "configuration file recursion in <file>", as the server says (13-18)', async () => {
    const tree = await loadConfTree(overlayConfReader(new Map([[MAIN, "work_mem = 1MB\ninclude_if_exists 'postgresql.conf'\n"]])), MAIN);
    assert.deepEqual(tree.findings.map((f) => [f.severity, f.message, f.range.start.line]), [['error', `configuration file recursion in "${MAIN}"`, 1]]);
    assert.deepEqual(tree.settings.map((s) => s.value), ['1MB']);
  });

  it('through include_dir as well; a longer cycle is still reported as a cycle', async () => {
    const viaDir = await loadConfTree(overlayConfReader(new Map([
      [MAIN, "include_dir 'conf.d'\n"], ['/srv/pg/data/conf.d/a.conf', "include_dir '.'\n"],
    ])), MAIN);
    assert.deepEqual(viaDir.findings.map((f) => f.message), ['configuration file recursion in "/srv/pg/data/conf.d/a.conf"']);
    const longer = await loadConfTree(overlayConfReader(new Map([
      [MAIN, "include 'a.conf'\n"], ['/srv/pg/data/a.conf', "include 'b.conf'\n"], ['/srv/pg/data/b.conf', "include 'a.conf'\n"],
    ])), MAIN);
    assert.deepEqual(longer.findings.map((f) => f.code), ['pgconf/include-cycle']);
    assert.match(longer.findings[0]?.message ?? '', /maximum nesting depth exceeded/);
  });
});

describe('archive_library together with archive_command, per major', () => {
  const BOTH = "archive_mode = on\narchive_library = 'basic_archive'\narchive_command = '/bin/true'\n";

  it('15 archives through the library and ignores archive_command: an error only when ARCHIVE backups need it', async () => {
    const [w] = only(await confFindings(BOTH, STREAM), 'pgconf/archive-library-conflict');
    assert.equal(w?.severity, 'warning');
    assert.match(w?.message ?? '', /PostgreSQL 15 archives WAL through archive_library and ignores archive_command/);
    assert.doesNotMatch(w?.message ?? '', /refuses/);
    const [e] = only(await confFindings(BOTH, { major: 15, walMode: 'archive' }), 'pgconf/archive-library-conflict');
    assert.equal(e?.severity, 'error');
    assert.match(e?.message ?? '', /archive-push never runs/);
  });

  it('16+ refuse to archive with both, with the server\'s words', async () => {
    const [f16] = only(await confFindings(BOTH, { major: 16, walMode: 'stream' }), 'pgconf/archive-library-conflict');
    assert.equal(f16?.severity, 'error');
    assert.match(f16?.message ?? '', /"both archive_command and archive_library set"/);
    const [f17] = only(await confFindings(BOTH, { major: 17, walMode: 'stream' }), 'pgconf/archive-library-conflict');
    assert.match(f17?.message ?? '', /"both "archive_command" and "archive_library" set"/);
  });
});
