// Where the checker disagreed with real servers, asked again of real servers:
//  - a bad line overridden by a later one that spells the name differently still stops the
//    server (it skips an earlier line only for the same spelling);
//  - a file that includes itself: "configuration file recursion in <file>";
//  - include_dir (postgresql.conf, and pg_hba.conf on 16+) skips a symlink to a directory;
//  - postgresql.conf apart from the data directory: postgresql.auto.conf comes from
//    data_directory, the default pg_hba.conf from the -D directory, a relative hba_file from
//    the directory the server is started from (asked of `postgres -C`, which reads the files
//    as a start does);
//  - authentication methods this Linux build lacks (sspi, bsd), and IPv6 zones, against
//    pg_hba_file_rules;
//  - archive_library with archive_command: archived through the library on 15, refused on 16+.
import * as assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkConf } from '../../src/core/pgconf/confRules';
import { fsConfReader } from '../../src/core/pgconf/confReaders';
import { loadConfTree } from '../../src/core/pgconf/confTree';
import type { Finding } from '../../src/core/pgconf/findings';
import { loadHba } from '../../src/core/pgconf/hbaLoader';
import { isHbaRecord, parseHbaRecord } from '../../src/core/pgconf/hbaRecord';
import { checkHba } from '../../src/core/pgconf/hbaRules';
import { formatIp } from '../../src/core/pgconf/ipAddress';
import { checkReadiness } from '../../src/core/pgconf/readiness';
import type { Cluster } from '../../src/core/postgres/cluster';
import { programPath } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';

/** Writes a file (and its missing parent folders) owned by the cluster's user. */
function write(c: Cluster, file: string, text: string): void {
  makeDir(c, path.dirname(file));
  writeFileSync(file, text);
  chownSync(file, c.osUser.uid, c.osUser.gid);
}

function makeDir(c: Cluster, dir: string): void {
  if (existsSync(dir)) return;
  makeDir(c, path.dirname(dir));
  mkdirSync(dir);
  chownSync(dir, c.osUser.uid, c.osUser.gid);
}

