// Where the WAL reader gets segment bytes from: files on disk (read in chunks through a file
// descriptor, so memory stays bounded), buffers already in memory, or a callback that opens
// the next segment on demand. Also WAL segment file names.
import { closeSync, openSync, readSync } from 'node:fs';
import * as path from 'node:path';

/** An open segment: reads return fewer bytes than asked only at the end of the file. */
export interface WalSegmentHandle {
  /** File name (or a label) for messages. */
  readonly name: string;
  /** Bytes [offset, offset+length) or fewer at end of file. The result may be reused by the next call. */
  readChunk(offset: number, length: number): Uint8Array;
  close(): void;
}

/** Something to open WAL segments from. Errors are returned as messages, never thrown. */
export interface WalSegmentSource {
  /** The segment reading starts with. */
  openFirst(): WalSegmentHandle | string;
  /** Another segment, once the segment size is known; undefined when there is none. */
  openSegment(segNo: number, timeline: number, segmentSize: number): WalSegmentHandle | undefined | string;
}

const SEGMENT_NAME = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\.partial)?$/;

export function segmentsPerXLogId(segmentSize: number): number {
  return 0x100000000 / segmentSize;
}

/** The file name PostgreSQL gives a segment: %08X%08X%08X of timeline, log id, segment. */
export function walSegmentFileName(timeline: number, segNo: number, segmentSize: number): string {
  const per = segmentsPerXLogId(segmentSize);
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
  return hex(timeline) + hex(Math.floor(segNo / per)) + hex(segNo % per);
}

/** Timeline and segment number from a segment file name, or undefined if it is not one. */
export function parseWalSegmentFileName(name: string, segmentSize: number): { timeline: number; segNo: number } | undefined {
  const m = SEGMENT_NAME.exec(path.basename(name));
  if (!m) return undefined;
  const per = segmentsPerXLogId(segmentSize);
  const seg = parseInt(m[3] as string, 16);
  if (seg >= per) return undefined;
  return { timeline: parseInt(m[1] as string, 16), segNo: parseInt(m[2] as string, 16) * per + seg };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

class FileSegment implements WalSegmentHandle {
  private buf: Buffer = Buffer.alloc(0);
  readonly name: string;
  constructor(private readonly fd: number, file: string, private readonly ownsFd = true) {
    this.name = path.basename(file);
  }
  readChunk(offset: number, length: number): Uint8Array {
    if (this.buf.length < length) this.buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, this.buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return this.buf.subarray(0, got);
  }
  close(): void {
    if (!this.ownsFd) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

class MemorySegment implements WalSegmentHandle {
  constructor(readonly name: string, private readonly data: Uint8Array) {}
  readChunk(offset: number, length: number): Uint8Array {
    return this.data.subarray(Math.min(offset, this.data.length), Math.min(offset + length, this.data.length));
  }
  close(): void {
    // nothing to release
  }
}

/** Opens a segment file, or returns why it could not. Read errors later surface from readChunk. */
export function openSegmentFile(file: string): WalSegmentHandle | string {
  try {
    return new FileSegment(openSync(file, 'r'), file);
  } catch (e) {
    return `could not open WAL segment ${file}: ${errorText(e)}`;
  }
}

/** A segment read through a file descriptor the caller opened (and closes: the reader does not). */
export function fdSegment(fd: number, name: string): WalSegmentHandle {
  return new FileSegment(fd, name, false);
}

export function memorySegment(name: string, data: Uint8Array): WalSegmentHandle {
  return new MemorySegment(name, data);
}

/** Reads the xlp_pageaddr of a segment's first page, to place a file without a standard name. */
function firstPageAddr(handle: WalSegmentHandle): number | undefined {
  try {
    const head = handle.readChunk(0, 16);
    if (head.length < 16) return undefined;
    const dv = new DataView(head.buffer, head.byteOffset, 16);
    return Number(dv.getBigUint64(8, true));
  } catch {
    return undefined;
  }
}

/**
 * Segments from a list of files: the first file is where reading starts; the others are
 * found by their names (or, for other names, by the address in their first page header).
 */
export function fileSegmentSource(files: readonly string[]): WalSegmentSource {
  return {
    openFirst() {
      const first = files[0];
      if (first === undefined) return 'no WAL segment files given';
      return openSegmentFile(first);
    },
    openSegment(segNo, timeline, segmentSize) {
      let fallback: string | undefined;
      for (const f of files) {
        const parsed = parseWalSegmentFileName(f, segmentSize);
        if (parsed) {
          if (parsed.segNo === segNo && parsed.timeline === timeline) return openSegmentFile(f);
          if (parsed.segNo === segNo) fallback ??= f;
        }
      }
      if (fallback !== undefined) return openSegmentFile(fallback);
      for (const f of files) {
        if (parseWalSegmentFileName(f, segmentSize)) continue;
        const h = openSegmentFile(f);
        if (typeof h === 'string') continue;
        const addr = firstPageAddr(h);
        if (addr !== undefined && Math.floor(addr / segmentSize) === segNo && addr % segmentSize === 0) return h;
        h.close();
      }
      return undefined;
    },
  };
}

/** Segments already in memory; the first is where reading starts, the others are placed by their page address. */
export function bufferSegmentSource(segments: readonly Uint8Array[]): WalSegmentSource {
  return {
    openFirst() {
      const first = segments[0];
      if (first === undefined) return 'no WAL segments given';
      return memorySegment('segment 1', first);
    },
    openSegment(segNo, _timeline, segmentSize) {
      for (let i = 1; i < segments.length; i++) {
        const h = memorySegment(`segment ${i + 1}`, segments[i] as Uint8Array);
        const addr = firstPageAddr(h);
        if (addr !== undefined && addr === segNo * segmentSize) return h;
      }
      return undefined;
    },
  };
}

/** A first segment plus a callback that names (or hands over) each following one. */
export function callbackSegmentSource(
  first: string | Uint8Array | WalSegmentHandle,
  openNext: (segNo: number, timeline: number, fileName: string) => string | Uint8Array | WalSegmentHandle | undefined,
): WalSegmentSource {
  const open = (x: string | Uint8Array | WalSegmentHandle, label: string): WalSegmentHandle | string =>
    typeof x === 'string' ? openSegmentFile(x) : x instanceof Uint8Array ? memorySegment(label, x) : x;
  return {
    openFirst: () => open(first, 'first segment'),
    openSegment(segNo, timeline, segmentSize) {
      const name = walSegmentFileName(timeline, segNo, segmentSize);
      let next: string | Uint8Array | WalSegmentHandle | undefined;
      try {
        next = openNext(segNo, timeline, name);
      } catch (e) {
        return `could not open WAL segment ${name}: ${errorText(e)}`;
      }
      return next === undefined ? undefined : open(next, name);
    },
  };
}

/** A clearer message for files that are not WAL segments but often sit beside them. */
export function notWalHint(name: string, magic: number): string | undefined {
  if (name.endsWith('.history')) return 'a timeline history file, not a WAL segment';
  if (name.endsWith('.backup')) return 'a backup history file, not a WAL segment';
  // gzip's magic bytes 1F 8B, read as a little-endian 16-bit number.
  if (magic === 0x8b1f) return 'gzip-compressed: decompress it first (the viewer does this for files named .gz and .gz.partial)';
  return undefined;
}
