// Looks at a restore target before pg_probackup does. pg_probackup 2.5 refuses a non-empty
// directory (and a running server's, even with --force) with a bare "not empty"; this explains
// which case it is, and finds an older copy of the same instance that an incremental restore
// (-I checksum / -I lsn) can bring up to date. The same rules hold for the folders a backup's
// tablespaces and external directories are restored to.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Backup } from './backup';
import { runningPostmasterPid } from './restoreTarget';

export type RestorePreflight =
  /** Missing or empty: a plain restore goes ahead. */
  | { readonly kind: 'empty' }
  /** A server runs there: refuse. */
  | { readonly kind: 'running'; readonly pid: number }
  /** A data directory of the same instance (same system identifier): incremental restore is possible. */
  | { readonly kind: 'same-instance'; readonly systemIdentifier: string }
  /** Anything else non-empty: refuse, saying what is there. */
  | { readonly kind: 'not-empty'; readonly reason: string }
  /** Not a directory, or unreadable. */
  | { readonly kind: 'unusable'; readonly reason: string };

/**
 * The system identifier stored in `global/pg_control`: its first field, a 64-bit integer in the
 * machine's byte order (little-endian here). Undefined when the file is missing or short.
 */
export function readSystemIdentifier(pgdata: string): string | undefined {
  try {
    const buf = readFileSync(path.join(pgdata, 'global', 'pg_control'));
    if (buf.length < 8) return undefined;
    return buf.readBigUInt64LE(0).toString();
  } catch {
    return undefined;
  }
}

export function restorePreflight(dir: string, instanceSystemId: string | undefined): RestorePreflight {
  let entries: string[];
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) return { kind: 'unusable', reason: `${dir} is not a directory` };
    entries = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'empty' };
    return { kind: 'unusable', reason: `${dir}: ${(e as Error).message}` };
  }
  if (entries.length === 0) return { kind: 'empty' };
  const pid = runningPostmasterPid(dir);
  if (pid !== undefined) return { kind: 'running', pid };
  const sysid = entries.includes('PG_VERSION') ? readSystemIdentifier(dir) : undefined;
  if (sysid !== undefined && instanceSystemId !== undefined && sysid === instanceSystemId) {
    return { kind: 'same-instance', systemIdentifier: sysid };
  }
  if (sysid !== undefined) {
    return {
      kind: 'not-empty',
      reason: instanceSystemId === undefined
        ? `${dir} holds a PostgreSQL data directory (system identifier ${sysid})`
        : `${dir} holds the data directory of another cluster (system identifier ${sysid}, the instance has ${instanceSystemId})`,
    };
  }
  const shown = entries.slice(0, 5).join(', ');
  return { kind: 'not-empty', reason: `${dir} is not empty (${entries.length} entries: ${shown}${entries.length > 5 ? ', …' : ''})` };
}

/** A tablespace or external directory of a backup, and where a restore puts it. */
export interface Relocation {
  readonly kind: 'tablespace' | 'external';
  /** The directory as the backup recorded it (the OLDDIR of -T / --external-mapping). */
  readonly from: string;
  /** Where it is restored. */
  readonly to: string;
  /** The tablespace's OID. */
  readonly oid?: string;
}

/** The directories a backup restores outside PGDATA, where they were. */
export function recordedLocations(b: Backup): Relocation[] {
  return [
    ...(b.tablespaceMap ?? []).map((t) => ({ kind: 'tablespace' as const, from: t.path, to: t.path, oid: t.oid })),
    ...(b.externalDirs ?? []).map((d) => ({ kind: 'external' as const, from: d, to: d })),
  ];
}

/**
 * New homes for a backup's tablespaces and external directories when it is restored into
 * `targetDir` rather than the instance's own PGDATA: restored where they were, they would land in
 * the original cluster's folders (pg_probackup refuses them when not empty, and with -I would
 * write into them). They go beside the target, in `<target>_tablespaces/<name>` and
 * `<target>_external/<name>`, not inside it: a tablespace inside a data directory is copied
 * twice by every later backup of the restored cluster.
 */
export function proposeRelocations(b: Backup, targetDir: string): Relocation[] {
  const target = path.resolve(targetDir);
  const taken = new Set<string>();
  // The folder's own name, made unique with a tag (the OID, the position) when two share it.
  const home = (root: string, from: string, tag: string): string => {
    const base = path.basename(from) || tag;
    let to = path.join(root, base);
    for (let i = 1; taken.has(to); i++) to = path.join(root, `${base}_${tag}${i > 1 ? `_${i}` : ''}`);
    taken.add(to);
    return to;
  };
  return recordedLocations(b).map((l, i) => l.kind === 'tablespace'
    ? { ...l, to: home(`${target}_tablespaces`, l.from, l.oid ?? String(i + 1)) }
    : { ...l, to: home(`${target}_external`, l.from, String(i + 1)) });
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Why pg_probackup would refuse these destinations, or what it would damage, one sentence each
 * (empty: go ahead). Its rules (check_tablespace_mapping, check_external_dir_mapping): every
 * destination must be empty or missing; an incremental restore (-I) may write into a non-empty
 * tablespace or external directory only at its recorded place (restoring in place), and refuses a
 * non-empty remapped tablespace without --force, which would wipe it. A remapped external
 * directory is held to the same rule here: -I deletes the files there that the backup lacks.
 */
export function relocationProblems(locations: readonly Relocation[], targetDir: string, incremental: boolean): string[] {
  const target = path.resolve(targetDir);
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const l of locations) {
    const what = l.kind === 'external' ? `external directory ${l.from}` : l.oid !== undefined ? `tablespace ${l.oid} (${l.from})` : `tablespace ${l.from}`;
    if (!path.isAbsolute(l.to)) {
      problems.push(`The new place of ${what} must be an absolute path, not ${l.to}.`);
      continue;
    }
    const to = path.resolve(l.to);
    const other = seen.get(to);
    if (other !== undefined) problems.push(`${what} and ${other} cannot both go to ${to}.`);
    seen.set(to, what);
    if (l.from !== l.to && (inside(to, target) || inside(target, to))) {
      problems.push(`${to}, the new place of ${what}, overlaps the data folder ${target}: put it beside it.`);
      continue;
    }
    const pre = restorePreflight(to, undefined);
    if (pre.kind === 'empty') continue;
    if (pre.kind === 'unusable') {
      problems.push(`${pre.reason} (the new place of ${what}).`);
      continue;
    }
    if (incremental && l.from === l.to) continue;
    const detail = pre.kind === 'running' ? `${to} is the data folder of a running server (pid ${pre.pid})` : pre.kind === 'not-empty' ? pre.reason : `${to} is not empty`;
    problems.push(`${detail}: ${what} must go to an empty or new folder${incremental ? ' (an incremental restore writes only into the folders the backup recorded)' : ''}.`);
  }
  return problems;
}
