// The live check's rules on rows shaped as the server returns them. Each expectation follows
// from PostgreSQL's documented meaning of the view (e.g. "all" in pg_hba.conf's database
// column does not cover replication; a failure older than the last success is over).
import * as assert from 'node:assert/strict';
import type { HbaRuleRow, LiveRows, SettingRow } from '../../../src/core/postgres/liveCheckRules';
import { liveFindings } from '../../../src/core/postgres/liveCheckRules';
import type { LiveRuleOptions } from '../../../src/core/postgres/liveCheckRules';
import type { PrivilegeReport } from '../../../src/core/postgres/privileges';

const OK_ROLE: PrivilegeReport = { roleExists: true, superuser: false, replication: true, login: true, catalogUsage: true, missing: [], absent: [] };

function setting(name: string, value: string, extra: Partial<SettingRow> = {}): SettingRow {
  return { name, setting: value, unit: null, context: 'sighup', source: 'configuration file', sourcefile: '/d/postgresql.conf', sourceline: 7, pending_restart: false, ...extra };
}

function hbaRule(line: number, database: string[], user: string[], auth = 'scram-sha-256', error: string | null = null): HbaRuleRow {
  return { line_number: line, type: 'host', database, user_name: user, address: 'all', netmask: null, auth_method: auth, error };
}

function rows(extra: Partial<LiveRows>): LiveRows {
  return { privileges: OK_ROLE, unreadable: new Map(), settings: [setting('wal_level', 'replica'), setting('hba_file', '/d/pg_hba.conf')], ...extra };
}

const codes = (r: LiveRows, walMode: 'stream' | 'archive' = 'stream'): string[] =>
  liveFindings(r, { role: 'backup_user', walMode }).map((f) => f.code);

