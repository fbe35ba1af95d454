// Prepares a WAL file for the viewer: a `.gz` (as pg_probackup's archive-push writes them, or
// pg_receivewal's `.gz.partial`) is decompressed to a temporary file, a `.partial` is linked under its plain segment name (pg_waldump
// finds segments by name), and the first page header tells the major version, timeline and
// segment size. Errors are sentences for people.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { makeTempDir } from '../process/tempDirs';
import { detectWalMagic } from './pageMagic';
import { isValidSegmentSize, parseWalFileName } from './walSegment';

export interface SegmentHeader {
  readonly major: number | undefined;
  /** Why the major is unknown (unknown magic, short file). */
  readonly problem: string | undefined;
  readonly timeline: number | undefined;
  readonly segmentSize: number | undefined;
}

/** Reads the long page header at the start of a segment file. */
export async function readSegmentHeader(file: string): Promise<SegmentHeader> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(40);
    const { bytesRead } = await fh.read(buf, 0, 40, 0);
    const head = buf.subarray(0, bytesRead);
    const magic = detectWalMagic(head);
    const dv = new DataView(buf.buffer, 0, 40);
    const long = bytesRead >= 40 && (dv.getUint16(2, true) & 0x0002) !== 0;
    const segSize = long ? dv.getUint32(32, true) : undefined;
    return {
      major: magic.kind === 'known' ? magic.major : undefined,
      problem: magic.kind === 'known' ? undefined : `${path.basename(file)}: ${magic.message}`,
      timeline: bytesRead >= 8 ? dv.getUint32(4, true) : undefined,
      segmentSize: segSize !== undefined && isValidSegmentSize(segSize) ? segSize : undefined,
    };
  } finally {
    await fh.close();
  }
}

export interface PreparedInput {
  /** The file to read: the original, or a temporary one named like a plain segment. */
  readonly file: string;
  /** The plain 24-digit name, when the name is a segment name. */
  readonly segmentName: string | undefined;
  /** Removes what was made; safe to call twice. */
  dispose(): Promise<void>;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = new Uint8Array(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Makes `file` readable by pg_waldump and the built-in reader. */
export async function prepareSegmentInput(file: string): Promise<PreparedInput> {
  const name = path.basename(file);
  const parsed = parseWalFileName(name);
  // pg_receivewal names the segment it is still writing X.gz.partial (X.lz4.partial with lz4).
  const gz = parsed !== undefined ? parsed.compression === 'gz' : name.endsWith('.gz');
  const partial = parsed?.partial === true;
  if (parsed?.compression === 'lz4' || parsed?.compression === 'zst') {
    const tool = parsed.compression === 'lz4' ? 'lz4 -d' : 'zstd -d';
    throw new Error(`${name} is ${parsed.compression === 'lz4' ? 'LZ4' : 'Zstandard'}-compressed, which the viewer cannot decompress; ` +
      `decompress it with \`${tool}\` and open the result`);
  }
  if (!gz && !partial) return { file, segmentName: parsed?.baseName, dispose: async () => undefined };
  const dir = await makeTempDir('wal');
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const target = path.join(dir, parsed?.baseName ?? name.replace(/\.partial$/, '').replace(/\.gz$/, ''));
  try {
    if (gz) {
      if (!(await isGzip(file))) throw new Error(`${name} is not a gzip file (it does not start with the gzip signature 1f 8b), so it cannot be decompressed`);
      try {
        await pipeline(createReadStream(file), createGunzip(), createWriteStream(target));
      } catch (e) {
        throw new Error(`${name}: could not decompress: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      await symlink(path.resolve(file), target);
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  return { file: target, segmentName: parsed?.baseName, dispose };
}