/** Stops and starts the server: whether it started, and what it logged meanwhile. */
async function restart(c: Cluster): Promise<{ started: boolean; log: string }> {
  await c.stop();
  const before = c.readLog().length;
  let started = true;
  try {
    await c.start();
  } catch {
    started = false;
  }
  return { started, log: c.readLog().slice(before) };
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function confFindings(conf: string, major: number, walMode: 'stream' | 'archive' = 'stream'): Promise<Finding[]> {
  return checkConf(await loadConfTree(fsConfReader, conf), { major, walMode });
}

for (const major of [13, 17]) describe(`postgresql.conf name spellings and self-inclusion vs the server (PostgreSQL ${major})`, function () {
  this.timeout(300_000);
  const handle = useCluster(major);
  let conf = '';
  let baseConf = '';

  before(() => {
    conf = path.join(handle.cluster.dataDir, 'postgresql.conf');
    baseConf = readFileSync(conf, 'utf8') + '\n';
  });
  afterEach(async () => {
    writeFileSync(conf, baseConf);
    await handle.cluster.start();
  });

  const CASES: { lines: string; starts: boolean }[] = [
    { lines: "MAX_WAL_SENDERS = 'many'\nmax_wal_senders = 4\n", starts: false },
    { lines: 'max_connections = -5\nMax_Connections = 50\n', starts: false },
    { lines: "max_wal_senders = 'many'\nmax_wal_senders = 4\n", starts: true },
    { lines: 'max_connections = -5\nmax_connections = 50\n', starts: true },
  ];
  for (const tc of CASES) {
    it(`${JSON.stringify(tc.lines)}: the server ${tc.starts ? 'skips the bad line and starts' : 'does not start'}, and the checker says so`, async () => {
      writeFileSync(conf, baseConf + tc.lines);
      const { started, log } = await restart(handle.cluster);
      assert.equal(started, tc.starts, log);
      if (!tc.starts) assert.match(log, /invalid value for parameter|is outside the valid range/);
      const bad = (await confFindings(conf, major)).filter((f) => f.code === 'pgconf/invalid-value');
      assert.equal(bad.length, 1, JSON.stringify(bad));
      assert.equal(bad[0]?.severity, tc.starts ? 'warning' : 'error', bad[0]?.message);
      assert.equal(/the server ignores this one/.test(bad[0]?.message ?? ''), tc.starts, bad[0]?.message);
    });
  }

  it('a file that includes itself: the checker gives the server\'s words', async () => {
    writeFileSync(conf, `${baseConf}include_if_exists 'postgresql.conf'\n`);
    const before = handle.cluster.readLog().length;
    await handle.cluster.reload();
    const expected = `configuration file recursion in "${conf}"`;
    await waitFor('the reload to be logged', () => /contains errors/.test(handle.cluster.readLog().slice(before)));
    assert.ok(handle.cluster.readLog().slice(before).includes(expected), handle.cluster.readLog().slice(before));
    const found = (await confFindings(conf, major)).filter((f) => f.code === 'pgconf/include-cycle');
    assert.deepEqual(found.map((f) => [f.severity, f.message]), [['error', expected]]);
  });
});

describe('include_dir with symbolic links vs the server (PostgreSQL 16)', function () {
  this.timeout(300_000);
  const handle = useCluster(16);

  it('postgresql.conf: a symlink to a directory is skipped, a symlink to a file is read', async () => {
    const c = handle.cluster;
    const d = c.dataDir;
    write(c, path.join(d, 'target', 't.conf'), 'work_mem = 3MB\n');
    write(c, path.join(d, 'cd', 'a.conf'), 'work_mem = 2MB\n');
    write(c, path.join(d, 'outside.txt'), 'work_mem = 5MB\n');
    symlinkSync(path.join(d, 'target'), path.join(d, 'cd', 'linkdir.conf'));
    symlinkSync(path.join(d, 'outside.txt'), path.join(d, 'cd', 'linkfile.conf'));
    const conf = path.join(d, 'postgresql.conf');
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\ninclude_dir 'cd'\n`);
    const rows = await c.query<{ sourcefile: string; name: string | null; setting: string | null; error: string | null }>(
      'SELECT sourcefile, name, setting, error FROM pg_file_settings ORDER BY seqno');
    assert.deepEqual(rows.filter((r) => r.error !== null), []);
    const tree = await loadConfTree(fsConfReader, conf);
    assert.deepEqual(tree.findings, []);
    assert.deepEqual(tree.settings.map((s) => [s.file, s.name, s.value]), rows.map((r) => [r.sourcefile, r.name, r.setting]));
    assert.ok(tree.settings.some((s) => s.file.endsWith('linkfile.conf')));
  });

  it('pg_hba.conf include_dir: a symlink to a directory is skipped, and the file loads', async () => {
    const c = handle.cluster;
    const d = c.dataDir;
    const hbaFile = path.join(d, 'pg_hba.conf');
    write(c, path.join(d, 'hbatarget', 'x.conf'), 'host all all 10.0.0.0/8 reject\n');
    write(c, path.join(d, 'hba.d', 'a.conf'), 'host replication backup 127.0.0.1/32 scram-sha-256\n');
    symlinkSync(path.join(d, 'hbatarget'), path.join(d, 'hba.d', 'link.conf'));
    writeFileSync(hbaFile, `${readFileSync(hbaFile, 'utf8')}include_dir hba.d\n`);
    const rows = await c.query<{ error: string | null }>('SELECT error FROM pg_hba_file_rules');
    assert.deepEqual(rows.filter((r) => r.error !== null), []);
    const set = await loadHba(fsConfReader, hbaFile, { major: 16 });
    assert.equal(set.lines.length, rows.length);
    assert.deepEqual(checkHba(set, { major: 16 }).filter((f) => f.severity === 'error'), []);
  });
});

describe('pg_hba.conf lines and file locations vs the server (Debian PostgreSQL 15)', function () {
  this.timeout(300_000);
  const handle = useCluster(15, { source: 'debian' });

  /** `postgres -C name`: the value after the files are read as at a start (the server may stay up). */
  const serverValue = async (name: string, configDir: string, cwd: string): Promise<string> => {
    const c = handle.cluster;
    const r = await run(programPath(c.installation, 'postgres'), ['-D', configDir, '-C', name], {
      cwd, env: { ...c.installation.env, LC_ALL: 'C', LANG: 'C' }, ...c.runAs,
    });
    assert.equal(r.exitCode, 0, r.stderr);
    return r.stdout.trim();
  };

  it('authentication methods this build lacks fail with the server\'s message, and IPv6 zones read as glibc reads them', async () => {
    const c = handle.cluster;
    const hbaFile = path.join(c.dataDir, 'pg_hba.conf');
    const base = readFileSync(hbaFile, 'utf8');
    const lines = [
      'host all all 10.0.0.0/8 sspi', 'host all all 10.0.0.0/8 bsd', 'local all all sspi',
      'host all all fe80::1%nosuchif/64 trust', 'host all all ::1%lo/128 trust', 'host all all fe80::1%nosuchif trust',
      'host all all fe80::1%lo/64 trust', 'host all all ::1%1/128 trust', 'host all all fe80::1%4294967296/64 trust',
      'host all all ff02::1%lo/128 trust', 'host all all fe80::1%/64 trust',
    ];
    writeFileSync(hbaFile, `${base}${lines.join('\n')}\n`);
    try {
      const rows = await c.query<{ line_number: number; address: string | null; netmask: string | null; error: string | null }>(
        'SELECT line_number, address, netmask, error FROM pg_hba_file_rules ORDER BY line_number');
      const set = await loadHba(fsConfReader, hbaFile, { major: 15 });
      const firstNew = base.split('\n').length;
      let compared = 0;
      for (const l of set.lines.filter((x) => x.line + 1 >= firstNew)) {
        const row = rows.find((r) => r.line_number === l.line + 1);
        assert.ok(row, `line ${l.line + 1}`);
        const ours = parseHbaRecord(l, 15);
        const what = `${l.raw}: server ${JSON.stringify(row)}`;
        if (row.error !== null) {
          assert.ok(!isHbaRecord(ours), what);
          assert.ok(ours.message.startsWith(row.error), `${what}; ours: ${ours.message}`);
        } else {
          assert.ok(isHbaRecord(ours), `${what}; ours: ${isHbaRecord(ours) ? '' : ours.message}`);
          const a = ours.address;
          // A host-name line has no netmask; the server shows an IP address without its zone.
          assert.equal(a?.kind === 'hostname' ? a.name : a?.kind === 'ip' ? formatIp(a.ip) : undefined, row.address, what);
          assert.equal(a?.kind === 'hostname', row.netmask === null, what);
        }
        compared++;
      }
      assert.equal(compared, lines.length);
      assert.ok(rows.some((r) => r.error === 'invalid authentication method "sspi": not supported by this build'));
    } finally {
      writeFileSync(hbaFile, base);
    }
  });

  it('postgresql.conf apart from the data directory: postgresql.auto.conf from data_directory, pg_hba.conf from -D', async () => {
    const c = handle.cluster;
    await c.query('ALTER SYSTEM SET max_wal_senders = 0');
    const etc = path.join(c.dir, 'etc');
    const conf = path.join(etc, 'postgresql.conf');
    write(c, conf, `${readFileSync(path.join(c.dataDir, 'postgresql.conf'), 'utf8')}\ndata_directory = '${c.dataDir}'\n`);
    write(c, path.join(etc, 'pg_hba.conf'), 'local all all trust\nhost replication backup 127.0.0.1/32 scram-sha-256\n');
    try {
      assert.equal(await serverValue('max_wal_senders', etc, c.dir), '0');
      assert.equal(await serverValue('hba_file', etc, c.dir), path.join(etc, 'pg_hba.conf'));
      const r = await checkReadiness(fsConfReader, { major: 15, walMode: 'stream', configFile: conf, backupRole: 'backup', clientAddress: '127.0.0.1' });
      const senders = r.findings.filter((f) => f.code === 'pgconf/max-wal-senders');
      assert.deepEqual(senders.map((f) => f.file), [path.join(c.dataDir, 'postgresql.auto.conf')]);
      assert.equal(r.hba.mainFile, path.join(etc, 'pg_hba.conf'));
      // Started the Debian way (-D <data> -c config_file=...), the server reads the data directory's instead: the checker says so.
      const located = r.findings.filter((f) => f.code === 'pgconf/file-location');
      assert.equal(located.length, 1);
      assert.ok(located[0]?.message.includes(path.join(c.dataDir, 'pg_hba.conf')), located[0]?.message);
    } finally {
      await c.query('ALTER SYSTEM RESET max_wal_senders');
    }
  });

  it('a relative hba_file is resolved against the directory the server is started from: the checker warns', async () => {
    const c = handle.cluster;
    const etc = path.join(c.dir, 'etc2');
    const conf = path.join(etc, 'postgresql.conf');
    write(c, conf, `${readFileSync(path.join(c.dataDir, 'postgresql.conf'), 'utf8')}\ndata_directory = '${c.dataDir}'\nhba_file = 'pg_hba.conf'\n`);
    const elsewhere = path.join(c.dir, 'elsewhere');
    makeDir(c, elsewhere);
    assert.equal(await serverValue('hba_file', etc, elsewhere), path.join(elsewhere, 'pg_hba.conf'));
    assert.equal(await serverValue('hba_file', etc, c.dataDir), path.join(c.dataDir, 'pg_hba.conf'));
    const r = await checkReadiness(fsConfReader, { major: 15, walMode: 'stream', configFile: conf });
    const [w] = r.findings.filter((f) => f.code === 'pgconf/file-location');
    assert.equal(w?.severity, 'warning');
    assert.match(w?.message ?? '', /^hba_file is a relative path: the server resolves it against the directory it is started from/);
  });
});

for (const major of [15, 16, 17]) describe(`archive_library with archive_command vs the server (PostgreSQL ${major})`, function () {
  this.timeout(300_000);
  const handle = useCluster(major, major === 15 ? { source: 'debian' } : {});

  it(major === 15 ? 'archives through the library and ignores archive_command; the checker says so' : 'refuses to archive with both; the checker gives the server\'s words', async () => {
    const c = handle.cluster;
    const arch = path.join(c.dir, 'arch');
    makeDir(c, arch);
    const conf = path.join(c.dataDir, 'postgresql.conf');
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\narchive_mode = on\narchive_library = 'basic_archive'\nbasic_archive.archive_directory = '${arch}'\narchive_command = '/bin/false'\n`);
    const { started, log } = await restart(c);
    assert.ok(started, log);
    const [f] = (await confFindings(conf, major)).filter((x) => x.code === 'pgconf/archive-library-conflict');
    assert.ok(f);
    if (major === 15) {
      await c.query('CREATE TABLE t AS SELECT 1 AS x');
      await c.query('SELECT pg_switch_wal()');
      await waitFor('a segment archived by basic_archive', () => readdirSync(arch).length > 0);
      assert.doesNotMatch(c.readLog(), /both archive_command and archive_library/);
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /archives WAL through archive_library and ignores archive_command/);
    } else {
      const words = major >= 17 ? 'both "archive_command" and "archive_library" set' : 'both archive_command and archive_library set';
      await waitFor(`the archiver to log '${words}'`, () => c.readLog().includes(words));
      assert.equal(f.severity, 'error');
      assert.ok(f.message.includes(`"${words}"`), f.message);
    }
  });
});
