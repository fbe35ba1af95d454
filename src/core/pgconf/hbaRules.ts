// Backup-readiness rules for pg_hba.conf: errors the server reports for a line, whether the
// backup role can open a replication connection (and an ordinary one) from where
// pg_probackup runs, trust for remote addresses, md5 next to SCRAM passwords, lines that
// an earlier line always catches first, odd addresses and masks, hostssl without ssl.
import { appendLine, insertLineAbove } from './edits';
import type { Finding, Fix, Severity } from './findings';
import { finding } from './findings';
import type { HbaConnection } from './hbaMatch';
import { firstMatch, recordCovers } from './hbaMatch';
import type { HbaFileSet, HbaLine } from './hbaLoader';
import type { AuthMethod, HbaParseError, HbaRecord } from './hbaRecord';
import { isHbaRecord, parseHbaRecord } from './hbaRecord';
import { hasHostBits, isLoopback, maskLength, parseIp } from './ipAddress';

export interface HbaRuleOptions {
  readonly major: number;
  /** The role pg_probackup connects as. */
  readonly backupRole?: string;
  /** Where pg_probackup connects from: 'local' (Unix socket) or an IP address. */
  readonly clientAddress?: string;
  /** The database pg_probackup connects to for pg_backup_start (checked when given). */
  readonly backupDatabase?: string;
  readonly memberOf?: readonly string[];
  /** Whether the client uses SSL. */
  readonly clientSsl?: boolean;
  /** The server's ssl setting (from postgresql.conf). */
  readonly ssl?: boolean;
  /** The server's password_encryption setting. */
  readonly passwordEncryption?: string;
  /** Method for lines the fixes add (default scram-sha-256). */
  readonly fixMethod?: AuthMethod;
}

export interface ParsedHba {
  readonly records: readonly HbaRecord[];
  readonly errors: readonly HbaParseError[];
}

export function parseHbaSet(set: HbaFileSet, major: number): ParsedHba {
  const records: HbaRecord[] = [];
  const errors: HbaParseError[] = [];
  for (const l of set.lines) {
    const r = parseHbaRecord(l, major);
    if (isHbaRecord(r)) records.push(r);
    else errors.push(r);
  }
  return { records, errors };
}

const HBA_KEYWORDS = new Set(['all', 'sameuser', 'samerole', 'samegroup', 'replication', 'samehost', 'samenet']);

