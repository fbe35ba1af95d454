// A workload that makes most resource managers of PostgreSQL 13-18 write WAL, the record types it
// must produce under each major's pg_waldump names, and the segment files it leaves. Shared by
// the e2e suites that check the built-in WAL reader and the line parser on real WAL.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Cluster } from '../../src/core/postgres/cluster';

/** Server settings the workload needs: logical WAL, prepared transactions, hint-bit images. */
export const WAL_WORKLOAD_SETTINGS: Readonly<Record<string, string | number>> = {
  wal_level: 'logical', max_prepared_transactions: 5, wal_log_hints: 'on', max_wal_size: '1GB', wal_keep_size: '1GB',
};

/**
 * A workload that makes most resource managers write: heap inserts, HOT and non-HOT updates,
 * deletes, row locks and multixacts, speculative inserts; btree splits, deduplication and page
 * deletion, hash, GIN, GiST, SP-GiST and BRIN indexes; a checkpoint followed by changes (full-page
 * images); VACUUM (pruning, visibility map, relation truncation); a sequence; 2PC commit and
 * rollback; subtransactions enough to log an assignment; CREATE and DROP DATABASE; TRUNCATE;
 * a logical message, a replication origin, a restore point and a base backup's end.
 */
export async function runWalWorkload(cluster: Cluster, major: number): Promise<void> {
  const copyFile = path.join(cluster.dataDir, 'u.copy');
  const statements = [
    'CREATE TABLE t (id int PRIMARY KEY, v text, tags int[], p point)',
    'CREATE INDEX t_v ON t (v)',
    'CREATE INDEX t_hash ON t USING hash (id)',
    'CREATE INDEX t_gin ON t USING gin (tags)',
    'CREATE INDEX t_brin ON t USING brin (id)',
    'CREATE INDEX t_gist ON t USING gist (p)',
    'CREATE INDEX t_spg ON t USING spgist (p)',
    "INSERT INTO t SELECT g, repeat('x', g % 300), ARRAY[g % 10, g % 7], point(g % 100, g % 37) FROM generate_series(1, 20000) g",
    "UPDATE t SET v = 'y' WHERE id % 7 = 0",
    'DELETE FROM t WHERE id % 11 = 0',
    'CHECKPOINT',
    "UPDATE t SET v = 'z' WHERE id % 5 = 0",
    "UPDATE t SET tags = tags WHERE id % 97 = 0",
    "INSERT INTO t VALUES (30001, 'spec') ON CONFLICT DO NOTHING",
    'DELETE FROM t WHERE id BETWEEN 4000 AND 9000 OR id > 18000',
    'VACUUM t',
    // A table whose tail is all dead: VACUUM cuts the file (Storage/TRUNCATE).
    'CREATE TABLE w AS SELECT g FROM generate_series(1, 20000) g',
    'DELETE FROM w WHERE g > 100',
    'VACUUM w',
    'CREATE SEQUENCE s',
    "SELECT nextval('s')",
    "SELECT pg_logical_emit_message(true, 'pgbs', 'hello')",
    "SELECT pg_replication_origin_create('pgbs_origin')",
    "SELECT pg_replication_origin_advance('pgbs_origin', '0/1000')",
    "SELECT pg_replication_origin_drop('pgbs_origin')",
    'CREATE TABLE u AS SELECT g AS id FROM generate_series(1, 1000) g',
    `COPY u TO '${copyFile}'`,
    `COPY u FROM '${copyFile}'`,
    'TRUNCATE u',
    'CREATE DATABASE d2',
    'DROP DATABASE d2',
    'VACUUM FULL pg_class',
    "SELECT pg_create_restore_point('pgbs_point')",
    `DO $$ BEGIN FOR i IN 1..80 LOOP BEGIN INSERT INTO t VALUES (40000 + i); EXCEPTION WHEN others THEN NULL; END; END LOOP; END $$`,
  ];
  for (const sql of statements) await cluster.query(sql);

  const a = await cluster.connect();
  const b = await cluster.connect();
  try {
    // Two sharers of one row make a multixact; FOR UPDATE alone is a plain heap LOCK.
    await a.query('BEGIN');
    await a.query('SELECT * FROM t WHERE id = 1 FOR SHARE');
    await b.query('BEGIN');
    await b.query('SELECT * FROM t WHERE id = 1 FOR SHARE');
    await a.query('COMMIT');
    await b.query('COMMIT');
    await a.query('BEGIN; SELECT * FROM t WHERE id = 2 FOR UPDATE; COMMIT');
    // Two-phase commit, both ways, and a plain rollback.
    await a.query("BEGIN; INSERT INTO t VALUES (100002); PREPARE TRANSACTION 'p1'");
    await a.query("COMMIT PREPARED 'p1'");
    await a.query("BEGIN; INSERT INTO t VALUES (100003); PREPARE TRANSACTION 'p2'");
    await a.query("ROLLBACK PREPARED 'p2'");
    await a.query('BEGIN; INSERT INTO t VALUES (100004); ROLLBACK');
    // A non-exclusive base backup: its stop writes XLOG/BACKUP_END (functions renamed in 15).
    if (major >= 15) {
      await a.query("SELECT pg_backup_start('pgbs', true)");
      await a.query('SELECT pg_backup_stop(false)');
    } else {
      await a.query("SELECT pg_start_backup('pgbs', true, false)");
      await a.query('SELECT pg_stop_backup(false, false)');
    }
  } finally {
    await a.end();
    await b.end();
  }
  await cluster.query('CHECKPOINT');
  await cluster.query('SELECT pg_switch_wal()');
  await cluster.query('INSERT INTO t VALUES (100001)');
}

