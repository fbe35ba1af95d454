// The record object the reader hands out. LSNs are kept as two 32-bit halves (exact for every
// LSN, also past 2^53, where pg_resetwal -l can put a cluster) and turned into bigint only when
// read, so iterating a busy segment does not allocate three bigints per record nobody looks at.
import type { WalBlockRef, WalRecord } from './walReaderTypes';

export interface RecordParts {
  /** The LSN's high and low 32 bits (xlogid and xrecoff). */
  readonly lsnHi: number;
  readonly lsnLo: number;
  readonly endHi: number;
  readonly endLo: number;
  readonly prevHi: number;
  readonly prevLo: number;
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
  private readonly lsnHi: number;
  private readonly lsnLo: number;
  private readonly endHi: number;
  private readonly endLo: number;
  private readonly prevHi: number;
  private readonly prevLo: number;

  constructor(p: RecordParts) {
    this.lsnHi = p.lsnHi;
    this.lsnLo = p.lsnLo;
    this.endHi = p.endHi;
    this.endLo = p.endLo;
    this.prevHi = p.prevHi;
    this.prevLo = p.prevLo;
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
    return joinLsn(this.lsnHi, this.lsnLo);
  }

  get endLsn(): bigint {
    return joinLsn(this.endHi, this.endLo);
  }

  get prev(): bigint {
    return joinLsn(this.prevHi, this.prevLo);
  }
}

/** An LSN from its two halves; through a number while that is exact (every LSN below 2^53). */
export function joinLsn(hi: number, lo: number): bigint {
  return hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}
