// Which pg_hba.conf record a connection meets first, after check_hba in hba.c, and whether
// one record catches every connection another would (so the later one never matches).
// A physical replication connection matches only databases given as the `replication`
// keyword; `all` does not include it, and `replication` matches nothing else.
import type { HbaToken } from './hbaLoader';
import type { ConnType, HbaRecord } from './hbaRecord';
import { isKeyword, pgRegex } from './hbaRecord';
import type { IpAddress } from './ipAddress';
import { inNetwork, isLoopback, networkContains, parseIp } from './ipAddress';

export interface HbaConnection {
  /** 'local' for a Unix socket, else the client's IP address. */
  readonly address: 'local' | string;
  /** Host name of the client, for records that name hosts. */
  readonly hostname?: string;
  readonly database: string;
  readonly role: string;
  /** A physical replication connection (pg_probackup STREAM, pg_basebackup). */
  readonly replication: boolean;
  readonly ssl?: boolean;
  readonly gssEncrypted?: boolean;
  /** Roles the role is a member of (directly or not), for `+group` and samerole; the role itself always counts. */
  readonly memberOf?: readonly string[];
  /** Major version: regular expressions need 16+. */
  readonly major?: number;
}

/**
 * hba.c's is_member: is_member_of_role_nosuper, i.e. roles_is_member_of, whose list starts with
 * the role itself. So `+backup` and samerole (database "backup") match role backup.
 */
function isMember(c: HbaConnection, role: string): boolean {
  return c.role === role || (c.memberOf ?? []).includes(role);
}

function tokenMatchesName(t: HbaToken, name: string, major: number): boolean {
  if (major >= 16 && t.text.startsWith('/')) return pgRegex(t.text.slice(1))?.test(name) ?? false;
  return t.text === name;
}

export function databaseMatches(tokens: readonly HbaToken[], c: HbaConnection): boolean {
  const major = c.major ?? 17;
  for (const t of tokens) {
    if (c.replication) {
      if (isKeyword(t, 'replication')) return true;
      continue;
    }
    if (isKeyword(t, 'all')) return true;
    if (isKeyword(t, 'sameuser')) {
      if (c.database === c.role) return true;
    } else if (isKeyword(t, 'samegroup') || isKeyword(t, 'samerole')) {
      if (isMember(c, c.database)) return true;
    } else if (isKeyword(t, 'replication')) {
      continue;
    } else if (tokenMatchesName(t, c.database, major)) {
      return true;
    }
  }
  return false;
}

export function roleMatches(tokens: readonly HbaToken[], c: HbaConnection): boolean {
  const major = c.major ?? 17;
  for (const t of tokens) {
    if (!t.quoted && t.text.startsWith('+')) {
      if (isMember(c, t.text.slice(1))) return true;
    } else if (isKeyword(t, 'all')) {
      return true;
    } else if (tokenMatchesName(t, c.role, major)) {
      return true;
    }
  }
  return false;
}

function connTypeMatches(type: ConnType, c: HbaConnection): boolean {
  if (c.address === 'local') return type === 'local';
  switch (type) {
    case 'local': return false;
    case 'host': return true;
    case 'hostssl': return c.ssl === true;
    case 'hostnossl': return c.ssl !== true;
    case 'hostgssenc': return c.gssEncrypted === true;
    case 'hostnogssenc': return c.gssEncrypted !== true;
  }
}

function addressMatches(r: HbaRecord, c: HbaConnection): boolean {
  if (r.conntype === 'local') return true;
  const a = r.address;
  if (a === undefined || c.address === 'local') return false;
  const ip = parseIp(c.address);
  switch (a.kind) {
    case 'all': return true;
    // Without the server's interface list, only loopback counts as the same host or net.
    case 'samehost':
    case 'samenet': return ip !== undefined && isLoopback(ip);
    case 'ip': return ip !== undefined && inNetwork(ip, a.ip, a.mask);
    case 'hostname': {
      const h = (c.hostname ?? '').toLowerCase();
      const n = a.name.toLowerCase();
      return h !== '' && (n.startsWith('.') ? h.endsWith(n) : h === n);
    }
  }
}

