import * as assert from 'node:assert/strict';
import { overlayConfReader } from '../../../src/core/pgconf/confReaders';
import type { ConfRuleOptions } from '../../../src/core/pgconf/confRules';
import { checkConf } from '../../../src/core/pgconf/confRules';
import { loadConfTree } from '../../../src/core/pgconf/confTree';
import { applyEdits } from '../../../src/core/pgconf/edits';
import type { Finding } from '../../../src/core/pgconf/findings';

const MAIN = '/srv/pg/data/postgresql.conf';
const STREAM: ConfRuleOptions = { major: 15, walMode: 'stream' };
const ARCHIVE: ConfRuleOptions = { major: 15, walMode: 'archive', catalog: '/srv/backups', instance: 'main', probackupPath: '/usr/bin/pg_probackup' };
const GOOD_ARCHIVE = "archive_mode = on\narchive_command = 'pg_probackup archive-push -B /srv/backups --instance=main --wal-file-path=%p --wal-file-name=%f'\narchive_timeout = 60\n";

async function check(text: string, options: ConfRuleOptions, extra: Record<string, string> = {}): Promise<Finding[]> {
  const tree = await loadConfTree(overlayConfReader(new Map(Object.entries({ [MAIN]: text, ...extra }))), MAIN);
  return checkConf(tree, options);
}
function only(findings: readonly Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}
/** Applies a finding's fix to the main file's text. */
function fixed(text: string, f: Finding | undefined): string {
  assert.ok(f?.fix, 'the finding has a fix');
  return applyEdits(text, f.fix.edits.filter((e) => e.file === MAIN));
}

