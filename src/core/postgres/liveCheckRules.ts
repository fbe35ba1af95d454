// The live readiness check's judgement: rows read from a running server (pg_settings,
// pg_file_settings, pg_hba_file_rules, pg_stat_archiver, pg_replication_slots and the role's
// privileges) become findings for pg_probackup. Pure: the queries live in liveCheck.ts.
import { archiveCommandProblems } from '../pgconf/archiveCommand';
import type { Severity } from '../pgconf/findings';
import { parseBool } from '../pgconf/gucValues';
import type { HbaLine, HbaToken } from '../pgconf/hbaLoader';
import { firstMatch } from '../pgconf/hbaMatch';
import type { AuthMethod, ConnType, HbaAddress, HbaRecord } from '../pgconf/hbaRecord';
import { peerRefusal } from '../pgconf/identMap';
import type { IdentEntry } from '../pgconf/identMap';
import { parseIp } from '../pgconf/ipAddress';
import { functionSignature } from './privileges';
import type { PrivilegeReport } from './privileges';

export interface LiveFinding {
  readonly severity: Severity;
  /** Stable identifier, e.g. `live/wal-level`. */
  readonly code: string;
  readonly message: string;
  /** The server's file the finding is about, when the server says. */
  readonly file?: string;
  /** One-based line in `file`. */
  readonly line?: number;
  readonly parameter?: string;
}

export interface SettingRow {
  readonly name: string;
  readonly setting: string | null;
  readonly unit: string | null;
  readonly context: string;
  readonly source: string | null;
  readonly sourcefile: string | null;
  readonly sourceline: number | null;
  readonly pending_restart: boolean;
}

export interface FileSettingRow {
  readonly sourcefile: string | null;
  readonly sourceline: number | null;
  readonly name: string | null;
  readonly setting: string | null;
  readonly error: string | null;
}

export interface HbaRuleRow {
  readonly line_number: number | null;
  /** PostgreSQL 16+. */
  readonly file_name?: string | null;
  readonly type: string | null;
  readonly database: readonly string[] | null;
  readonly user_name: readonly string[] | null;
  readonly auth_method: string | null;
  /** 'all', 'samehost', 'samenet', an IP address or a host name; null for local lines. */
  readonly address?: string | null;
  /** The mask of an IP address, e.g. 255.255.255.255. */
  readonly netmask?: string | null;
  /** The line's options as name=value, e.g. map=backupmap. */
  readonly options?: readonly string[] | null;
  readonly error: string | null;
}

export interface ArchiverRow {
  readonly archived_count: string | number;
  readonly last_archived_wal: string | null;
  readonly last_archived_time: Date | null;
  readonly failed_count: string | number;
  readonly last_failed_wal: string | null;
  readonly last_failed_time: Date | null;
}

export interface SlotRow {
  readonly slot_name: string;
  readonly slot_type: string;
  readonly active: boolean;
  readonly restart_lsn: string | null;
  readonly wal_status: string | null;
}

/** What could not be read (no privilege), by view name, with the server's message. */
export type Unreadable = ReadonlyMap<string, string>;

export interface LiveRuleOptions {
  readonly role: string;
  readonly walMode: 'stream' | 'archive';
  /** Where pg_probackup connects from: an IP address (default 127.0.0.1) or 'local'. */
  readonly clientAddress?: string;
  /** The client address's confirmed host name, for lines that name hosts. */
  readonly clientHostname?: string;
  /** Roles the backup role is a member of, for `+group` lines. */
  readonly memberOf?: readonly string[];
  /** The server's major, for regular expressions in user names (16+). */
  readonly major?: number;
  /** The OS user pg_probackup runs as, and pg_ident.conf's lines, for peer rules. */
  readonly clientOsUser?: string;
  readonly identEntries?: readonly IdentEntry[];
  readonly catalog?: string;
  readonly instance?: string;
}

export interface LiveRows {
  readonly settings?: readonly SettingRow[];
  readonly fileSettings?: readonly FileSettingRow[];
  readonly hbaRules?: readonly HbaRuleRow[];
  /**
   * The hba file's own records, when it could be read here (a local server): they keep the
   * quotes that pg_hba_file_rules drops ("replication" in quotes is a database name).
   */
  readonly hbaFileRecords?: readonly HbaRecord[];
  readonly archiver?: ArchiverRow;
  readonly slots?: readonly SlotRow[];
  readonly privileges: PrivilegeReport;
  readonly unreadable: Unreadable;
}

