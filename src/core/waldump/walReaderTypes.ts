// What the built-in WAL reader reports: records with their block references, facts about the
// WAL stream, and why reading stopped. Reading never throws for bad input: it stops with a
// WalReadEnd that says where and why.

export type FpiCompression = 'none' | 'pglz' | 'lz4' | 'zstd' | 'unknown';

/** A full-page image stored in a block reference (XLogRecordBlockImageHeader). */
export interface WalBlockImage {
  /** Bytes of the image as stored in the record (bimg_len): without the hole, maybe compressed. */
  readonly length: number;
  readonly holeOffset: number;
  readonly holeLength: number;
  /** BKPIMAGE_APPLY: replay restores the page; false means "FPW for WAL verification". */
  readonly apply: boolean;
  readonly compression: FpiCompression;
  /** The raw bimg_info byte, whose bits differ between 13/14 and 15+. */
  readonly info: number;
}

export interface WalBlockRef {
  /** Block reference id (blkref #N). */
  readonly id: number;
  readonly spcOid: number;
  readonly dbOid: number;
  readonly relNumber: number;
  /** Fork number: 0 main, 1 fsm, 2 vm, 3 init. */
  readonly fork: number;
  readonly forkName: string;
  readonly block: number;
  /** BKPBLOCK_SAME_REL: the relation was omitted and repeats the previous block's. */
  readonly sameRel: boolean;
  readonly willInit: boolean;
  readonly hasData: boolean;
  readonly dataLength: number;
  readonly image?: WalBlockImage;
}

export interface WalRecord {
  readonly lsn: bigint;
  /** Where the record's last byte ends (before alignment padding). */
  readonly endLsn: bigint;
  readonly prev: bigint;
  readonly xid: number;
  readonly rmid: number;
  readonly rmgr: string;
  /** xl_info as stored. */
  readonly info: number;
  /** Record type name as pg_waldump prints it (e.g. INSERT+INIT, COMMIT, PRUNE_ON_ACCESS). */
  readonly type: string;
  /** xl_tot_len: pg_waldump's `tot`. */
  readonly totalLength: number;
  /** xl_tot_len minus the stored bytes of all page images: pg_waldump's `rec`. */
  readonly recordLength: number;
  /** Stored bytes of all page images. */
  readonly fpiLength: number;
  readonly crc: number;
  readonly blocks: readonly WalBlockRef[];
  readonly mainDataLength: number;
  /** Replication origin (XLR_BLOCK_ID_ORIGIN), when the record has one. */
  readonly origin?: number;
  /** Top-level transaction id (XLR_BLOCK_ID_TOPLEVEL_XID, 14+), when the record has one. */
  readonly toplevelXid?: number;
}

/** Facts read from the first page (the long page header) of the first segment. */
export interface WalStreamInfo {
  readonly magic: number;
  readonly major: number;
  readonly timeline: number;
  readonly systemId: bigint;
  readonly segmentSize: number;
  readonly xlogBlockSize: number;
  /** Segment number of the first segment read. */
  readonly firstSegNo: number;
  readonly firstSegmentName: string;
}

export type WalReadEndKind =
  /** A zeroed or invalid record header, a zeroed page or a recycled page: the usual end of WAL. */
  | 'end-of-wal'
  /** A record that fails validation: CRC, prev-link, lengths, block headers. */
  | 'invalid-record'
  /** The next segment is not among the given files, or the callback gave none. */
  | 'missing-segment'
  /** A file ends before a whole page. */
  | 'truncated'
  /** Page magic of no supported major version. */
  | 'unknown-magic'
  /** The first page is not a valid first page of a WAL segment. */
  | 'invalid-segment'
  /** A file could not be opened or read. */
  | 'io-error'
  /** Reading was limited to one segment, and the next record starts after it. */
  | 'segment-end';

export interface WalReadEnd {
  readonly kind: WalReadEndKind;
  /** Where reading stopped: the start of the record (or page) that could not be read. */
  readonly lsn: bigint;
  /** A sentence for people, in the spirit of pg_waldump's own messages. */
  readonly message: string;
  /** The LSN after which no valid record was found (the end of the last good record). */
  readonly lastValidEnd?: bigint;
}