/** Writes a name as a pg_hba.conf token, quoting it when it would otherwise mean something else. */
export function hbaQuote(name: string): string {
  if (/^[A-Za-z0-9_.$-]+$/.test(name) && !HBA_KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

function errorCode(message: string): string {
  if (message.startsWith('peer authentication')) return 'hba/peer-host';
  if (/IP address|IP mask|CIDR mask|netmask|host name and CIDR/.test(message)) return 'hba/address';
  if (message.startsWith('could not open') || message.includes('nesting depth') || message.includes('includes itself')) return 'hba/include';
  return 'hba/syntax';
}

function describeLine(l: HbaLine): string {
  return `line ${l.line + 1}${l.file ? ` of ${l.file.slice(l.file.lastIndexOf('/') + 1)}` : ''}`;
}

export function checkHba(set: HbaFileSet, options: HbaRuleOptions): Finding[] {
  const { records, errors } = parseHbaSet(set, options.major);
  const out: Finding[] = [];
  const push = (line: HbaLine, r = line.range, severity: Severity, code: string, message: string, fix?: Fix): void => {
    out.push(finding(line.file, r, severity, code, message, fix));
  };

  for (const e of errors) push(e.line, e.range, 'error', errorCode(e.message), e.message);

  for (const rec of records) {
    const a = rec.address;
    if (rec.conntype === 'hostssl' && options.ssl === false) {
      push(rec.line, rec.line.fields[0]?.[0]?.range, 'warning', 'hba/hostssl-without-ssl',
        'hostssl line cannot match because ssl is off in postgresql.conf');
    }
    if (rec.method === 'trust' && rec.conntype !== 'local' && !loopbackOnly(rec)) {
      push(rec.line, rec.methodToken.range, 'warning', 'hba/trust-remote',
        'trust lets anyone who reaches this address range connect as any listed role without a password; use scram-sha-256');
    }
    if (rec.method === 'md5' && (options.passwordEncryption ?? (options.major >= 14 ? 'scram-sha-256' : 'md5')) === 'scram-sha-256') {
      push(rec.line, rec.methodToken.range, 'info', 'hba/md5-with-scram',
        'password_encryption is scram-sha-256, so new passwords are SCRAM verifiers; this md5 line still accepts them (the server runs SCRAM for them), but scram-sha-256 here would also refuse roles whose password is still an MD5 hash');
    }
    if (a?.kind === 'ip') {
      const len = maskLength(a.mask);
      if (len === undefined) {
        push(rec.line, a.maskRange ?? a.range, 'warning', 'hba/address', 'the netmask is not contiguous: it matches a scattered set of addresses, which is almost never meant');
      } else if (hasHostBits(a.ip, a.mask)) {
        push(rec.line, a.range, 'info', 'hba/address', `the address has bits set beyond the /${len} mask; the server ignores them and matches the whole network`);
      }
    } else if (a?.kind === 'hostname' && /^[\d.]+$/.test(a.name)) {
      push(rec.line, a.range, 'warning', 'hba/address', `"${a.name}" is not a valid IP address, so the server takes it as a host name to look up`);
    }
  }

  // Lines that can never match.
  for (let j = 0; j < records.length; j++) {
    const later = records[j];
    if (later === undefined) continue;
    for (let i = 0; i < j; i++) {
      const earlier = records[i];
      if (earlier !== undefined && recordCovers(earlier, later, options.major)) {
        push(later.line, later.line.range, 'warning', 'hba/shadowed',
          `this line never matches: ${describeLine(earlier.line)} catches every connection it would match first`);
        break;
      }
    }
  }

  if (options.backupRole !== undefined && options.clientAddress !== undefined) {
    const base = {
      address: options.clientAddress,
      role: options.backupRole,
      major: options.major,
      ...(options.clientSsl === undefined ? {} : { ssl: options.clientSsl }),
      ...(options.memberOf === undefined ? {} : { memberOf: options.memberOf }),
    };
    accessRule(set, records, { ...base, database: 'replication', replication: true }, options, out);
    if (options.backupDatabase !== undefined) {
      accessRule(set, records, { ...base, database: options.backupDatabase, replication: false }, options, out);
    }
  }
  return out;
}

function loopbackOnly(rec: HbaRecord): boolean {
  const a = rec.address;
  if (a === undefined) return true;
  if (a.kind === 'samehost') return true;
  if (a.kind === 'hostname') return a.name.toLowerCase() === 'localhost';
  if (a.kind !== 'ip') return false;
  const len = maskLength(a.mask) ?? 0;
  return isLoopback(a.ip) && (a.ip.family === 4 ? len >= 8 : len === 128);
}

function accessRule(set: HbaFileSet, records: readonly HbaRecord[], conn: HbaConnection, options: HbaRuleOptions, out: Finding[]): void {
  const first = firstMatch(records, conn);
  if (first !== undefined && first.method !== 'reject') return;
  const what = conn.replication ? 'a replication connection' : `a connection to database "${conn.database}"`;
  const from = conn.address === 'local' ? 'over the local socket' : `from ${conn.address}`;
  const method = options.fixMethod ?? 'scram-sha-256';
  const role = hbaQuote(conn.role);
  const db = conn.replication ? 'replication' : hbaQuote(conn.database);
  let newLine: string;
  if (conn.address === 'local') {
    newLine = `local   ${db}   ${role}   ${method}`;
  } else {
    const ip = parseIp(conn.address);
    const cidr = ip === undefined ? conn.address : `${conn.address}/${ip.family === 4 ? 32 : 128}`;
    newLine = `host    ${db}   ${role}   ${cidr}   ${method}`;
  }
  const title = `Add "${newLine.replace(/\s+/g, ' ')}"`;
  let message: string;
  let fix: Fix;
  let file: string;
  let r;
  if (first !== undefined) {
    message = `role "${conn.role}" is refused ${what} ${from}: ${describeLine(first.line)} rejects it before any line allows it`;
    fix = { title: `${title} above it`, edits: [insertLineAbove(first.line.file, first.line.line, newLine)] };
    file = first.line.file;
    r = first.line.range;
  } else {
    const allOnly = conn.replication && records.some((rec) => rec.databases.some((t) => !t.quoted && t.text === 'all'));
    message = `no pg_hba.conf line lets role "${conn.role}" make ${what} ${from}` +
      (allOnly ? ' (the database keyword "all" does not cover replication connections; they need "replication")' : '');
    fix = { title, edits: [appendLine(set.mainFile, set.files.get(set.mainFile) ?? '', newLine)] };
    file = set.mainFile;
    r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }
  out.push(finding(file, r, 'error', conn.replication ? 'hba/no-replication-access' : 'hba/no-backup-access', message, fix));
}
