// Mutations of real WAL that get past the record checksum: bytes inside one record (its
// info and rmgr fields and its body) are changed and the CRC-32C is computed again the way
// PostgreSQL does (the body after the 24-byte header, then the header up to xl_crc), so the
// reader's decoder, not only its checksum test, sees the damage.
import fc from 'fast-check';
import { CRC32C_INIT, crc32cFinish, crc32cUpdate } from '../../src/core/waldump/crc32c';
import { listSegment } from '../../src/core/waldump/walReaderList';

const PAGE = 8192;
const HEADER = 24;
const CRC_AT = 20;

export interface RecordSpot {
  readonly seg: number;
  readonly offset: number;
  readonly totalLength: number;
}

/** Records that lie whole inside one page of their segment (so their bytes are contiguous). */
export function recordSpots(segs: readonly Uint8Array[]): RecordSpot[] {
  const spots: RecordSpot[] = [];
  segs.forEach((seg, i) => {
    if (seg.length < 40) return;
    const start = new DataView(seg.buffer, seg.byteOffset, 40).getBigUint64(8, true);
    for (const r of listSegment(seg, { following: segs.slice(i + 1) }).records) {
      const offset = Number(r.lsn - start);
      if (offset < 0 || offset + r.totalLength > seg.length) continue;
      if ((offset % PAGE) + r.totalLength <= PAGE) spots.push({ seg: i, offset, totalLength: r.totalLength });
    }
  });
  return spots;
}

function withCrc(buf: Uint8Array, at: number, totalLength: number): void {
  let c = crc32cUpdate(CRC32C_INIT, buf, at + HEADER, at + totalLength);
  c = crc32cUpdate(c, buf, at, at + CRC_AT);
  new DataView(buf.buffer, buf.byteOffset + at + CRC_AT, 4).setUint32(0, crc32cFinish(c), true);
}

/** A segment with one record changed in 1..8 bytes (xl_info, xl_rmid or the body) and its CRC made right again. */
export function crcFixedMutation(segs: readonly Uint8Array[], spots: readonly RecordSpot[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(
    fc.nat(Math.max(0, spots.length - 1)),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.nat(255)), { minLength: 1, maxLength: 8 }),
  ).map(([k, edits]) => {
    const spot = spots[k];
    const base = spot === undefined ? undefined : segs[spot.seg];
    if (spot === undefined || base === undefined) return new Uint8Array(0);
    const out = new Uint8Array(base);
    // Editable bytes: xl_info and xl_rmid (16, 17) and the body after the header.
    const editable = 2 + (spot.totalLength - HEADER);
    for (const [f, v] of edits) {
      const j = Math.floor(f * editable);
      const at = spot.offset + (j < 2 ? 16 + j : HEADER + (j - 2));
      out[at] = v;
    }
    withCrc(out, spot.offset, spot.totalLength);
    return out;
  });
}
