// Resource manager names and record type names, as pg_waldump prints them (rm_name, and
// each rmgr's rm_identify in src/backend/access/rmgrdesc/*desc.c), per major version 13–18.
// A record type is derived from xl_info: the low four bits (XLR_INFO_MASK) belong to the
// WAL machinery, the high four to the rmgr; some rmgrs use 0x80 as a flag.

/** Built-in resource managers (src/include/access/rmgrlist.h), the same ids in 13–18. */
export const RMGR_NAMES: readonly string[] = [
  'XLOG', 'Transaction', 'Storage', 'CLOG', 'Database', 'Tablespace', 'MultiXact', 'RelMap',
  'Standby', 'Heap2', 'Heap', 'Btree', 'Hash', 'Gin', 'Gist', 'Sequence', 'SPGist', 'BRIN',
  'CommitTs', 'ReplicationOrigin', 'Generic', 'LogicalMessage',
];

export const RM_XLOG_ID = 0;
export const RM_MAX_BUILTIN_ID = RMGR_NAMES.length - 1;
/** Custom resource managers (PostgreSQL 15+) use ids 128–255. */
export const RM_MIN_CUSTOM_ID = 128;

export const XLR_INFO_MASK = 0x0f;
export const XLOG_SWITCH = 0x40;

/** Whether xl_rmid is valid for a major version (xlogreader's RmgrIdIsValid / RM_MAX_ID). */
export function isValidRmgrId(rmid: number, major: number): boolean {
  if (rmid <= RM_MAX_BUILTIN_ID) return true;
  return major >= 15 && rmid >= RM_MIN_CUSTOM_ID && rmid <= 255;
}

export function rmgrName(rmid: number): string {
  return RMGR_NAMES[rmid] ?? `custom${String(rmid).padStart(3, '0')}`;
}

type Names = Readonly<Record<number, string>>;

/** Names keyed by (info & ~XLR_INFO_MASK). */
function byHighBits(names: readonly (string | undefined)[]): Names {
  const out: Record<number, string> = {};
  names.forEach((n, i) => {
    if (n !== undefined) out[i << 4] = n;
  });
  return out;
}

/** Like byHighBits, plus `NAME+INIT` for the listed names with the 0x80 init-page flag. */
function withInit(names: readonly (string | undefined)[], initNames: readonly string[]): Names {
  const out: Record<number, string> = { ...byHighBits(names) };
  names.forEach((n, i) => {
    if (n !== undefined && initNames.includes(n)) out[(i << 4) | 0x80] = `${n}+INIT`;
  });
  return out;
}

function xlogNames(major: number): Names {
  const names: (string | undefined)[] = [
    'CHECKPOINT_SHUTDOWN', 'CHECKPOINT_ONLINE', 'NOOP', 'NEXTOID', 'SWITCH', 'BACKUP_END',
    'PARAMETER_CHANGE', 'RESTORE_POINT', 'FPW_CHANGE', 'END_OF_RECOVERY', 'FPI_FOR_HINT', 'FPI',
  ];
  // 0xC0 was used only in 9.5-11 and is unnamed since; OVERWRITE_CONTRECORD is 0xD0
  // (pg_control.h; 14 on and back-patched into 13.5).
  names[0x0d] = 'OVERWRITE_CONTRECORD';
  if (major >= 17) {
    names[0x0e] = 'CHECKPOINT_REDO';
  }
  return byHighBits(names);
}

function heap2Names(major: number): Names {
  const second = major <= 13
    ? ['CLEAN', 'FREEZE_PAGE', 'CLEANUP_INFO']
    : major <= 16
      ? ['PRUNE', 'VACUUM', 'FREEZE_PAGE']
      : ['PRUNE_ON_ACCESS', 'PRUNE_VACUUM_SCAN', 'PRUNE_VACUUM_CLEANUP'];
  return withInit(['REWRITE', ...second, 'VISIBLE', 'MULTI_INSERT', 'LOCK_UPDATED', 'NEW_CID'], ['MULTI_INSERT']);
}

// heap_identify names XLOG_HEAP_CONFIRM `HEAP_CONFIRM`, unlike every other heap type.
const HEAP = withInit(
  ['INSERT', 'DELETE', 'UPDATE', 'TRUNCATE', 'HOT_UPDATE', 'HEAP_CONFIRM', 'LOCK', 'INPLACE'],
  ['INSERT', 'UPDATE', 'HOT_UPDATE'],
);

const BTREE = byHighBits([
  'INSERT_LEAF', 'INSERT_UPPER', 'INSERT_META', 'SPLIT_L', 'SPLIT_R', 'INSERT_POST', 'DEDUP', 'DELETE',
  'UNLINK_PAGE', 'UNLINK_PAGE_META', 'NEWROOT', 'MARK_PAGE_HALFDEAD', 'VACUUM', 'REUSE_PAGE', 'META_CLEANUP',
]);

