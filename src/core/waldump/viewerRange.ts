// What the viewer asks pg_waldump for: the argv for a segment file or a directory and LSN range,
// with the quick-pick filters, and for the built-in reader the segment files a range covers.
import { formatLsn } from './lsn';
import { DEFAULT_SEGMENT_SIZE, parseWalFileName, segmentFileName, segmentNumber } from './walSegment';

export type ForkName = 'main' | 'fsm' | 'vm' | 'init';
export const FORK_NAMES: readonly ForkName[] = ['main', 'fsm', 'vm', 'init'];

export interface WaldumpFilters {
  /** `-r`: one resource manager, as pg_waldump names it (Heap, Btree, Transaction, …). */
  readonly rmgr?: string;
  /** `-x`: records of this transaction id. */
  readonly xid?: number;
  /** `--relation=spc/db/rel` (PostgreSQL 15+). */
  readonly relation?: string;
  /** `--block=N` (15+; needs a relation). */
  readonly block?: number;
  /** `--fork=` (15+). */
  readonly fork?: ForkName;
  /** `--fpw`: only records with full-page images (15+). */
  readonly fpw?: boolean;
  /** `-b`: block references on their own lines, with image details. */
  readonly bkpDetails?: boolean;
}

/** What to dump: one file (`.partial` included), or a directory with an LSN range on a timeline. */
export type DumpSource =
  | { readonly kind: 'file'; readonly path: string; readonly startLsn?: bigint; readonly endLsn?: bigint }
  | { readonly kind: 'dir'; readonly dir: string; readonly timeline: number; readonly startLsn: bigint; readonly endLsn?: bigint };

const RELATION = /^\d+\/\d+\/\d+$/;

/** Problems with a filter set for a pg_waldump major, or [] when pg_waldump accepts it. */
export function filterProblems(filters: WaldumpFilters, major: number): string[] {
  const out: string[] = [];
  const needs15 = (what: string): void => {
    if (major < 15) out.push(`${what} needs pg_waldump 15 or later (this WAL is PostgreSQL ${major})`);
  };
  if (filters.relation !== undefined) {
    if (!RELATION.test(filters.relation)) out.push(`relation "${filters.relation}" is not tablespace/database/relfilenode (e.g. 1663/5/16396)`);
    needs15('--relation');
  }
  if (filters.block !== undefined) {
    if (!Number.isInteger(filters.block) || filters.block < 0 || filters.block > 0xfffffffe) out.push(`block ${filters.block} is not a block number`);
    if (filters.relation === undefined) out.push('--block needs --relation');
    needs15('--block');
  }
  if (filters.fork !== undefined) needs15('--fork');
  if (filters.fpw) needs15('--fpw');
  if (filters.xid !== undefined && (!Number.isInteger(filters.xid) || filters.xid < 0 || filters.xid > 0xffffffff)) out.push(`xid ${filters.xid} is not a transaction id`);
  return out;
}

function filterArgs(filters: WaldumpFilters): string[] {
  const args: string[] = [];
  if (filters.rmgr !== undefined) args.push(`--rmgr=${filters.rmgr}`);
  if (filters.xid !== undefined) args.push(`--xid=${filters.xid}`);
  if (filters.relation !== undefined) args.push(`--relation=${filters.relation}`);
  if (filters.block !== undefined) args.push(`--block=${filters.block}`);
  if (filters.fork !== undefined) args.push(`--fork=${filters.fork}`);
  if (filters.fpw) args.push('--fpw');
  if (filters.bkpDetails) args.push('--bkp-details');
  return args;
}

/** pg_waldump's arguments for a source, filters and optionally `--stats` / `--stats=record`. */
export function waldumpArgs(source: DumpSource, filters: WaldumpFilters = {}, stats?: 'rmgr' | 'record'): string[] {
  const args = filterArgs(filters);
  if (stats) args.push(stats === 'record' ? '--stats=record' : '--stats');
  if (source.startLsn !== undefined) args.push(`--start=${formatLsn(source.startLsn)}`);
  if (source.endLsn !== undefined) args.push(`--end=${formatLsn(source.endLsn)}`);
  if (source.kind === 'dir') {
    args.push(`--path=${source.dir}`, `--timeline=${source.timeline}`);
  } else {
    args.push(source.path);
  }
  return args;
}

/** A short human description of the filters (`-r Heap, --fpw`), '' when there are none. */
export function describeFilters(filters: WaldumpFilters): string {
  return filterArgs(filters).join(' ');
}

export interface RangeFiles {
  /** File names (from `names`) in LSN order, one per segment of the range that is there. */
  readonly files: string[];
  /** Names of the segments of the range that are not there. */
  readonly missing: string[];
}

/**
 * The segment files that cover [startLsn, endLsn) on a timeline, chosen from the names in a
 * directory (plain, `.partial`, or compressed names are accepted; the plain one wins).
 * Without an end, every later segment of the timeline that is there, up to the first gap.
 */
export function segmentsForRange(
  names: readonly string[], timeline: number, startLsn: bigint, endLsn: bigint | undefined, segSize: number = DEFAULT_SEGMENT_SIZE,
): RangeFiles {
  const bySeg = new Map<bigint, string>();
  for (const n of names) {
    const w = parseWalFileName(n, segSize);
    if (!w || w.timeline !== timeline) continue;
    const had = bySeg.get(w.segmentNumber);
    // prefer the plain name, then .partial, then compressed
    const rank = (x: string): number => (x.length === 24 ? 0 : x.endsWith('.partial') ? 1 : 2);
    if (had === undefined || rank(n) < rank(had)) bySeg.set(w.segmentNumber, n);
  }
  const first = segmentNumber(startLsn, segSize);
  const files: string[] = [];
  const missing: string[] = [];
  if (endLsn !== undefined) {
    const last = segmentNumber(endLsn > startLsn ? endLsn - 1n : startLsn, segSize);
    for (let s = first; s <= last; s++) {
      const n = bySeg.get(s);
      if (n === undefined) missing.push(segmentFileName(timeline, s, segSize));
      else files.push(n);
    }
    return { files, missing };
  }
  for (let s = first; ; s++) {
    const n = bySeg.get(s);
    if (n === undefined) {
      if (files.length === 0) missing.push(segmentFileName(timeline, s, segSize));
      break;
    }
    files.push(n);
  }
  return { files, missing };
}