/** The settings the rules read from pg_settings (pending_restart rows come on top). */
export const LIVE_SETTING_NAMES: readonly string[] = [
  'wal_level', 'max_wal_senders', 'max_replication_slots', 'archive_mode', 'archive_command', 'archive_library',
  'archive_timeout', 'full_page_writes', 'data_checksums', 'config_file', 'hba_file', 'ident_file', 'data_directory', 'ssl',
  'password_encryption', 'server_version_num',
];

function at(row: { sourcefile: string | null; sourceline: number | null } | undefined): { file?: string; line?: number } {
  if (row === undefined) return {};
  return {
    ...(row.sourcefile ? { file: row.sourcefile } : {}),
    ...(row.sourceline !== null && row.sourceline !== undefined ? { line: Number(row.sourceline) } : {}),
  };
}

export function liveFindings(rows: LiveRows, options: LiveRuleOptions): LiveFinding[] {
  const out: LiveFinding[] = [];
  for (const [view, message] of rows.unreadable) {
    out.push({ severity: 'info', code: 'live/unreadable', message: `could not read ${view}: ${message} (connect as a superuser, or a member of pg_read_all_settings / pg_monitor, to check it)` });
  }
  settingFindings(rows.settings ?? [], options, out);
  // A changed setting that needs a restart shows in pg_file_settings as "setting could not be
  // applied"; the pending-restart warning already says that, and what to do.
  const pending = new Set((rows.settings ?? []).filter((x) => x.pending_restart).map((x) => x.name.toLowerCase()));
  for (const f of rows.fileSettings ?? []) {
    if (f.error === null) continue;
    if (f.name !== null && pending.has(f.name.toLowerCase()) && f.error === 'setting could not be applied') continue;
    out.push({ severity: 'error', code: 'live/file-settings', message: `the server cannot apply ${f.name === null ? 'a line' : `"${f.name}"`} of its configuration: ${f.error}`, ...at(f), ...(f.name ? { parameter: f.name } : {}) });
  }
  hbaFindings(rows.hbaRules, rows.settings ?? [], options, out, rows.hbaFileRecords);
  archiverFindings(rows.archiver, out);
  for (const s of rows.slots ?? []) {
    if (s.wal_status === 'lost') {
      out.push({ severity: 'error', code: 'live/slot-lost', message: `replication slot "${s.slot_name}" has lost WAL it needed (wal_status lost); drop it or recreate it` });
    } else if (!s.active && s.restart_lsn !== null) {
      out.push({ severity: 'warning', code: 'live/slot-inactive', message: `replication slot "${s.slot_name}" (${s.slot_type}) is inactive and keeps WAL from ${s.restart_lsn} on: pg_wal grows until it is used or dropped` });
    }
  }
  privilegeFindings(rows.privileges, options, out);
  return out;
}

function settingFindings(settings: readonly SettingRow[], options: LiveRuleOptions, out: LiveFinding[]): void {
  const byName = new Map(settings.map((s) => [s.name, s]));
  const v = (name: string): string | undefined => byName.get(name)?.setting ?? undefined;
  const here = (name: string): { file?: string; line?: number; parameter: string } => ({ ...at(byName.get(name)), parameter: name });
  const walLevel = v('wal_level');
  if (walLevel === 'minimal') {
    out.push({ severity: 'error', code: 'live/wal-level', message: 'wal_level is minimal: pg_probackup needs replica or logical (change it and restart the server)', ...here('wal_level') });
  }
  const senders = v('max_wal_senders');
  if (options.walMode === 'stream' && senders !== undefined && Number(senders) < 1) {
    out.push({ severity: 'error', code: 'live/max-wal-senders', message: `max_wal_senders is ${senders}: a STREAM backup needs a free WAL sender`, ...here('max_wal_senders') });
  }
  const archiveMode = v('archive_mode');
  const archiving = archiveMode !== undefined && (archiveMode === 'always' || parseBool(archiveMode) === true);
  if (options.walMode === 'archive' && archiveMode !== undefined && !archiving) {
    out.push({ severity: 'error', code: 'live/archive-mode', message: 'archive_mode is off: ARCHIVE backups and point-in-time recovery need WAL archiving (archive_mode = on, then restart)', ...here('archive_mode') });
  }
  const command = v('archive_command') ?? '';
  const library = v('archive_library') ?? '';
  if (command !== '' && library !== '') {
    out.push({ severity: 'error', code: 'live/archive-library-conflict', message: 'archive_command and archive_library are both set: the archiver refuses to work', ...here('archive_library') });
  }
  if (archiving || options.walMode === 'archive') {
    if (command === '' && library === '') {
      out.push({ severity: 'error', code: 'live/archive-command', message: 'archive_command is empty: no WAL is archived', ...here('archive_command') });
    } else if (command !== '') {
      const problems = archiveCommandProblems(command, {
        ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
        ...(options.instance === undefined ? {} : { instance: options.instance }),
      });
      if (problems.length > 0) {
        out.push({ severity: 'warning', code: 'live/archive-command', message: `archive_command is not the pg_probackup form: ${problems.join('; ')}`, ...here('archive_command') });
      }
    }
  }
  if (v('full_page_writes') !== undefined && parseBool(v('full_page_writes') ?? '') === false) {
    out.push({ severity: 'warning', code: 'live/full-page-writes', message: 'full_page_writes is off: backups from a standby of this server lack full-page images', ...here('full_page_writes') });
  }
  if (v('data_checksums') !== undefined && parseBool(v('data_checksums') ?? '') === false) {
    out.push({ severity: 'info', code: 'live/data-checksums', message: 'data checksums are off: pg_probackup cannot tell a corrupt data page from a good one while it copies or validates (enable them with pg_checksums while the server is stopped)', parameter: 'data_checksums' });
  }
  for (const s of settings) {
    if (!s.pending_restart) continue;
    out.push({ severity: 'warning', code: 'live/pending-restart', message: `${s.name} was changed in the configuration files, but the server still runs with ${s.setting ?? '(unknown)'}: restart it to apply the change`, ...here(s.name) });
  }
}

