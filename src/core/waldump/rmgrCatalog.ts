// What pg_waldump's resource managers and record types mean, for hovers. Written for this
// project from reading what each record does in PostgreSQL 13–18; `since`/`until` give the
// first and last major version that prints a type, where that is not every one of 13–18.

export interface RecordTypeEntry {
  readonly name: string;
  readonly summary: string;
  readonly since?: number;
  readonly until?: number;
  readonly note?: string;
}

export interface RmgrEntry {
  /** The name pg_waldump prints (`rmgr: Heap2`, `--rmgr=list`). */
  readonly name: string;
  /** The built-in resource manager id. */
  readonly id: number;
  readonly summary: string;
  readonly types: readonly RecordTypeEntry[];
}

type T = [name: string, summary: string, since?: number | undefined, until?: number | undefined, note?: string];

function types(list: readonly T[]): RecordTypeEntry[] {
  return list.map(([name, summary, since, until, note]) => ({
    name, summary,
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(note !== undefined ? { note } : {}),
  }));
}

export const RMGR_CATALOG: readonly RmgrEntry[] = [
  {
    name: 'XLOG', id: 0,
    summary: 'The WAL machinery itself: checkpoints, segment switches, standalone full-page images and settings that replicas must know about.',
    types: types([
      ['CHECKPOINT_SHUTDOWN', 'Checkpoint taken at a clean shutdown. Nothing needs replaying before it, so recovery can start right here.'],
      ['CHECKPOINT_ONLINE', 'Checkpoint finished while the server was running. Its `redo` field points back to where replay must begin after a crash.'],
      ['CHECKPOINT_REDO', 'Marks the redo point where an online checkpoint starts; the matching CHECKPOINT_ONLINE comes later.', 17],
      ['NOOP', 'A record with no effect, written only to occupy WAL space.'],
      ['NEXTOID', 'Reserves the next range of OIDs, so OIDs handed out before a crash are not reused after it.'],
      ['SWITCH', 'Ends the current segment early (pg_switch_wal(), archive_timeout). The rest of the segment is unused and the next record starts a new file.'],
      ['BACKUP_END', 'Written when a base backup taken from this server finishes; the desc holds the backup start LSN. A server restored from it is consistent once replay passes here.'],
      ['PARAMETER_CHANGE', 'Settings a standby must match or exceed (max_connections, max_worker_processes, max_wal_senders, max_prepared_transactions, max_locks_per_transaction, wal_level, wal_log_hints, track_commit_timestamp) changed or were logged at startup.'],
      ['RESTORE_POINT', 'A named point made by pg_create_restore_point(); usable as recovery_target_name for point-in-time recovery.'],
      ['FPW_CHANGE', 'full_page_writes was switched on or off.'],
      ['END_OF_RECOVERY', 'Recovery ended (promotion) without a checkpoint record; the server moves to a new timeline from here.'],
      ['OVERWRITE_CONTRECORD', 'Says that a record cut off at the end of the WAL before a crash was abandoned, and that the WAL goes on from here instead.', undefined, undefined, 'Added in 14 and in the 13.5 minor release.'],
      ['FPI', 'A full-page image with no other change, e.g. from index builds that write whole pages or from CREATE DATABASE copying pages through WAL.'],
      ['FPI_FOR_HINT', 'A full-page image logged because a hint bit changed on a page for the first time since the last checkpoint, needed when data checksums or wal_log_hints are on.'],
    ]),
  },
  {
    name: 'Transaction', id: 1,
    summary: 'Transaction outcomes: commit and abort, two-phase commit, subtransaction assignment and cache invalidations.',
    types: types([
      ['COMMIT', 'A transaction committed. The desc starts with the commit time and may list subtransactions, dropped relations and cache invalidations.'],
      ['ABORT', 'A transaction rolled back; its changes stay in the heap but are invisible from now on.'],
      ['PREPARE', 'PREPARE TRANSACTION: the transaction is now waiting for COMMIT PREPARED or ROLLBACK PREPARED.'],
      ['COMMIT_PREPARED', 'A prepared (two-phase) transaction committed.'],
      ['ABORT_PREPARED', 'A prepared (two-phase) transaction was rolled back.'],
      ['ASSIGNMENT', 'Tells standbys which subtransaction ids belong to a top-level transaction, once a transaction has more than a batch of them.'],
      ['INVALIDATION', 'Catalog cache invalidations logged at the end of a command, so logical decoding can apply them mid-transaction (wal_level=logical).', 14],
    ]),
  },
  {
    name: 'Storage', id: 2,
    summary: 'Relation files on disk: creating and truncating the files of a relation fork.',
    types: types([
      ['CREATE', 'A new relation file (fork) was created; the desc names it as a path under the data directory.'],
      ['TRUNCATE', 'A relation was cut to a number of blocks (VACUUM trimming empty pages at the end, TRUNCATE in the same transaction as CREATE).'],
    ]),
  },
  {
    name: 'CLOG', id: 3,
    summary: 'The commit log (pg_xact): two status bits per transaction id.',
    types: types([
      ['ZEROPAGE', 'A new pg_xact page was started for the next range of transaction ids.'],
      ['TRUNCATE', 'pg_xact segments older than the oldest transaction still of interest were removed.'],
    ]),
  },
  {
    name: 'Database', id: 4,
    summary: 'CREATE DATABASE and DROP DATABASE.',
    types: types([
      ['CREATE', 'CREATE DATABASE copied a template database directory file by file.', 13, 14],
      ['CREATE_FILE_COPY', 'CREATE DATABASE with STRATEGY FILE_COPY: the template directory was copied at file level after a checkpoint.', 15],
      ['CREATE_WAL_LOG', 'CREATE DATABASE with the default WAL_LOG strategy: an empty directory is created here and the pages follow as FPI records.', 15],
      ['DROP', 'A database and its directories were removed.'],
    ]),
  },
  {
    name: 'Tablespace', id: 5,
    summary: 'CREATE TABLESPACE and DROP TABLESPACE.',
    types: types([
      ['CREATE', 'A tablespace directory was created and linked under pg_tblspc.'],
      ['DROP', 'A tablespace was removed.'],
    ]),
  },
  {
    name: 'MultiXact', id: 6,
    summary: 'Multixacts: sets of transactions that lock the same row together (pg_multixact).',
    types: types([
      ['ZERO_OFF_PAGE', 'A new page of multixact offsets was started.'],
      ['ZERO_MEM_PAGE', 'A new page of multixact members was started.'],
      ['CREATE_ID', 'A new multixact was created with its member transactions and their lock modes.'],
      ['TRUNCATE_ID', 'Multixacts older than the oldest still needed were removed.'],
    ]),
  },
  {
    name: 'RelMap', id: 7,
    summary: 'The relation mapper (pg_filenode.map) that locates shared and nailed system catalogs.',
    types: types([
      ['UPDATE', 'The relation map file was rewritten, e.g. after VACUUM FULL or CLUSTER of a mapped catalog, or when a database is created.'],
    ]),
  },
  {
    name: 'Standby', id: 8,
    summary: 'Information that hot standbys need: running transactions, exclusive locks and cache invalidations.',
    types: types([
      ['LOCK', 'An AccessExclusiveLock taken on the primary (DDL, TRUNCATE); a hot standby takes the same lock while replaying.'],
      ['RUNNING_XACTS', 'A snapshot of the transactions running on the primary, logged at checkpoints and periodically; lets a standby start answering queries and logical decoding find a start point.'],
      ['INVALIDATIONS', 'Cache invalidations that must be applied on the standby without a transaction commit, e.g. after in-place catalog updates.'],
    ]),
  },
  {
    name: 'Heap2', id: 9,
    summary: 'Further table (heap) operations: pruning and freezing pages, the visibility map, multi-row inserts and logical-decoding helpers.',
    types: types([
      ['PRUNE', 'Pruning of one heap page: dead tuples and HOT chains removed or redirected, free space reclaimed.', 14, 16],
      ['VACUUM', 'VACUUM marked dead line pointers of a page unused, after their index entries were removed.', 14, 16],
      ['CLEAN', 'Pruning or vacuuming of a heap page: tuples removed and line pointers redirected, made dead or unused.', 13, 13],
      ['CLEANUP_INFO', 'Tells standbys the newest transaction id whose row versions VACUUM removed, for conflict handling.', 13, 13],
      ['PRUNE_ON_ACCESS', 'A page was pruned by an ordinary query that found it nearly full: dead tuples removed, HOT chains shortened.', 17, undefined, '17 split the former PRUNE into this and the two PRUNE_VACUUM_* types.'],
      ['PRUNE_VACUUM_SCAN', 'VACUUM pruned a page in its first pass, and may also have frozen tuples on it (replacing FREEZE_PAGE).', 17],
      ['PRUNE_VACUUM_CLEANUP', 'VACUUM set line pointers unused in its second pass, after index entries were removed (replacing the former VACUUM type).', 17],
      ['FREEZE_PAGE', 'Tuples of a page were frozen so that they stay visible forever, regardless of transaction id wraparound.', 13, 16],
      ['VISIBLE', 'A page was marked all-visible (and perhaps all-frozen) in the visibility map; block 0 is the map page, block 1 the heap page.'],
      ['MULTI_INSERT', 'Several rows inserted into one page at once (COPY, CREATE TABLE AS, catalog bulk inserts).'],
      ['LOCK_UPDATED', 'A row lock taken on an already updated version of a tuple (the newer version in an update chain).'],
      ['NEW_CID', 'Maps catalog tuple changes to command ids for logical decoding (wal_level=logical).'],
      ['REWRITE', 'Logical rewrite mapping written by VACUUM FULL or CLUSTER of a catalog under logical decoding.'],
    ]),
  },
  {
    name: 'Heap', id: 10,
    summary: 'Table rows (the heap): insert, update, delete and row locks.',
    types: types([
      ['INSERT', 'A row was inserted into a heap page at the given offset.'],
      ['DELETE', 'A row was deleted: its xmax was set. It stays on the page until pruning or VACUUM removes it.'],
      ['UPDATE', 'A row was updated into a new version on another page (or with index changes); both pages are referenced.'],
      ['HOT_UPDATE', 'Heap-only tuple update: the new version is on the same page and no index needed changes.'],
      ['TRUNCATE', 'TRUNCATE of tables, logged for logical decoding; the files themselves change through Storage records.'],
      ['HEAP_CONFIRM', 'A speculative insertion (INSERT … ON CONFLICT) was confirmed.'],
      ['LOCK', 'A row lock (SELECT … FOR UPDATE/SHARE, foreign key checks, or the first step of an update) was recorded in the tuple header.'],
      ['INPLACE', 'A catalog tuple was overwritten in place without a new version (e.g. relpages or relfrozenxid updates by VACUUM).'],
    ]),
  },
  {
    name: 'Btree', id: 11,
    summary: 'B-tree indexes: inserts, page splits, deduplication, deletion and vacuum.',
    types: types([
      ['INSERT_LEAF', 'An index tuple was added to a leaf page.'],
      ['INSERT_UPPER', 'A downlink was added to an internal page, finishing a split one level below.'],
      ['INSERT_META', 'A downlink was added to the root while the metapage was updated.'],
      ['INSERT_POST', 'A leaf insert that split an existing posting-list tuple (deduplicated duplicates).', 13],
      ['SPLIT_L', 'A page split in which the new tuple went to the left half.'],
      ['SPLIT_R', 'A page split in which the new tuple went to the right half.'],
      ['DEDUP', 'Duplicates on a leaf page were merged into posting-list tuples to make room.', 13],
      ['VACUUM', 'VACUUM removed index tuples pointing to dead heap rows from a leaf page.'],
      ['DELETE', 'Index tuples known to be dead were removed from a leaf page outside VACUUM (simple or bottom-up deletion).'],
      ['MARK_PAGE_HALFDEAD', 'First step of deleting an empty page: it is unlinked from its parent.'],
      ['UNLINK_PAGE', 'Second step of deleting an empty page: it is unlinked from its siblings.'],
      ['UNLINK_PAGE_META', 'Like UNLINK_PAGE, also updating the metapage (the fast root moved).'],
      ['NEWROOT', 'A new root page was created, e.g. when the index gets its first page or when the old root split.'],
      ['REUSE_PAGE', 'A deleted page is about to be reused; standbys check for queries that might still see it.'],
      ['META_CLEANUP', 'The metapage was updated with vacuum bookkeeping.'],
    ]),
  },
  {
    name: 'Hash', id: 12,
    summary: 'Hash indexes (WAL-logged since PostgreSQL 10).',
    types: types([
      ['INIT_META_PAGE', 'The metapage of a new hash index was initialised.'],
      ['INIT_BITMAP_PAGE', 'A bitmap page that tracks free overflow pages was initialised.'],
      ['INSERT', 'An index tuple was added to a bucket page.'],
      ['ADD_OVFL_PAGE', 'An overflow page was added to a bucket chain.'],
      ['SPLIT_ALLOCATE_PAGE', 'A new bucket page was allocated for a bucket split.'],
      ['SPLIT_PAGE', 'Tuples were moved to the new bucket during a split.'],
      ['SPLIT_COMPLETE', 'A bucket split finished.'],
      ['MOVE_PAGE_CONTENTS', 'Tuples moved from one page of a bucket chain to another while squeezing it.'],
      ['SQUEEZE_PAGE', 'An overflow page was emptied and freed while compacting a bucket.'],
      ['DELETE', 'Index tuples removed from a bucket page by VACUUM.'],
      ['SPLIT_CLEANUP', 'Tuples left behind by a split were removed from the old bucket.'],
      ['UPDATE_META_PAGE', 'The tuple count in the metapage was updated.'],
      ['VACUUM_ONE_PAGE', 'Dead index tuples were removed from one page during an insert.'],
    ]),
  },
  {
    name: 'Gin', id: 13,
    summary: 'GIN indexes (full-text search, arrays, jsonb): entry and posting trees and the pending list.',
    types: types([
      ['CREATE_PTREE', 'A posting tree was created for a key with many entries.'],
      ['INSERT', 'Entries were inserted into an entry or posting tree page.'],
      ['SPLIT', 'A GIN page was split.'],
      ['VACUUM_PAGE', 'VACUUM rewrote an entry tree page.'],
      ['VACUUM_DATA_LEAF_PAGE', 'VACUUM removed items from a posting tree leaf page.'],
      ['DELETE_PAGE', 'An empty posting tree page was deleted.'],
      ['UPDATE_META_PAGE', 'The metapage (pending list bookkeeping) was updated.'],
      ['INSERT_LISTPAGE', 'Entries were appended to the pending list (fastupdate).'],
      ['DELETE_LISTPAGE', 'Pending-list pages were removed after being moved into the main index.'],
    ]),
  },
  {
    name: 'Gist', id: 14,
    summary: 'GiST indexes (geometry, ranges, exclusion constraints).',
    types: types([
      ['PAGE_UPDATE', 'Tuples were inserted into or removed from a GiST page.'],
      ['DELETE', 'Dead leaf tuples were removed from a page outside VACUUM.'],
      ['PAGE_REUSE', 'A deleted page is about to be reused; standbys check for conflicting queries.'],
      ['PAGE_SPLIT', 'A GiST page was split into several pages.'],
      ['PAGE_DELETE', 'An empty page was deleted by VACUUM.'],
      ['ASSIGN_LSN', 'An empty record written only to obtain a new LSN for page bookkeeping.'],
    ]),
  },
  {
    name: 'Sequence', id: 15,
    summary: 'Sequences: nextval() logs values ahead of use so that none is reused after a crash.',
    types: types([
      ['LOG', 'The sequence page was logged with a value some steps ahead (by default 32 values) of what nextval() has returned.'],
    ]),
  },
  {
    name: 'SPGist', id: 16,
    summary: 'SP-GiST indexes (space-partitioned trees: quad-trees, k-d trees, radix trees).',
    types: types([
      ['ADD_LEAF', 'A leaf tuple was added.'],
      ['MOVE_LEAFS', 'Leaf tuples were moved to another page to make room.'],
      ['ADD_NODE', 'A node was added to an inner tuple.'],
      ['SPLIT_TUPLE', 'An inner tuple was split into a prefix and a postfix tuple.'],
      ['PICKSPLIT', 'A page of leaf tuples was split by the operator class picksplit function.'],
      ['VACUUM_LEAF', 'VACUUM removed dead leaf tuples.'],
      ['VACUUM_ROOT', 'VACUUM removed dead tuples from the root page.'],
      ['VACUUM_REDIRECT', 'VACUUM turned redirect tuples into placeholders once no scan could need them.'],
    ]),
  },
  {
    name: 'BRIN', id: 17,
    summary: 'BRIN indexes: summaries (min/max and others) of block ranges, and the range map.',
    types: types([
      ['CREATE_INDEX', 'The metapage of a new BRIN index was written.'],
      ['INSERT', 'A new summary tuple was inserted for a block range.'],
      ['UPDATE', 'A summary tuple was replaced by a wider one on another page.'],
      ['SAMEPAGE_UPDATE', 'A summary tuple was replaced in place on its page.'],
      ['REVMAP_EXTEND', 'The range map was extended with a new page.'],
      ['DESUMMARIZE', 'The summary of a block range was removed (brin_desummarize_range()).'],
    ]),
  },
  {
    name: 'CommitTs', id: 18,
    summary: 'Commit timestamps (track_commit_timestamp = on), kept in pg_commit_ts.',
    types: types([
      ['ZEROPAGE', 'A new pg_commit_ts page was started.'],
      ['TRUNCATE', 'Old pg_commit_ts segments were removed.'],
    ]),
  },
  {
    name: 'ReplicationOrigin', id: 19,
    summary: 'Replication origins: how far changes from a logical replication source were applied.',
    types: types([
      ['SET', 'The progress (remote LSN) of a replication origin was recorded.'],
      ['DROP', 'A replication origin was dropped.'],
    ]),
  },
  {
    name: 'Generic', id: 20,
    summary: 'Generic WAL: page changes logged as byte ranges by extensions (e.g. bloom) that have no resource manager of their own.',
    types: types([
      ['Generic', 'Page deltas written through the generic WAL interface; the desc lists changed offsets and lengths.'],
    ]),
  },
  {
    name: 'LogicalMessage', id: 21,
    summary: 'Logical decoding messages written with pg_logical_emit_message().',
    types: types([
      ['MESSAGE', 'A message with a prefix and payload for logical decoding consumers, transactional or not.'],
    ]),
  },
];