export function recordMatches(r: HbaRecord, c: HbaConnection): boolean {
  return connTypeMatches(r.conntype, c) && addressMatches(r, c) && databaseMatches(r.databases, c) && roleMatches(r.roles, c);
}

/** The first record that the connection meets, as the server picks it; undefined when none. */
export function firstMatch(records: readonly HbaRecord[], c: HbaConnection): HbaRecord | undefined {
  return records.find((r) => recordMatches(r, c));
}

// ---- coverage: does record A catch every connection record B would? ----

function connTypeCovers(a: ConnType, b: ConnType): boolean {
  if (a === b) return true;
  return a === 'host' && b !== 'local';
}

/** Not a regular expression (those start with / from PostgreSQL 16); only such tokens take part in coverage. */
export function simpleToken(t: HbaToken, major: number): boolean {
  return !(major >= 16 && t.text.startsWith('/'));
}

const DB_KEYWORDS: ReadonlySet<string> = new Set(['all', 'sameuser', 'samerole', 'samegroup', 'replication']);

export function isDbKeyword(t: HbaToken): boolean {
  return !t.quoted && DB_KEYWORDS.has(t.text);
}

function databasesCover(a: readonly HbaToken[], b: readonly HbaToken[], major: number): boolean {
  const aAll = a.some((t) => isKeyword(t, 'all'));
  return b.every((t) => {
    if (!simpleToken(t, major)) return false;
    if (isKeyword(t, 'replication')) return a.some((x) => isKeyword(x, 'replication'));
    if (aAll) return true;
    if (isDbKeyword(t)) return a.some((x) => isKeyword(x, t.text));
    return a.some((x) => simpleToken(x, major) && !isDbKeyword(x) && x.text === t.text);
  });
}

export function isGroup(t: HbaToken): boolean {
  return !t.quoted && t.text.startsWith('+');
}

function rolesCover(a: readonly HbaToken[], b: readonly HbaToken[], major: number): boolean {
  if (a.some((t) => isKeyword(t, 'all'))) return true;
  return b.every((t) => {
    if (!simpleToken(t, major) || isKeyword(t, 'all')) return false;
    return a.some((x) => simpleToken(x, major) && !isKeyword(x, 'all') && (
      (x.text === t.text && isGroup(x) === isGroup(t))
      // `+r` also matches role r itself.
      || (isGroup(x) && !isGroup(t) && x.text.slice(1) === t.text)));
  });
}

function addressCovers(a: HbaRecord, b: HbaRecord): boolean {
  if (a.conntype === 'local' || b.conntype === 'local') return a.conntype === b.conntype;
  const x = a.address;
  const y = b.address;
  if (x === undefined || y === undefined) return false;
  if (x.kind === 'all') return true;
  if (x.kind === 'samehost' || x.kind === 'samenet') return y.kind === x.kind || (x.kind === 'samenet' && y.kind === 'samehost');
  if (x.kind === 'hostname') return y.kind === 'hostname' && y.name.toLowerCase() === x.name.toLowerCase();
  if (y.kind !== 'ip' || x.kind !== 'ip') return false;
  return networkContains(x.ip, x.mask, y.ip, y.mask);
}

/** True when every connection that could meet `later` meets `earlier` first. */
export function recordCovers(earlier: HbaRecord, later: HbaRecord, major = 17): boolean {
  return connTypeCovers(earlier.conntype, later.conntype)
    && addressCovers(earlier, later)
    && databasesCover(earlier.databases, later.databases, major)
    && rolesCover(earlier.roles, later.roles, major);
}

/** A single-address network for a client address, for building a record line. */
export function hostNetwork(address: string): { ip: IpAddress; text: string } | undefined {
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  return { ip, text: `${address}/${ip.family === 4 ? 32 : 128}` };
}