function hbaFindings(rules: readonly HbaRuleRow[] | undefined, settings: readonly SettingRow[], options: LiveRuleOptions, out: LiveFinding[],
  fileRecords: readonly HbaRecord[] | undefined): void {
  if (rules === undefined) return;
  const hbaFile = settings.find((s) => s.name === 'hba_file')?.setting ?? undefined;
  for (const r of rules) {
    if (r.error === null) continue;
    const file = r.file_name ?? hbaFile;
    out.push({ severity: 'error', code: 'live/hba-error', message: `pg_hba.conf line the server rejects: ${r.error}`, ...(file ? { file } : {}), ...(r.line_number !== null ? { line: Number(r.line_number) } : {}) });
  }
  if (options.walMode !== 'stream') return;
  // As the server picks: the first rule the backup client's replication connection meets, for
  // each way libpq tries (with ssl on, over SSL first, then without). The view drops quotes, so
  // a quoted "all" or "replication" reads as the keyword here.
  const records: { row: HbaRuleRow; record: HbaRecord }[] = [];
  if (fileRecords !== undefined && !rules.some((r) => r.error !== null)) {
    for (const record of fileRecords) {
      records.push({ row: { line_number: record.line.line + 1, file_name: record.line.file, type: record.conntype, database: null, user_name: null, auth_method: record.method, error: null }, record });
    }
  } else {
    for (const r of rules) {
      const record = r.error === null ? recordOfRow(r) : undefined;
      if (record) records.push({ row: r, record });
    }
  }
  const address = options.clientAddress ?? '127.0.0.1';
  const ssl = parseBool(settings.find((s) => s.name === 'ssl')?.setting ?? 'off') === true;
  const attempts = address !== 'local' && ssl ? [true, false] : [false];
  const firsts = attempts.map((attempt) => firstMatch(records.map((x) => x.record), {
    address, role: options.role, database: 'replication', replication: true, ssl: attempt, major: options.major ?? 17,
    ...(options.memberOf === undefined ? {} : { memberOf: options.memberOf }),
    ...(options.clientHostname === undefined ? {} : { hostname: options.clientHostname }),
  }));
  const allowing = firsts.find((f) => f !== undefined && f.method !== 'reject');
  if (allowing !== undefined) {
    const refusal = peerRefusal(allowing, {
      address, role: options.role, osUser: options.clientOsUser, identEntries: options.identEntries,
      ...(options.memberOf === undefined ? {} : { memberOf: options.memberOf }), major: options.major ?? 17,
    });
    if (refusal === undefined) return;
    const row = records.find((x) => x.record === allowing)?.row;
    const file = row?.file_name ?? hbaFile;
    out.push({ severity: 'error', code: 'live/hba-replication', message: `pg_hba.conf refuses replication connections of role "${options.role}" over the local socket: its first matching line authenticates by peer; ${refusal}`, ...(file ? { file } : {}), ...(row?.line_number != null ? { line: Number(row.line_number) } : {}) });
    return;
  }
  const rejecting = records.find((x) => firsts.includes(x.record))?.row;
  const from = address === 'local' ? 'over the local socket' : `from ${address}`;
  if (rejecting !== undefined) {
    const file = rejecting.file_name ?? hbaFile;
    out.push({ severity: 'error', code: 'live/hba-replication', message: `pg_hba.conf rejects replication connections of role "${options.role}" ${from} before any line allows them`, ...(file ? { file } : {}), ...(rejecting.line_number !== null ? { line: Number(rejecting.line_number) } : {}) });
    return;
  }
  out.push({
    severity: 'error', code: 'live/hba-replication',
    message: `no pg_hba.conf line lets role "${options.role}" make a replication connection ${from} (the database keyword "all" does not cover replication): STREAM backups will be refused`,
    ...(hbaFile ? { file: hbaFile } : {}),
  });
}