/** Record types the workload must make pg_waldump print, with the names of each major. */
export function walWorkloadTypes(major: number): string[] {
  const types = [
    'XLOG/CHECKPOINT_ONLINE', 'XLOG/CHECKPOINT_SHUTDOWN', 'XLOG/SWITCH', 'XLOG/RESTORE_POINT', 'XLOG/BACKUP_END', 'XLOG/FPI_FOR_HINT',
    'Transaction/COMMIT', 'Transaction/ABORT', 'Transaction/PREPARE', 'Transaction/COMMIT_PREPARED', 'Transaction/ABORT_PREPARED',
    'Transaction/ASSIGNMENT', 'Storage/CREATE', 'Storage/TRUNCATE', 'Database/DROP', 'MultiXact/CREATE_ID', 'RelMap/UPDATE',
    'Standby/RUNNING_XACTS', 'Standby/LOCK', 'Heap2/MULTI_INSERT', 'Heap2/VISIBLE', 'Heap2/NEW_CID',
    'Heap/INSERT', 'Heap/INSERT+INIT', 'Heap/UPDATE', 'Heap/HOT_UPDATE', 'Heap/DELETE', 'Heap/LOCK', 'Heap/INPLACE',
    'Heap/TRUNCATE', 'Heap/HEAP_CONFIRM', 'Btree/INSERT_LEAF', 'Btree/INSERT_UPPER', 'Btree/SPLIT_R', 'Btree/NEWROOT',
    'Btree/DEDUP', 'Btree/VACUUM', 'Btree/MARK_PAGE_HALFDEAD', 'Btree/UNLINK_PAGE', 'Hash/INSERT', 'Gin/INSERT',
    'Gist/PAGE_UPDATE', 'Sequence/LOG', 'SPGist/ADD_LEAF', 'BRIN/CREATE_INDEX', 'ReplicationOrigin/SET',
    'ReplicationOrigin/DROP', 'LogicalMessage/MESSAGE',
  ];
  types.push(major >= 15 ? 'Database/CREATE_WAL_LOG' : 'Database/CREATE');
  if (major >= 14) types.push('Transaction/INVALIDATION');
  if (major <= 13) types.push('Heap2/CLEAN');
  else if (major <= 16) types.push('Heap2/PRUNE', 'Heap2/VACUUM');
  else types.push('Heap2/PRUNE_VACUUM_SCAN', 'Heap2/PRUNE_VACUUM_CLEANUP', 'XLOG/CHECKPOINT_REDO');
  return types;
}

export function walFiles(cluster: Cluster): string[] {
  const dir = path.join(cluster.dataDir, 'pg_wal');
  return readdirSync(dir).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort().map((n) => path.join(dir, n));
}
