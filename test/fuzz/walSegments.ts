// Real WAL for the fuzzer: some varied activity on a live cluster (inserts, updates, deletes,
// an index, a vacuum, a checkpoint with full-page images), then the completed segments of
// pg_wal, read as bytes, plus the cluster's own postgresql.conf and pg_hba.conf.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Cluster } from '../../src/core/postgres/cluster';

export interface ClusterInputs {
  /** Consecutive completed segments, oldest first. */
  readonly walSegments: Uint8Array[];
  readonly confTexts: string[];
  readonly hbaTexts: string[];
}

const ACTIVITY = [
  'CREATE TABLE fz (id int PRIMARY KEY, v text, n numeric)',
  "INSERT INTO fz SELECT g, repeat(md5(g::text), 3), g * 1.5 FROM generate_series(1, 20000) g",
  'CHECKPOINT',
  "UPDATE fz SET v = 'u' || v WHERE id % 7 = 0",
  'DELETE FROM fz WHERE id % 11 = 0',
  'CREATE INDEX fz_v ON fz (v)',
  'VACUUM fz',
  "SELECT pg_logical_emit_message(true, 'fz', 'hello')",
  'SELECT pg_switch_wal()',
  "INSERT INTO fz SELECT g, 'x', 0 FROM generate_series(20001, 24000) g",
  'SELECT pg_switch_wal()',
];

/** Makes WAL on `cluster` and returns up to `max` completed segments and its config files. */
export async function clusterInputs(cluster: Cluster, max = 4): Promise<ClusterInputs> {
  for (const sql of ACTIVITY) await cluster.query(sql);
  const [row] = await cluster.query<{ name: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS name');
  const current = row?.name ?? '';
  const walDir = path.join(cluster.dataDir, 'pg_wal');
  // Segments after the current one are recycled or preallocated, not written yet.
  const done = readdirSync(walDir).filter((n) => /^[0-9A-F]{24}$/.test(n) && n < current).sort();
  const walSegments = done.slice(-max).map((n) => new Uint8Array(readFileSync(path.join(walDir, n))));
  return {
    walSegments,
    confTexts: [readFileSync(path.join(cluster.dataDir, 'postgresql.conf'), 'utf8')],
    hbaTexts: [readFileSync(path.join(cluster.dataDir, 'pg_hba.conf'), 'utf8')],
  };
}