const CONN_TYPES: ReadonlySet<string> = new Set(['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc']);
const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A pg_hba_file_rules row as the record the static checker matches connections against. */
function recordOfRow(r: HbaRuleRow): HbaRecord | undefined {
  if (r.type === null || !CONN_TYPES.has(r.type)) return undefined;
  const line: HbaLine = { file: r.file_name ?? '', line: Math.max(0, Number(r.line_number ?? 1) - 1), range: NOWHERE, raw: '', fields: [] };
  const token = (text: string): HbaToken => ({ text, quoted: false, file: line.file, range: NOWHERE });
  let address: HbaAddress | undefined;
  const a = r.address ?? null;
  if (r.type !== 'local') {
    if (a === null) return undefined;
    if (a === 'all' || a === 'samehost' || a === 'samenet') address = { kind: a, range: NOWHERE };
    else {
      const ip = parseIp(a);
      const mask = r.netmask ? parseIp(r.netmask) : undefined;
      if (ip !== undefined && mask !== undefined && mask.family === ip.family) address = { kind: 'ip', ip, mask: mask.bytes, cidr: false, range: NOWHERE };
      else if (ip === undefined) address = { kind: 'hostname', name: a, range: NOWHERE };
      else return undefined;
    }
  }
  const method = (r.auth_method ?? 'reject') as AuthMethod;
  return {
    line, conntype: r.type as ConnType, databases: (r.database ?? []).map(token), roles: (r.user_name ?? []).map(token),
    ...(address === undefined ? {} : { address }), method, methodToken: token(method),
    options: (r.options ?? []).flatMap((o) => {
      const eq = o.indexOf('=');
      return eq > 0 ? [{ name: o.slice(0, eq), value: o.slice(eq + 1), token: token(o) }] : [];
    }),
  };
}

function archiverFindings(a: ArchiverRow | undefined, out: LiveFinding[]): void {
  if (a === undefined || Number(a.failed_count) === 0 || a.last_failed_time === null) return;
  const failing = a.last_archived_time === null || a.last_failed_time.getTime() > a.last_archived_time.getTime();
  if (!failing) return;
  out.push({
    severity: 'error', code: 'live/archiver-failing',
    message: `WAL archiving is failing: ${a.failed_count} failures, the last for ${a.last_failed_wal ?? '?'} at ${a.last_failed_time.toISOString()}` +
      (a.last_archived_time === null ? ', and no segment was ever archived' : `; the last success was ${a.last_archived_wal ?? '?'} at ${a.last_archived_time.toISOString()}`) +
      ' (the server log shows archive_command\'s output)',
    parameter: 'archive_command',
  });
}

function privilegeFindings(p: PrivilegeReport, options: LiveRuleOptions, out: LiveFinding[]): void {
  const role = options.role;
  if (!p.roleExists) {
    out.push({ severity: 'error', code: 'live/role-missing', message: `role "${role}" does not exist` });
    return;
  }
  if (!p.login) out.push({ severity: 'error', code: 'live/role-login', message: `role "${role}" cannot log in (no LOGIN attribute)` });
  if (p.superuser) return;
  if (options.walMode === 'stream' && !p.replication) {
    out.push({ severity: 'error', code: 'live/role-replication', message: `role "${role}" lacks the REPLICATION attribute that STREAM backups need` });
  }
  if (!p.catalogUsage) out.push({ severity: 'error', code: 'live/grants', message: `role "${role}" may not use schema pg_catalog` });
  if (p.missing.length > 0) {
    out.push({
      severity: 'error', code: 'live/grants',
      message: `role "${role}" may not execute ${p.missing.length} function${p.missing.length === 1 ? '' : 's'} pg_probackup calls: ${p.missing.map(functionSignature).join(', ')}`,
    });
  }
  for (const f of p.absent) {
    out.push({ severity: 'info', code: 'live/function-absent', message: `function ${functionSignature(f)} does not exist on this server (is the major version right?)` });
  }
}
