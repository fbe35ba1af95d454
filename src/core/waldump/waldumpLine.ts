// The typed result of reading one line of pg_waldump output. Records keep the column offsets
// (start inclusive, end exclusive, in UTF-16 units of the line) of each of their parts, so an
// editor can hover or highlight them without parsing again. Numbers are kept as plain numbers
// (all are 32-bit unsigned in pg_waldump); LSNs as their two 32-bit halves, with bigint getters.
import { inlineBlockRefs } from './blockRefScanner';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A block reference, inline (`, blkref #0: rel 1663/5/16396 blk 8216 FPW`) or on its own `-b` line. */
export interface BlockRef {
  readonly id: number;
  readonly spcOid: number;
  readonly dbOid: number;
  readonly relNumber: number;
  /** Fork name; pg_waldump leaves out `fork main` inline, so an omitted fork reads as 'main'. */
  readonly fork: string;
  readonly block: number;
  /** The record carries a full-page image of this block. */
  readonly fpw: boolean;
  /** The image is only there for wal_consistency_checking (`FPW for WAL verification`). */
  readonly fpwForVerification: boolean;
  /** `-b` details: hole offset and length, bytes saved by compression and its method; -1 / '' when absent. */
  readonly holeOffset: number;
  readonly holeLength: number;
  readonly compressionSaved: number;
  readonly compressionMethod: string;
  /** From `blkref` to the end of this reference. */
  readonly start: number;
  readonly end: number;
  /** `spc/db/rel` triple. */
  readonly relStart: number;
  readonly relEnd: number;
  /** Fork name, or -1 when the fork is not printed. */
  readonly forkStart: number;
  readonly forkEnd: number;
  /** The block number. */
  readonly blkStart: number;
  readonly blkEnd: number;
  /** `FPW`, `FPW for WAL verification` or `(FPW…)`, or -1. */
  readonly fpwStart: number;
  readonly fpwEnd: number;
}

// Fields are declared, not initialised, and assigned in the constructor: with ES2022 class-field
// semantics, initialised fields would cost a define per field on every one of millions of records.
export class WalRecordLine {
  declare readonly kind: 'record';
  declare readonly line: string;
  declare readonly recLen: number;
  declare readonly totLen: number;
  declare readonly xid: number;
  /** High 32 bits of the record's LSN. */
  declare readonly lsnHi: number;
  /** Low 32 bits of the record's LSN. */
  declare readonly lsnLo: number;
  declare readonly prevHi: number;
  declare readonly prevLo: number;
  /** Offset of the first inline `blkref #`, or -1 when the line has none. */
  declare readonly blockRefsStart: number;
  /** How many inline block references the line has. */
  declare readonly blockRefCount: number;
  /** True when any block reference carries a full-page image. */
  declare readonly hasFpw: boolean;
  /** Column ranges [start, end) of the parts; the rmgr name starts at column 6. */
  declare readonly rmgrEnd: number;
  declare readonly recLenStart: number;
  declare readonly recLenEnd: number;
  declare readonly totLenStart: number;
  declare readonly totLenEnd: number;
  declare readonly xidStart: number;
  declare readonly xidEnd: number;
  declare readonly lsnStart: number;
  declare readonly lsnEnd: number;
  declare readonly prevStart: number;
  declare readonly prevEnd: number;
  declare readonly typeStart: number;
  declare readonly typeEnd: number;
  /** The desc payload after the type, without trailing blanks and without inline blkrefs. */
  declare readonly descStart: number;
  declare readonly descEnd: number;

  constructor(
    line: string,
    recLen: number,
    totLen: number,
    xid: number,
    lsnHi: number,
    lsnLo: number,
    prevHi: number,
    prevLo: number,
    blockRefsStart: number,
    blockRefCount: number,
    hasFpw: boolean,
    rmgrEnd: number,
    recLenStart: number,
    recLenEnd: number,
    totLenStart: number,
    totLenEnd: number,
    xidStart: number,
    xidEnd: number,
    lsnStart: number,
    lsnEnd: number,
    prevStart: number,
    prevEnd: number,
    typeStart: number,
    typeEnd: number,
    descStart: number,
    descEnd: number,
  ) {
    this.kind = 'record';
    this.line = line;
    this.recLen = recLen;
    this.totLen = totLen;
    this.xid = xid;
    this.lsnHi = lsnHi;
    this.lsnLo = lsnLo;
    this.prevHi = prevHi;
    this.prevLo = prevLo;
    this.blockRefsStart = blockRefsStart;
    this.blockRefCount = blockRefCount;
    this.hasFpw = hasFpw;
    this.rmgrEnd = rmgrEnd;
    this.recLenStart = recLenStart;
    this.recLenEnd = recLenEnd;
    this.totLenStart = totLenStart;
    this.totLenEnd = totLenEnd;
    this.xidStart = xidStart;
    this.xidEnd = xidEnd;
    this.lsnStart = lsnStart;
    this.lsnEnd = lsnEnd;
    this.prevStart = prevStart;
    this.prevEnd = prevEnd;
    this.typeStart = typeStart;
    this.typeEnd = typeEnd;
    this.descStart = descStart;
    this.descEnd = descEnd;
  }

