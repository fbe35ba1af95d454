// Backup-readiness rules for pg_hba.conf: errors the server reports for a line (and that one
// invalid line makes the server refuse the whole file), whether the backup role can open a
// replication connection (and an ordinary one) from where pg_probackup runs, trust for
// remote addresses, md5 next to SCRAM passwords, lines that an earlier line always catches
// first, odd addresses and masks, hostssl without ssl. With ssl on, the client connects as
// libpq does with its default sslmode=prefer: over SSL first (host and hostssl lines apply),
// and when the server refuses that, once more without SSL (host and hostnossl lines).
import { appendLine, insertLineAbove } from './edits';
import type { Finding, Range, Severity } from './findings';
import { finding } from './findings';
import type { HbaConnection } from './hbaMatch';
import { firstCoveringRecords } from './hbaCoverIndex';
import { firstMatch } from './hbaMatch';
import type { HbaFileSet, HbaLine } from './hbaLoader';
import type { ClientHostname } from './clientHostname';
import { peerRefusal } from './identMap';
import type { IdentEntry } from './identMap';
import type { AuthMethod, HbaLineContext, HbaParseError, HbaRecord } from './hbaRecord';
import { isHbaRecord, parseHbaRecord } from './hbaRecord';
import { hasHostBits, isLoopback, maskLength, parseIp } from './ipAddress';

export interface HbaRuleOptions {
  readonly major: number;
  /** The role pg_probackup connects as. */
  readonly backupRole?: string;
  /** Where pg_probackup connects from: 'local' (Unix socket) or an IP address. */
  readonly clientAddress?: string;
  /**
   * The client address's host name as the server finds it (see clientHostname.ts), for lines
   * that name hosts. Without it, such lines do not match the client.
   */
  readonly clientHostname?: ClientHostname;
  /** The database pg_probackup connects to for pg_backup_start (checked when given). */
  readonly backupDatabase?: string;
  readonly memberOf?: readonly string[];
  /**
   * Whether the client uses SSL (sslmode require or disable). Default: libpq's sslmode=prefer,
   * which with the server's ssl on tries SSL first, then without SSL when the server refuses it.
   */
  readonly clientSsl?: boolean;
  /** The server's ssl setting (from postgresql.conf). */
  readonly ssl?: boolean;
  /** The server's oauth_validator_libraries (PostgreSQL 18), for oauth lines; undefined: not checked. */
  readonly oauthValidatorLibraries?: string;
  /** The server's password_encryption setting. */
  readonly passwordEncryption?: string;
  /** Method for lines the fixes add (default scram-sha-256). */
  readonly fixMethod?: AuthMethod;
  /** The operating-system user pg_probackup runs as, for peer lines (over the local socket). */
  readonly clientOsUser?: string;
  /** pg_ident.conf's lines, for peer lines with map=; undefined when it was not read. */
  readonly identEntries?: readonly IdentEntry[];
}

export interface ParsedHba {
  readonly records: readonly HbaRecord[];
  readonly errors: readonly HbaParseError[];
}

export function parseHbaSet(set: HbaFileSet, major: number, context: HbaLineContext = {}): ParsedHba {
  const records: HbaRecord[] = [];
  const errors: HbaParseError[] = [];
  for (const l of set.lines) {
    const r = parseHbaRecord(l, major, context);
    if (isHbaRecord(r)) records.push(r);
    else errors.push(r);
  }
  return { records, errors };
}

/** Whether a line of the files names a host (a host name or .domain suffix as its address). */
export function hbaNamesHosts(set: HbaFileSet, major: number): boolean {
  return parseHbaSet(set, major).records.some((r) => r.address?.kind === 'hostname');
}

const HBA_KEYWORDS = new Set(['all', 'sameuser', 'samerole', 'samegroup', 'replication', 'samehost', 'samenet']);

