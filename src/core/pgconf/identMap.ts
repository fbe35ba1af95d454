// pg_ident.conf: which operating-system users may connect as which roles, for peer (and local
// ident) lines of pg_hba.conf with map=NAME, as hba.c's check_usermap and check_ident_usermap
// decide. The file is read with pg_hba.conf's tokenizer (the server uses the same one); each
// line is MAPNAME SYSTEM-USERNAME PG-USERNAME.
import type { HbaFileSet, HbaLine, HbaToken } from './hbaLoader';
import type { HbaRecord } from './hbaRecord';
import { isKeyword, pgRegex } from './hbaRecord';

export interface IdentEntry {
  readonly map: string;
  readonly system: HbaToken;
  readonly role: HbaToken;
  readonly line: HbaLine;
}

/** The well-formed lines of a loaded pg_ident.conf (three single fields; others the server refuses). */
export function identEntries(set: HbaFileSet): IdentEntry[] {
  const out: IdentEntry[] = [];
  for (const line of set.lines) {
    if (line.error !== undefined || line.fields.length !== 3 || line.fields.some((f) => f.length !== 1)) continue;
    const [map, system, role] = line.fields.map((f) => f[0]) as [HbaToken, HbaToken, HbaToken];
    out.push({ map: map.text, system, role, line });
  }
  return out;
}

/** Whether one line lets `osUser` connect as `role`. */
function entryAllows(e: IdentEntry, osUser: string, role: string, memberOf: readonly string[], major: number): boolean {
  let wanted = e.role.text;
  if (e.system.text.startsWith('/')) {
    const m = pgRegex(e.system.text.slice(1))?.exec(osUser);
    if (!m) return false;
    // "\1" in the role takes the first parenthesized part of the match.
    if (wanted.includes('\\1')) wanted = wanted.replace('\\1', m[1] ?? '');
  } else if (e.system.text !== osUser) {
    return false;
  }
  if (major >= 16 && !e.role.quoted) {
    if (isKeyword(e.role, 'all')) return true;
    if (wanted.startsWith('+')) return wanted.slice(1) === role || memberOf.includes(wanted.slice(1));
    if (wanted.startsWith('/')) return pgRegex(wanted.slice(1))?.test(role) ?? false;
  }
  return wanted === role;
}

/** Whether map `map` lets OS user `osUser` connect as `role` (any line of the map will do). */
export function identAllows(entries: readonly IdentEntry[], map: string, osUser: string, role: string, memberOf: readonly string[] = [], major = 17): boolean {
  return entries.some((e) => e.map === map && entryAllows(e, osUser, role, memberOf, major));
}

export interface PeerClient {
  /** 'local' for the Unix socket, else an IP address (peer applies to the socket only). */
  readonly address: string;
  readonly role: string;
  /** The OS user pg_probackup runs as; undefined: not known, not judged. */
  readonly osUser: string | undefined;
  /** pg_ident.conf's lines; undefined: not read, lines with map= are not judged. */
  readonly identEntries: readonly IdentEntry[] | undefined;
  readonly memberOf?: readonly string[];
  readonly major: number;
}

/**
 * Why the first matching line, a peer one (ident on a local line is peer too), refuses the
 * client, or undefined when it lets it in or that cannot be told. The server does not try the
 * next line: the OS user must have the role's name, or the line's map must pair them.
 */
export function peerRefusal(line: HbaRecord, c: PeerClient): string | undefined {
  if (c.osUser === undefined || c.address !== 'local' || (line.method !== 'peer' && line.method !== 'ident')) return undefined;
  const map = line.options.find((o) => o.name === 'map')?.value;
  if (map === undefined) {
    return c.osUser === c.role ? undefined
      : `pg_probackup runs as OS user "${c.osUser}", and a peer line without map= lets an OS user in only as the role of the same name`;
  }
  if (c.identEntries === undefined || identAllows(c.identEntries, map, c.osUser, c.role, c.memberOf ?? [], c.major)) return undefined;
  return `pg_probackup runs as OS user "${c.osUser}", and map "${map}" in pg_ident.conf has no line that lets it connect as role "${c.role}"`;
}