  // The names are cut from the line when asked for: most consumers of millions of records
  // (the index, the grammar) never need them, and two strings per record are a third of the garbage.
  /** The resource manager name, e.g. `Heap2`. */
  get rmgr(): string {
    return this.line.slice(6, this.rmgrEnd);
  }
  /** Record type as printed, e.g. `INSERT+INIT`, `PRUNE_ON_ACCESS`, `UNKNOWN (70)`. */
  get type(): string {
    return this.line.slice(this.typeStart, this.typeEnd);
  }
  get rmgrStart(): number {
    return 6;
  }
  get desc(): string {
    return this.line.slice(this.descStart, this.descEnd);
  }
  get lsn(): bigint {
    return (BigInt(this.lsnHi) << 32n) | BigInt(this.lsnLo);
  }
  get prev(): bigint {
    return (BigInt(this.prevHi) << 32n) | BigInt(this.prevLo);
  }
  get lsnText(): string {
    return this.line.slice(this.lsnStart, this.lsnEnd);
  }
  get prevText(): string {
    return this.line.slice(this.prevStart, this.prevEnd);
  }
  /**
   * Inline block references (the `-b` form puts them on the lines that follow). The parser only
   * checks them; each read of this property builds them anew from the line (a fraction of a
   * microsecond), so keep the array when you need it more than once.
   */
  get blockRefs(): readonly BlockRef[] {
    return this.blockRefsStart < 0 ? NO_REFS : inlineBlockRefs(this.line, this.blockRefsStart);
  }
  /** The type without a `+INIT` suffix. */
  get baseType(): string {
    return this.type.endsWith('+INIT') ? this.type.slice(0, -5) : this.type;
  }
  /** Named column ranges of the fixed parts, for hovers. */
  spans(): Readonly<Record<'rmgr' | 'recLen' | 'totLen' | 'xid' | 'lsn' | 'prev' | 'type' | 'desc', Span>> {
    return {
      rmgr: { start: 6, end: this.rmgrEnd },
      recLen: { start: this.recLenStart, end: this.recLenEnd },
      totLen: { start: this.totLenStart, end: this.totLenEnd },
      xid: { start: this.xidStart, end: this.xidEnd },
      lsn: { start: this.lsnStart, end: this.lsnEnd },
      prev: { start: this.prevStart, end: this.prevEnd },
      type: { start: this.typeStart, end: this.typeEnd },
      desc: { start: this.descStart, end: this.descEnd },
    };
  }
}

const NO_REFS: readonly BlockRef[] = Object.freeze([]);

/** A tab-indented `-b` line that belongs to the record line above it. */
export interface BlockRefLine {
  readonly kind: 'blockRef';
  readonly line: string;
  readonly blockRef: BlockRef;
}

export type MessageLevel = 'fatal' | 'error' | 'warning' | 'info' | 'detail' | 'hint' | 'other';

/** A `pg_waldump: level: text` line from stderr. */
export interface WaldumpMessageLine {
  readonly kind: 'message';
  readonly line: string;
  readonly level: MessageLevel;
  /** The message text after the level. */
  readonly text: string;
  readonly textStart: number;
  /** The normal end of the WAL that was there to read, not a failure. */
  readonly endOfWal: boolean;
  /** 'information' for the end of WAL and info/hint/detail lines, else 'error' or 'warning'. */
  readonly severity: 'information' | 'warning' | 'error';
  /** LSNs named in the text, with their offsets in the line. */
  readonly lsns: readonly (Span & { readonly text: string })[];
}

export interface BlankLine {
  readonly kind: 'blank';
  readonly line: string;
}

/** A line we could not read; kept as text, never thrown. */
export interface UnparsedLine {
  readonly kind: 'unparsed';
  readonly line: string;
  /** Offset at which reading stopped. */
  readonly at: number;
}

export type WaldumpLine = WalRecordLine | BlockRefLine | WaldumpMessageLine | BlankLine | UnparsedLine;