describe('live check rules', () => {
  it('reports wal_level minimal at the file and line pg_settings names', () => {
    const f = liveFindings(rows({ settings: [setting('wal_level', 'minimal', { sourceline: 12 })] }), { role: 'b', walMode: 'stream' })
      .find((x) => x.code === 'live/wal-level');
    assert.ok(f);
    assert.equal(f.file, '/d/postgresql.conf');
    assert.equal(f.line, 12);
    assert.ok(!codes(rows({})).includes('live/wal-level'));
  });

  it('reports a parameter waiting for a restart', () => {
    const r = rows({ settings: [setting('wal_level', 'replica'), setting('shared_buffers', '16384', { pending_restart: true })] });
    assert.deepEqual(codes(r).filter((c) => c === 'live/pending-restart'), ['live/pending-restart']);
  });

  it('"all" in the database column does not let the role replicate; "replication" does', () => {
    assert.ok(codes(rows({ hbaRules: [hbaRule(1, ['all'], ['all'])] })).includes('live/hba-replication'));
    assert.ok(!codes(rows({ hbaRules: [hbaRule(1, ['replication'], ['backup_user'])] })).includes('live/hba-replication'));
    // The first matching line decides: a reject before the allowing line refuses.
    assert.ok(codes(rows({ hbaRules: [hbaRule(1, ['replication'], ['all'], 'reject'), hbaRule(2, ['replication'], ['backup_user'])] })).includes('live/hba-replication'));
    // ARCHIVE backups need no replication connection.
    assert.ok(!codes(rows({ hbaRules: [hbaRule(1, ['all'], ['all'])] }), 'archive').includes('live/hba-replication'));
  });

  it('matches the rules of pg_hba_file_rules as the server does: connection type, address, groups, host names', () => {
    const rule = (extra: Partial<HbaRuleRow>): HbaRuleRow => ({ ...hbaRule(1, ['replication'], ['backup_user']), ...extra });
    const refused = (r: HbaRuleRow, options: Partial<LiveRuleOptions> = {}): boolean =>
      liveFindings(rows({ hbaRules: [r] }), { role: 'backup_user', walMode: 'stream', ...options }).some((f) => f.code === 'live/hba-replication');
    assert.equal(refused(rule({ address: '127.0.0.1', netmask: '255.255.255.255' })), false);
    assert.equal(refused(rule({ address: '10.0.0.0', netmask: '255.0.0.0' })), true, 'another network');
    assert.equal(refused(rule({ type: 'local', address: null })), true, 'a local rule does not match TCP');
    assert.equal(refused(rule({ type: 'local', address: null }), { clientAddress: 'local' }), false);
    assert.equal(refused(rule({ user_name: ['+backupers'] })), true, 'not a member');
    assert.equal(refused(rule({ user_name: ['+backupers'] }), { memberOf: ['backupers'] }), false);
    assert.equal(refused(rule({ address: 'db1.example.com' })), true, 'no host name for the client');
    assert.equal(refused(rule({ address: '.example.com' }), { clientHostname: 'db1.example.com' }), false);
    assert.equal(refused(rule({ type: 'hostssl' })), true, 'ssl is off');
  });

  it('reports pg_hba_file_rules errors with their line, in hba_file when the server names no file', () => {
    const f = liveFindings(rows({ hbaRules: [hbaRule(4, [], [], 'md5', 'invalid IP address "999.1.1.1"')] }), { role: 'b', walMode: 'archive' })
      .find((x) => x.code === 'live/hba-error');
    assert.deepEqual({ file: f?.file, line: f?.line }, { file: '/d/pg_hba.conf', line: 4 });
  });

  it('archiving fails only while the last failure is newer than the last success', () => {
    const base = { archived_count: '5', last_archived_wal: '000000010000000000000005', failed_count: '2', last_failed_wal: '000000010000000000000006' };
    const failing = { ...base, last_archived_time: new Date('2026-01-01T10:00:00Z'), last_failed_time: new Date('2026-01-01T10:05:00Z') };
    const recovered = { ...base, last_archived_time: new Date('2026-01-01T10:10:00Z'), last_failed_time: new Date('2026-01-01T10:05:00Z') };
    assert.ok(codes(rows({ archiver: failing })).includes('live/archiver-failing'));
    assert.ok(!codes(rows({ archiver: recovered })).includes('live/archiver-failing'));
  });

  it('needs archive_mode and a pg_probackup archive_command for ARCHIVE backups only', () => {
    const s = [setting('wal_level', 'replica'), setting('archive_mode', 'off'), setting('archive_command', '')];
    assert.ok(codes(rows({ settings: s }), 'archive').includes('live/archive-mode'));
    assert.ok(!codes(rows({ settings: s }), 'stream').includes('live/archive-mode'));
    const cp = [setting('wal_level', 'replica'), setting('archive_mode', 'on'), setting('archive_command', 'cp %p /mnt/wal/%f')];
    assert.ok(codes(rows({ settings: cp }), 'archive').includes('live/archive-command'));
  });

  it('an inactive slot that holds WAL is a warning; a lost one an error', () => {
    const r = rows({ slots: [
      { slot_name: 'a', slot_type: 'physical', active: false, restart_lsn: '0/3000000', wal_status: 'reserved' },
      { slot_name: 'b', slot_type: 'physical', active: true, restart_lsn: '0/3000000', wal_status: 'reserved' },
      { slot_name: 'c', slot_type: 'physical', active: false, restart_lsn: null, wal_status: 'lost' },
    ] });
    assert.deepEqual(codes(r).filter((c) => c.startsWith('live/slot')), ['live/slot-inactive', 'live/slot-lost']);
  });

  it('a superuser needs no grants; a LOGIN-only role lacks REPLICATION for STREAM', () => {
    const bare: PrivilegeReport = { ...OK_ROLE, replication: false, missing: [{ name: 'pg_catalog.pg_backup_start', args: ['text', 'boolean'] }] };
    assert.deepEqual(codes(rows({ privileges: bare })).filter((c) => c.startsWith('live/role') || c === 'live/grants'), ['live/role-replication', 'live/grants']);
    assert.deepEqual(codes(rows({ privileges: bare }), 'archive').filter((c) => c.startsWith('live/role') || c === 'live/grants'), ['live/grants']);
    assert.deepEqual(codes(rows({ privileges: { ...bare, superuser: true } })).filter((c) => c.startsWith('live/role') || c === 'live/grants'), []);
  });

  it('turns a view it may not read into an info finding', () => {
    const r = rows({ unreadable: new Map([['pg_file_settings', 'permission denied for view pg_file_settings']]) });
    const f = liveFindings(r, { role: 'b', walMode: 'stream' }).find((x) => x.code === 'live/unreadable');
    assert.equal(f?.severity, 'info');
  });
});