const HASH = byHighBits([
  'INIT_META_PAGE', 'INIT_BITMAP_PAGE', 'INSERT', 'ADD_OVFL_PAGE', 'SPLIT_ALLOCATE_PAGE', 'SPLIT_PAGE',
  'SPLIT_COMPLETE', 'MOVE_PAGE_CONTENTS', 'SQUEEZE_PAGE', 'DELETE', 'SPLIT_CLEANUP', 'UPDATE_META_PAGE',
  'VACUUM_ONE_PAGE',
]);

const GIN = byHighBits([
  undefined, 'CREATE_PTREE', 'INSERT', 'SPLIT', 'VACUUM_PAGE', 'DELETE_PAGE', 'UPDATE_META_PAGE',
  'INSERT_LISTPAGE', 'DELETE_LISTPAGE', 'VACUUM_DATA_LEAF_PAGE',
]);

const GIST = byHighBits(['PAGE_UPDATE', 'DELETE', 'PAGE_REUSE', 'PAGE_SPLIT', undefined, undefined, 'PAGE_DELETE', 'ASSIGN_LSN']);

const SPGIST = byHighBits([
  undefined, 'ADD_LEAF', 'MOVE_LEAFS', 'ADD_NODE', 'SPLIT_TUPLE', 'PICKSPLIT', 'VACUUM_LEAF', 'VACUUM_ROOT',
  'VACUUM_REDIRECT',
]);

const BRIN = withInit(
  ['CREATE_INDEX', 'INSERT', 'UPDATE', 'SAMEPAGE_UPDATE', 'REVMAP_EXTEND', 'DESUMMARIZE'],
  ['INSERT', 'UPDATE'],
);

const GENERIC: Names = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [i << 4, 'Generic']));

function tableFor(rmid: number, major: number): Names | undefined {
  switch (rmid) {
    case 0: return xlogNames(major);
    case 2: return byHighBits([undefined, 'CREATE', 'TRUNCATE']);
    case 3: return byHighBits(['ZEROPAGE', 'TRUNCATE']);
    case 4: return byHighBits(major >= 15 ? ['CREATE_FILE_COPY', 'CREATE_WAL_LOG', 'DROP'] : ['CREATE', 'DROP']);
    case 5: return byHighBits(['CREATE', 'DROP']);
    case 6: return byHighBits(['ZERO_OFF_PAGE', 'ZERO_MEM_PAGE', 'CREATE_ID', 'TRUNCATE_ID']);
    case 7: return byHighBits(['UPDATE']);
    case 8: return byHighBits(['LOCK', 'RUNNING_XACTS', 'INVALIDATIONS']);
    case 9: return heap2Names(major);
    case 10: return HEAP;
    case 11: return BTREE;
    case 12: return HASH;
    case 13: return GIN;
    case 14: return GIST;
    case 15: return byHighBits(['LOG']);
    case 16: return SPGIST;
    case 17: return BRIN;
    case 18: return byHighBits(major <= 13 ? ['ZEROPAGE', 'TRUNCATE', 'SETTS'] : ['ZEROPAGE', 'TRUNCATE']);
    case 19: return byHighBits(['SET', 'DROP']);
    // generic_identify ignores xl_info: every generic record is `Generic`.
    case 20: return GENERIC;
    case 21: return byHighBits(['MESSAGE']);
    default: return undefined;
  }
}

// Transaction records keep a "has info" flag in 0x80; the type is info & XLOG_XACT_OPMASK (0x70).
function transactionName(info: number, major: number): string | undefined {
  const names = ['COMMIT', 'PREPARE', 'ABORT', 'COMMIT_PREPARED', 'ABORT_PREPARED', 'ASSIGNMENT'];
  if (major >= 14) names.push('INVALIDATION');
  return names[(info & 0x70) >> 4];
}

function nameOf(rmid: number, info: number, major: number, table: Names | undefined): string {
  const high = info & ~XLR_INFO_MASK & 0xff;
  const name = rmid === 1 ? transactionName(info, major) : table?.[high];
  return name ?? `UNKNOWN (${high.toString(16)})`;
}

/**
 * Per major: the name of each (built-in rmid, xl_info) pair at index rmid * 256 + info, filled
 * in as pairs are met. Filling all 5,600 up front cost a few milliseconds on a first open, and
 * a segment uses a few dozen of them.
 */
const names = new Map<number, (string | undefined)[]>();

function lookupName(major: number, rmid: number, info: number): string {
  let flat = names.get(major);
  if (flat === undefined) {
    flat = new Array<string | undefined>((RM_MAX_BUILTIN_ID + 1) * 256).fill(undefined);
    names.set(major, flat);
  }
  const i = (rmid << 8) | (info & 0xff);
  return flat[i] ?? (flat[i] = nameOf(rmid, info, major, rmid === 1 ? undefined : tableFor(rmid, major)));
}

/**
 * The record type pg_waldump prints after `desc: `, or `UNKNOWN (xx)` where its rm_identify
 * has no name (pg_waldump prints the high bits of xl_info in lowercase hex then).
 */
export function recordTypeName(rmid: number, info: number, major: number): string {
  if (rmid > RM_MAX_BUILTIN_ID) return nameOf(rmid, info, major, undefined);
  return lookupName(major, rmid, info);
}
