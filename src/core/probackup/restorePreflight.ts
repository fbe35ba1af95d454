// Looks at a restore target before pg_probackup does. pg_probackup 2.5 refuses a non-empty
// directory (and a running server's, even with --force) with a bare "not empty"; this explains
// which case it is, and finds an older copy of the same instance that an incremental restore
// (-I checksum / -I lsn) can bring up to date.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
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