/** Writes a name as a pg_hba.conf token, quoting it when it would otherwise mean something else. */
export function hbaQuote(name: string): string {
  if (/^[A-Za-z0-9_.$-]+$/.test(name) && !HBA_KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

function errorCode(e: HbaParseError): string {
  const message = e.message;
  if (e.kind === 'auth-option') return 'hba/auth-option';
  if (message.startsWith('peer authentication')) return 'hba/peer-host';
  if (/IP address|IP mask|CIDR mask|netmask|host name and CIDR/.test(message)) return 'hba/address';
  if (message.startsWith('could not open') || message.includes('nesting depth') || message.includes('includes itself')) return 'hba/include';
  return 'hba/syntax';
}

function describeLine(l: HbaLine | undefined): string {
  if (l === undefined) return 'no line';
  return `line ${l.line + 1}${l.file ? ` of ${l.file.slice(l.file.lastIndexOf('/') + 1)}` : ''}`;
}

const NOWHERE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function checkHba(set: HbaFileSet, options: HbaRuleOptions): Finding[] {
  const context = options.oauthValidatorLibraries === undefined ? {} : { oauthValidatorLibraries: options.oauthValidatorLibraries };
  const { records, errors } = parseHbaSet(set, options.major, context);
  const out: Finding[] = errors.map((e) => finding(e.line.file, e.range, 'error', errorCode(e), e.message));
  const notLoaded = loadProblem(set, records, errors);
  if (notLoaded !== undefined) out.push(notLoadedFinding(set, errors, notLoaded));
  for (const rec of records) out.push(...lineNotes(rec, options));
  out.push(...shadowedLines(records, options.major));

  if (options.backupRole !== undefined && options.clientAddress !== undefined) {
    const hostname = options.clientHostname?.hostname;
    const base = {
      address: options.clientAddress,
      ...(hostname === undefined ? {} : { hostname }),
      role: options.backupRole,
      major: options.major,
      ...(options.memberOf === undefined ? {} : { memberOf: options.memberOf }),
    };
    const access = { set, records, notLoaded, options };
    accessRule(access, { ...base, database: 'replication', replication: true }, out);
    if (options.backupDatabase !== undefined) {
      accessRule(access, { ...base, database: options.backupDatabase, replication: false }, out);
    }
  }
  return out;
}

/** Warnings and notes about one valid line: what the server logs, hostssl without ssl, trust, md5, odd addresses. */
function lineNotes(rec: HbaRecord, options: HbaRuleOptions): Finding[] {
  const out: Finding[] = [];
  const push = (r: Range | undefined, severity: Severity, code: string, message: string): void => {
    out.push(finding(rec.line.file, r ?? rec.line.range, severity, code, message));
  };
  for (const w of rec.warnings ?? []) push(w.range, 'warning', 'hba/auth-option', w.message);
  const a = rec.address;
  if (rec.conntype === 'hostssl' && options.ssl === false) {
    push(rec.line.fields[0]?.[0]?.range, 'warning', 'hba/hostssl-without-ssl', 'hostssl line cannot match because ssl is off in postgresql.conf');
  }
  if (rec.method === 'trust' && rec.conntype !== 'local' && !loopbackOnly(rec)) {
    push(rec.methodToken.range, 'warning', 'hba/trust-remote',
      'trust lets anyone who reaches this address range connect as any listed role without a password; use scram-sha-256');
  }
  if (rec.method === 'md5' && (options.passwordEncryption ?? (options.major >= 14 ? 'scram-sha-256' : 'md5')) === 'scram-sha-256') {
    push(rec.methodToken.range, 'info', 'hba/md5-with-scram',
      'password_encryption is scram-sha-256, so new passwords are SCRAM verifiers; this md5 line still accepts them (the server runs SCRAM for them), but scram-sha-256 here would also refuse roles whose password is still an MD5 hash');
  }
  if (a?.kind === 'ip') {
    const len = maskLength(a.mask);
    if (len === undefined) {
      push(a.maskRange ?? a.range, 'warning', 'hba/address', 'the netmask is not contiguous: it matches a scattered set of addresses, which is almost never meant');
    } else if (hasHostBits(a.ip, a.mask)) {
      push(a.range, 'info', 'hba/address', `the address has bits set beyond the /${len} mask; the server ignores them and matches the whole network`);
    }
  } else if (a?.kind === 'hostname' && /^[\d.]+$/.test(a.name)) {
    push(a.range, 'warning', 'hba/address', `"${a.name}" is not a valid IP address, so the server takes it as a host name to look up`);
  }
  return out;
}

/** Lines that can never match: an earlier line catches every connection they would. */
function shadowedLines(records: readonly HbaRecord[], major: number): Finding[] {
  const out: Finding[] = [];
  const covering = firstCoveringRecords(records, major);
  for (const [j, later] of records.entries()) {
    const earlier = covering[j];
    if (earlier !== undefined) {
      out.push(finding(later.line.file, later.line.range, 'warning', 'hba/shadowed',
        `this line never matches: ${describeLine(earlier.line)} catches every connection it would match first`));
    }
  }
  return out;
}

/**
 * The SSL states of the client's attempts, in order: as given, else libpq's sslmode=prefer. With
 * the server's ssl on, that is SSL first, and without SSL again when the server refuses the
 * SSL attempt (fe-connect.c: "if sslmode is prefer and we're in an SSL connection, then do a
 * non-SSL retry"); with ssl off, without SSL only.
 */
function sslAttempts(options: HbaRuleOptions): readonly boolean[] {
  if (options.clientSsl !== undefined) return [options.clientSsl];
  return options.ssl === true ? [true, false] : [false];
}

/**
 * Why the server would not load the file (load_hba): any invalid line, or no line at all.
 * It then refuses to start, and a reload keeps the previous rules. A missing main file is
 * reported as such (hba/include).
 */
function loadProblem(set: HbaFileSet, records: readonly HbaRecord[], errors: readonly HbaParseError[]): string | undefined {
  if (!set.files.has(set.mainFile)) return undefined;
  if (errors.length > 0) return `${errors.length === 1 ? 'a line is' : `${errors.length} lines are`} invalid (first: ${describeLine(errors[0]?.line)})`;
  return records.length === 0 ? 'it contains no entries' : undefined;
}

function notLoadedFinding(set: HbaFileSet, errors: readonly HbaParseError[], why: string): Finding {
  const first = errors[0];
  const at = first === undefined ? { file: set.mainFile, range: NOWHERE } : { file: first.line.file, range: first.line.range };
  return finding(at.file, at.range, 'error', 'hba/not-loaded',
    `pg_hba.conf will not load: ${why}. The server refuses the whole file: it does not start with it, and a reload keeps the rules it had ("pg_hba.conf was not reloaded"), so no connection can rely on its other lines`);
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

interface AccessContext {
  readonly set: HbaFileSet;
  readonly records: readonly HbaRecord[];
  /** Why the file does not load, if it does not. */
  readonly notLoaded: string | undefined;
  readonly options: HbaRuleOptions;
}

/** A peer line matched first that refuses the client (see identMap's peerRefusal), with the fix of a line above it. */
function peerRule(ctx: AccessContext, conn: HbaConnection, line: HbaRecord, out: Finding[]): void {
  const { options } = ctx;
  const refusal = peerRefusal(line, {
    address: conn.address, role: conn.role, osUser: options.clientOsUser, identEntries: options.identEntries,
    ...(conn.memberOf === undefined ? {} : { memberOf: conn.memberOf }), major: options.major,
  });
  if (refusal === undefined) return;
  const code = conn.replication ? 'hba/no-replication-access' : 'hba/no-backup-access';
  const what = conn.replication ? 'a replication connection' : `a connection to database "${conn.database}"`;
  const newLine = lineFor(conn, options.fixMethod ?? 'scram-sha-256');
  out.push(finding(line.line.file, line.line.range, 'error', code,
    `role "${conn.role}" is refused ${what} over the local socket: ${describeLine(line.line)} matches it first and authenticates by peer; ${refusal}`,
    { title: `Add "${newLine.replace(/\s+/g, ' ')}" above it`, edits: [insertLineAbove(line.line.file, line.line.line, newLine)] }));
}

/** The line pg_hba.conf would need for the connection (for the fix). */
function lineFor(conn: HbaConnection, method: AuthMethod): string {
  const role = hbaQuote(conn.role);
  const db = conn.replication ? 'replication' : hbaQuote(conn.database);
  if (conn.address === 'local') return `local   ${db}   ${role}   ${method}`;
  const ip = parseIp(conn.address);
  const cidr = ip === undefined ? conn.address : `${conn.address}/${ip.family === 4 ? 32 : 128}`;
  return `host    ${db}   ${role}   ${cidr}   ${method}`;
}

/** "from 127.0.0.1", saying how SSL decides which lines apply when it does. */
function describeClient(conn: HbaConnection, attempts: readonly boolean[]): string {
  if (conn.address === 'local') return 'over the local socket';
  const named = conn.hostname === undefined ? conn.address : `${conn.address} (host name ${conn.hostname})`;
  if (attempts.length > 1) {
    return `from ${named} (ssl is on, so libpq's default sslmode=prefer tries SSL first, where host and hostssl lines apply, ` +
      'then without SSL, where host and hostnossl lines apply)';
  }
  return attempts[0] === true ? `from ${named} over SSL (host and hostssl lines apply)` : `from ${named}`;
}

/** The first line each attempt meets; the one that lets the role in, if any. */
function attemptOutcome(records: readonly HbaRecord[], conn: HbaConnection, attempts: readonly boolean[]): { allowing?: HbaRecord; rejecting?: HbaRecord } {
  const firsts = attempts.map((ssl) => firstMatch(records, { ...conn, ssl }));
  const allowing = firsts.find((f) => f !== undefined && f.method !== 'reject');
  if (allowing !== undefined) return { allowing };
  // Every attempt is refused; the earliest rejecting line is where an allowing line must go.
  const rejecting = records.find((r) => firsts.includes(r));
  return rejecting === undefined ? {} : { rejecting };
}

function accessRule(ctx: AccessContext, conn: HbaConnection, out: Finding[]): void {
  const { set, records, notLoaded, options } = ctx;
  const attempts = sslAttempts(options);
  const { allowing, rejecting } = attemptOutcome(records, conn, attempts);
  if (allowing !== undefined && notLoaded === undefined) {
    peerRule(ctx, conn, allowing, out);
    return;
  }
  const code = conn.replication ? 'hba/no-replication-access' : 'hba/no-backup-access';
  const what = conn.replication ? 'a replication connection' : `a connection to database "${conn.database}"`;
  const from = describeClient(conn, attempts);
  if (allowing !== undefined) {
    // The other lines would allow it, but the server does not load the file.
    out.push(finding(set.mainFile, NOWHERE, 'error', code,
      `role "${conn.role}" cannot rely on pg_hba.conf for ${what} ${from}: the file will not load (${notLoaded ?? ''}); once it does, ${describeLine(allowing.line)} would allow it`));
    return;
  }
  const newLine = lineFor(conn, options.fixMethod ?? 'scram-sha-256');
  const title = `Add "${newLine.replace(/\s+/g, ' ')}"`;
  const alsoNotLoaded = notLoaded === undefined ? '' : `; besides, the file will not load (${notLoaded})`;
  if (rejecting !== undefined) {
    out.push(finding(rejecting.line.file, rejecting.line.range, 'error', code,
      `role "${conn.role}" is refused ${what} ${from}: ${describeLine(rejecting.line)} rejects it before any line allows it${alsoNotLoaded}`,
      { title: `${title} above it`, edits: [insertLineAbove(rejecting.line.file, rejecting.line.line, newLine)] }));
    return;
  }
  const allOnly = conn.replication && records.some((rec) => rec.databases.some((t) => !t.quoted && t.text === 'all'));
  const why = options.clientHostname?.why;
  const namedLines = conn.hostname === undefined && why !== undefined && records.some((rec) => rec.address?.kind === 'hostname');
  out.push(finding(set.mainFile, NOWHERE, 'error', code,
    `no pg_hba.conf line lets role "${conn.role}" make ${what} ${from}` +
    (allOnly ? ' (the database keyword "all" does not cover replication connections; they need "replication")' : '') +
    (namedLines ? ` (lines that name a host cannot match it: ${why})` : '') + alsoNotLoaded,
    { title, edits: [appendLine(set.mainFile, set.files.get(set.mainFile) ?? '', newLine)] }));
}
