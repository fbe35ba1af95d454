// Convenience entry points over WalReader: list the records of one segment, or read a run of
// segment files to the end of WAL.
import { WalReader } from './walReader';
import type { WalReaderOptions } from './walReader';
import { bufferSegmentSource, callbackSegmentSource, fileSegmentSource } from './walReaderSource';
import type { WalRecord, WalReadEnd, WalStreamInfo } from './walReaderTypes';

export interface WalListing {
  readonly info: WalStreamInfo | undefined;
  readonly records: WalRecord[];
  readonly end: WalReadEnd;
}

function drain(reader: WalReader, limit: number | undefined): WalListing {
  const records: WalRecord[] = [];
  for (;;) {
    if (limit !== undefined && records.length >= limit) {
      reader.close();
      return {
        info: reader.info,
        records,
        end: { kind: 'segment-end', lsn: records.at(-1)?.endLsn ?? 0n, message: `stopped after ${limit} records` },
      };
    }
    const r = reader.next();
    if (r === undefined) break;
    records.push(r);
  }
  return { info: reader.info, records, end: reader.end ?? { kind: 'end-of-wal', lsn: 0n, message: 'no end reported' } };
}

export interface ListOptions extends WalReaderOptions {
  /** Stop after this many records. */
  readonly limit?: number;
  /**
   * The segments after the listed one, for the last record that continues into the next
   * segment: file paths or buffers, or a callback given the segment number and file name.
   */
  readonly following?: readonly (string | Uint8Array)[] | ((segNo: number, timeline: number, fileName: string) => string | Uint8Array | undefined);
}

/**
 * The records that start in one segment (a file path or its bytes). The last of them may end
 * in the next segment; give `following` to complete it, otherwise reading ends there with kind
 * 'missing-segment'.
 */
export function listSegment(segment: string | Uint8Array, options: ListOptions = {}): WalListing {
  const following = options.following;
  let source;
  if (typeof following === 'function') {
    source = callbackSegmentSource(segment, following);
  } else if (typeof segment === 'string' && (following === undefined || following.every((f) => typeof f === 'string'))) {
    source = fileSegmentSource([segment, ...((following ?? []) as string[])]);
  } else {
    const rest = following ?? [];
    source = callbackSegmentSource(segment, (segNo, _tli, name) => {
      for (const f of rest) {
        if (typeof f === 'string' ? f.endsWith(name) : firstPageSegNo(f, segNo)) return f;
      }
      return undefined;
    });
  }
  return drain(new WalReader(source, { ...options, singleSegment: true }), options.limit);
}

function firstPageSegNo(buf: Uint8Array, segNo: number): boolean {
  if (buf.length < 40) return false;
  const dv = new DataView(buf.buffer, buf.byteOffset, 40);
  const segSize = dv.getUint32(32, true);
  return segSize > 0 && Number(dv.getBigUint64(8, true)) === segNo * segSize;
}

/** Reads from the first of `files` through the others, to the end of WAL. */
export function readWalFiles(files: readonly string[], options: ListOptions = {}): WalListing {
  return drain(new WalReader(fileSegmentSource(files), options), options.limit);
}

/** Reads from the first of `segments` (bytes in memory) through the others, to the end of WAL. */
export function readWalBuffers(segments: readonly Uint8Array[], options: ListOptions = {}): WalListing {
  return drain(new WalReader(bufferSegmentSource(segments), options), options.limit);
}
