// pg_ident.conf: which operating-system users may connect as which roles, for peer (and local
// ident) lines of pg_hba.conf with map=NAME, as hba.c's check_usermap and check_ident_usermap
// decide. The file is read with pg_hba.conf's tokenizer (the server uses the same one); each
// line is MAPNAME SYSTEM-USERNAME PG-USERNAME.
import type { HbaFileSet, HbaLine, HbaToken } from './hbaLoader';
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