describe('postgresql.conf rules', () => {
  it('wal_level minimal is an error, fixed to replica; replica, logical and the default pass', async () => {
    const text = 'wal_level = minimal   # too low\nmax_wal_senders = 0\n';
    const [f] = only(await check(text, STREAM), 'pgconf/wal-level');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.range.start, { line: 0, character: 0 });
    assert.equal(fixed(text, f), 'wal_level = replica   # too low\nmax_wal_senders = 0\n');
    for (const ok of ['wal_level = replica\n', "wal_level = 'logical'\n", 'WAL_LEVEL = hot_standby\n', '']) {
      assert.deepEqual(only(await check(ok, STREAM), 'pgconf/wal-level'), [], ok);
    }
  });

  it('a later include overriding wal_level decides, and the fix edits the line in force', async () => {
    const extra = { '/srv/pg/data/postgresql.auto.conf': 'wal_level = minimal\n' };
    const [f] = only(await check('wal_level = replica\n', STREAM, extra), 'pgconf/wal-level');
    assert.equal(f?.file, '/srv/pg/data/postgresql.auto.conf');
    assert.equal(f?.fix?.edits[0]?.file, '/srv/pg/data/postgresql.auto.conf');
  });

  it('max_wal_senders must leave one sender free for STREAM', async () => {
    const [zero] = only(await check('max_wal_senders = 0\n', STREAM), 'pgconf/max-wal-senders');
    assert.equal(zero?.severity, 'error');
    assert.equal(fixed('max_wal_senders = 0\n', zero), 'max_wal_senders = 1\n');
    const [busy] = only(await check('max_wal_senders = 2\n', { ...STREAM, otherWalSenders: 2 }), 'pgconf/max-wal-senders');
    assert.match(busy?.message ?? '', /at least 3/);
    assert.deepEqual(only(await check('max_wal_senders = 3\n', { ...STREAM, otherWalSenders: 2 }), 'pgconf/max-wal-senders'), []);
    assert.deepEqual(only(await check('', STREAM), 'pgconf/max-wal-senders'), [], 'the default (10) is enough');
    assert.deepEqual(only(await check('max_wal_senders = 0\n', { major: 15, walMode: 'archive' }), 'pgconf/max-wal-senders'), [], 'ARCHIVE mode needs none');
  });

  it('archive_mode off is an error when ARCHIVE mode is wanted, with a fix that appends the setting', async () => {
    const text = 'wal_level = replica';
    const [f] = only(await check(text, ARCHIVE), 'pgconf/archive-mode');
    assert.equal(f?.severity, 'error');
    assert.equal(fixed(text, f), 'wal_level = replica\narchive_mode = on\n');
    assert.deepEqual(only(await check(GOOD_ARCHIVE, ARCHIVE), 'pgconf/archive-mode'), []);
    assert.deepEqual(only(await check("archive_mode = 'always'\n", ARCHIVE), 'pgconf/archive-mode'), []);
    assert.deepEqual(only(await check('', STREAM), 'pgconf/archive-mode'), [], 'not wanted in STREAM mode');
  });

  it('archive_command must be pg_probackup archive-push with -B, --instance, %p and %f, and the fix rewrites it', async () => {
    assert.deepEqual(only(await check(GOOD_ARCHIVE, ARCHIVE), 'pgconf/archive-command'), []);
    const text = "archive_mode = on\narchive_command = 'cp %p /mnt/archive/%f'\n";
    const [f] = only(await check(text, ARCHIVE), 'pgconf/archive-command');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /not a "pg_probackup archive-push" command/);
    assert.equal(fixed(text, f), "archive_mode = on\narchive_command = '/usr/bin/pg_probackup archive-push -B /srv/backups --instance=main --wal-file-path=%p --wal-file-name=%f'\n");
    const noPath = "archive_mode = on\narchive_command = 'pg_probackup archive-push -B /srv/backups --instance main --wal-file-name=%f'\n";
    assert.match(only(await check(noPath, ARCHIVE), 'pgconf/archive-command')[0]?.message ?? '', /--wal-file-path=%p/);
  });

  it('an archive_command that pushes to another catalog or instance is an error', async () => {
    const other = "archive_mode = on\narchive_command = '\"/opt/pg_probackup-15\" archive-push -B \"/other/cat\" --instance=main --wal-file-path=%p --wal-file-name=%f'\n";
    const [f] = only(await check(other, ARCHIVE), 'pgconf/archive-command');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /catalog "\/other\/cat", not "\/srv\/backups"/);
    const trailingSlash = other.replace('/other/cat', '/srv/backups/');
    assert.deepEqual(only(await check(trailingSlash, ARCHIVE), 'pgconf/archive-command'), []);
  });

  it('the rewritten archive_command survives quoting: paths with spaces, quotes, backslashes and %', async () => {
    const opts = { ...ARCHIVE, catalog: "/srv/my backups/it's 100%", probackupPath: '/opt/pg probackup\\bin/pg_probackup' };
    const text = "archive_mode = on\narchive_command = 'cp %p /x/%f'\n";
    const after = fixed(text, only(await check(text, opts), 'pgconf/archive-command')[0]);
    assert.deepEqual(only(await check(after, opts), 'pgconf/archive-command'), [], after);
  });

  it('archive_command with archive_library set is an error (PostgreSQL 15+)', async () => {
    const text = GOOD_ARCHIVE + "archive_library = 'basic_archive'\n";
    assert.equal(only(await check(text, ARCHIVE), 'pgconf/archive-library-conflict')[0]?.severity, 'error');
    assert.deepEqual(only(await check(GOOD_ARCHIVE, ARCHIVE), 'pgconf/archive-library-conflict'), []);
  });

  it('archive_timeout unset is reported as information when archiving', async () => {
    const text = GOOD_ARCHIVE.replace('archive_timeout = 60\n', '');
    assert.equal(only(await check(text, ARCHIVE), 'pgconf/archive-timeout')[0]?.severity, 'info');
    assert.deepEqual(only(await check(GOOD_ARCHIVE, ARCHIVE), 'pgconf/archive-timeout'), []);
    assert.deepEqual(only(await check(GOOD_ARCHIVE.replace('60', "'1min'"), ARCHIVE), 'pgconf/archive-timeout'), []);
  });

  it('full_page_writes off is a warning, fixed to on', async () => {
    const [f] = only(await check('full_page_writes = off\n', STREAM), 'pgconf/full-page-writes');
    assert.equal(f?.severity, 'warning');
    assert.equal(fixed('full_page_writes = off\n', f), 'full_page_writes = on\n');
    assert.deepEqual(only(await check('full_page_writes = on\n', STREAM), 'pgconf/full-page-writes'), []);
  });

  it('PTRACK wanted needs ptrack in shared_preload_libraries; the fix adds it to the list', async () => {
    const text = "shared_preload_libraries = 'pg_stat_statements'\nptrack.map_size = 64\n";
    const [f] = only(await check(text, { ...STREAM, ptrack: true }), 'pgconf/ptrack');
    assert.equal(f?.severity, 'error');
    assert.equal(fixed(text, f), "shared_preload_libraries = 'pg_stat_statements,ptrack'\nptrack.map_size = 64\n");
    const ok = "shared_preload_libraries = 'pg_stat_statements, \"ptrack\"'\nptrack.map_size = 64\n";
    assert.deepEqual(only(await check(ok, { ...STREAM, ptrack: true }), 'pgconf/ptrack'), []);
    assert.deepEqual(only(await check(text, STREAM), 'pgconf/ptrack'), [], 'not wanted');
  });

  it('flags unknown parameter names with a did-you-mean fix, but not extension placeholders', async () => {
    const [f] = only(await check('wal_levle = replica\nmy_ext.setting = 1\n', STREAM), 'pgconf/unknown-parameter');
    assert.match(f?.message ?? '', /unrecognized configuration parameter "wal_levle"; did you mean "wal_level"\?/);
    assert.deepEqual(f?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } });
    assert.equal(fixed('wal_levle = replica\n', f), 'wal_level = replica\n');
    const [far] = only(await check('completely_made_up = 1\n', STREAM), 'pgconf/unknown-parameter');
    assert.doesNotMatch(far?.message ?? '', /did you mean/);
    assert.deepEqual(only(await check('DateStyle = iso\n', STREAM), 'pgconf/unknown-parameter'), [], 'names ignore case');
  });

  it('flags bad units, enum values, booleans and out-of-range numbers from the parameter facts', async () => {
    const msgs = async (t: string): Promise<string[]> => only(await check(t, STREAM), 'pgconf/invalid-value').map((f) => f.message);
    assert.match((await msgs('shared_buffers = 128mb\n'))[0] ?? '', /invalid unit.*"MB"/);
    assert.match((await msgs('wal_level = replika\n'))[0] ?? '', /available values: minimal, replica, logical; did you mean "replica"/);
    assert.match((await msgs('fsync = maybe\n'))[0] ?? '', /requires a Boolean value/);
    assert.match((await msgs('max_wal_senders = 300000\n'))[0] ?? '', /outside the valid range .*\(0 \.\. 262143\)/);
    assert.match((await msgs('checkpoint_timeout = 10\n'))[0] ?? '', /outside the valid range/, '10 s is below the 30 s minimum');
    assert.deepEqual(await msgs("shared_buffers = 128MB\ncheckpoint_timeout = 5min\nwal_level = REPLICA\nfsync = of\nsynchronous_commit = yes\nrandom_page_cost = 1.5\nmax_wal_size = '1GB'\n"), []);
    const [fix] = only(await check('wal_level = replika\n', STREAM), 'pgconf/invalid-value');
    assert.equal(fixed('wal_level = replika\n', fix), 'wal_level = replica\n');
  });

  it('an overridden bad value is only a warning: the server checks the line in force', async () => {
    const [f] = only(await check('shared_buffers = 128mb\nshared_buffers = 128MB\n', STREAM), 'pgconf/invalid-value');
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /a later line overrides it/);
  });

  it('STREAM with a replication slot needs max_replication_slots free', async () => {
    const opts = { ...STREAM, replicationSlot: true };
    const [f] = only(await check('max_replication_slots = 0\n', opts), 'pgconf/max-replication-slots');
    assert.equal(fixed('max_replication_slots = 0\n', f), 'max_replication_slots = 1\n');
    assert.deepEqual(only(await check('', opts), 'pgconf/max-replication-slots'), []);
    assert.deepEqual(only(await check('max_replication_slots = 0\n', STREAM), 'pgconf/max-replication-slots'), [], 'no slot wanted');
  });

  it('a fractional max_wal_senders or max_replication_slots is rounded half to even, as the server does', async () => {
    // Server: max_wal_senders = 0.5 gives 0, and a replication connection then fails with
    // "number of requested standby connections exceeds max_wal_senders (currently 0)".
    const [f] = only(await check('max_wal_senders = 0.5\n', STREAM), 'pgconf/max-wal-senders');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /max_wal_senders is 0/);
    assert.deepEqual(only(await check('max_wal_senders = 1.5\n', STREAM), 'pgconf/max-wal-senders'), [], '1.5 is 2');
    // Server: max_replication_slots = '2.5' gives 2.
    const [slots] = only(await check("max_replication_slots = '2.5'\n", { ...STREAM, replicationSlot: true, otherSlots: 2 }), 'pgconf/max-replication-slots');
    assert.match(slots?.message ?? '', /max_replication_slots is 2/);
  });

  it('archive_mode takes exact words only: "tr" is an error (the server does not start), "true" is on', async () => {
    // Server 13-18: archive_mode = 'tr' fails with 'invalid value for parameter "archive_mode": "tr"'
    // (HINT: Available values: always, on, off); archive_mode_options has hidden true/yes/1.
    const bad = await check("archive_mode = 'tr'\n", ARCHIVE);
    assert.equal(only(bad, 'pgconf/invalid-value')[0]?.severity, 'error');
    assert.match(only(bad, 'pgconf/invalid-value')[0]?.message ?? '', /invalid value for parameter "archive_mode": "tr"/);
    assert.deepEqual(only(bad, 'pgconf/archive-mode'), [], 'reported as invalid, not as off');
    for (const on of ['true', 'YES', '1']) {
      const f = await check(`archive_mode = ${on}\n`, ARCHIVE);
      assert.deepEqual([...only(f, 'pgconf/invalid-value'), ...only(f, 'pgconf/archive-mode')], [], on);
    }
    assert.equal(only(await check('archive_mode = false\n', ARCHIVE), 'pgconf/archive-mode').length, 1);
  });

  it('internal parameters set in a file are errors: the server does not start', async () => {
    // Server 13-18 (postgres -C): block_size = 8192 logs 'parameter "block_size" cannot be
    // changed', then FATAL: configuration file ... contains errors. Likewise server_version,
    // wal_segment_size, data_checksums, and is_superuser (not shown in pg_settings).
    for (const major of [13, 15, 18]) {
      for (const line of ['block_size = 8192', "server_version = '1.0'", 'wal_segment_size = 16MB', 'data_checksums = off', 'Block_Size = 8192', 'is_superuser = on']) {
        const f = only(await check(`${line}\n`, { ...STREAM, major }), 'pgconf/internal-parameter');
        assert.equal(f.length, 1, `${major}: ${line}`);
        assert.equal(f[0]?.severity, 'error');
        assert.match(f[0]?.message ?? '', /cannot be changed/);
        assert.deepEqual(only(await check(`${line}\n`, { ...STREAM, major }), 'pgconf/unknown-parameter'), []);
      }
    }
    const [f] = only(await check('block_size = 8192\nwork_mem = 4MB\n', STREAM), 'pgconf/internal-parameter');
    assert.equal(fixed('block_size = 8192\nwork_mem = 4MB\n', f), '# block_size = 8192\nwork_mem = 4MB\n');
    // Only the line in force is checked: an overridden one is a warning.
    const twice = only(await check('block_size = 8192\nblock_size = 4096\n', STREAM), 'pgconf/internal-parameter');
    assert.deepEqual(twice.map((x) => x.severity), ['warning', 'error']);
  });

  it('passes syntax and include errors through as findings', async () => {
    const f = await check("x = = 1\ninclude 'missing.conf'\n", STREAM);
    assert.deepEqual(f.map((x) => x.code), ['pgconf/syntax', 'pgconf/include']);
  });
});
