// The record object the reader hands out. LSNs are kept as numbers (exact below 2^53) and turned
// into bigint only when read, so iterating a busy segment does not allocate three bigints per
// record that nobody looks at.
import type { WalBlockRef, WalRecord } from './walReaderTypes';

export interface RecordParts {
  readonly lsn: number;
  readonly end: number;
  readonly prev: number;
  readonly xid: number;
  readonly rmid: number;
  readonly rmgr: string;
  readonly info: number;
  readonly type: string;
  readonly totalLength: number;
  readonly fpiLength: number;
  readonly crc: number;
  readonly blocks: readonly WalBlockRef[];
  readonly mainDataLength: number;
  readonly origin: number | undefined;
  readonly toplevelXid: number | undefined;
}

export class DecodedWalRecord implements WalRecord {
  readonly xid: number;
  readonly rmid: number;
  readonly rmgr: string;
  readonly info: number;
  readonly type: string;
  readonly totalLength: number;
  readonly recordLength: number;
  readonly fpiLength: number;
  readonly crc: number;
  readonly blocks: readonly WalBlockRef[];
  readonly mainDataLength: number;
  readonly origin?: number;
  readonly toplevelXid?: number;
  /** The LSN as a number, for cheap comparisons and arithmetic. */
  readonly lsnNumber: number;
  readonly endLsnNumber: number;
  readonly prevNumber: number;

  constructor(p: RecordParts) {
    this.lsnNumber = p.lsn;
    this.endLsnNumber = p.end;
    this.prevNumber = p.prev;
    this.xid = p.xid;
    this.rmid = p.rmid;
    this.rmgr = p.rmgr;
    this.info = p.info;
    this.type = p.type;
    this.totalLength = p.totalLength;
    this.recordLength = p.totalLength - p.fpiLength;
    this.fpiLength = p.fpiLength;
    this.crc = p.crc;
    this.blocks = p.blocks;
    this.mainDataLength = p.mainDataLength;
    if (p.origin !== undefined) this.origin = p.origin;
    if (p.toplevelXid !== undefined) this.toplevelXid = p.toplevelXid;
  }

  get lsn(): bigint {
    return BigInt(this.lsnNumber);
  }

  get endLsn(): bigint {
    return BigInt(this.endLsnNumber);
  }

  get prev(): bigint {
    return BigInt(this.prevNumber);
  }
}
