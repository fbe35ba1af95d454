// pg_probackup's own `key = value` files in a catalog: backups/<instance>/pg_probackup.conf (the
// instance's settings, written by add-instance and set-config) and each backup's backup.control.
// The JSON of `show` lacks one fact the tree needs: the instance's WAL segment size
// (`xlog-seg-size`), without which archived WAL cannot be mapped to LSNs.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isValidSegmentSize } from '../waldump/walSegment';

/** `key = value` lines (quotes around a value removed); comments and other lines are skipped. */
export function parseControlFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const v = m[2];
    out.set(m[1], v.length >= 2 && v.startsWith("'") && v.endsWith("'") ? v.slice(1, -1) : v);
  }
  return out;
}

/** The parsed file, or undefined when it cannot be read. */
export function readControlFile(file: string): Map<string, string> | undefined {
  try {
    return parseControlFile(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The WAL segment size of each instance, from its pg_probackup.conf. Instances whose file cannot
 * be read or holds no valid size are left out (the caller falls back to 16 MB).
 */
export function instanceSegmentSizes(catalog: string, instances: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const instance of instances) {
    const value = readControlFile(path.join(catalog, 'backups', instance, 'pg_probackup.conf'))?.get('xlog-seg-size');
    const n = value === undefined ? NaN : Number(value);
    if (isValidSegmentSize(n)) out.set(instance, n);
  }
  return out;
}
