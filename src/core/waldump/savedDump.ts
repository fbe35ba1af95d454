// Reads a saved pg_waldump output file of any size line by line, with the byte offset where
// each line starts, so a viewer can page it in place (a page is a byte range of the file) instead
// of loading it whole: a dump of a busy WAL range can be gigabytes, far beyond what an editor
// loads. Memory stays at one chunk plus one line; the event loop gets a turn after every chunk.
import { open } from 'node:fs/promises';

export interface SavedDumpOptions {
  readonly signal?: AbortSignal;
  /**
   * Called for each line, without its '\n' (a '\r' before it is kept), with the byte offsets
   * where it starts and where the next line starts.
   */
  readonly onLine: (line: string, byteStart: number, byteEnd: number) => void;
  /** A longer line means the file is not pg_waldump output (pg_waldump lines are short). */
  readonly maxLineBytes?: number;
  /** Bytes read at a time. */
  readonly chunkBytes?: number;
  /** Without a record line (`rmgr: …`) in this many first bytes, the file is not a dump. */
  readonly sniffBytes?: number;
}

export type SavedDumpResult =
  | { readonly ok: true; readonly bytes: number; readonly lines: number }
  | { readonly ok: false; readonly bytes: number; readonly lines: number; readonly message: string };

const MiB = 1024 * 1024;

/** Streams `file` into `onLine`; never throws for a bad file, it says why in `message`. */
export async function readSavedDump(file: string, options: SavedDumpOptions): Promise<SavedDumpResult> {
  const maxLine = options.maxLineBytes ?? MiB;
  const chunkSize = options.chunkBytes ?? 4 * MiB;
  const sniff = options.sniffBytes ?? MiB;
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    return { ok: false, bytes: 0, lines: 0, message: `cannot open ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  // The unread tail of the previous chunk (a line cut between reads) is moved to the front.
  let buf = Buffer.allocUnsafe(chunkSize + maxLine + 1);
  let filled = 0;
  let base = 0; // file offset of buf[0]
  let lines = 0;
  let sawRecord = false;
  const fail = (message: string): SavedDumpResult => ({ ok: false, bytes: base, lines, message });
  const emit = (from: number, to: number, next: number): void => {
    const line = buf.toString('utf8', from, to);
    if (!sawRecord && line.startsWith('rmgr: ')) sawRecord = true;
    options.onLine(line, base + from, base + next);
    lines++;
  };
  try {
    for (;;) {
      if (options.signal?.aborted) return fail('cancelled');
      if (filled + chunkSize > buf.length) {
        const bigger = Buffer.allocUnsafe(filled + chunkSize);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, filled, chunkSize, base + filled);
      const end = filled + bytesRead;
      let from = 0;
      for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < end; nl = buf.indexOf(10, from)) {
        if (nl - from > maxLine) return fail(`not pg_waldump output: a line of more than ${maxLine} bytes at byte ${base + from}`);
        emit(from, nl, nl + 1);
        from = nl + 1;
        if (!sawRecord && base + from >= sniff) return fail(`not pg_waldump output: no line in the first ${Math.round(sniff / 1024)} KiB starts with "rmgr: "`);
      }
      if (end - from > maxLine) return fail(`not pg_waldump output: a line of more than ${maxLine} bytes at byte ${base + from}`);
      if (bytesRead === 0) {
        if (end > from) emit(from, end, end); // a last line without a newline
        base += end;
        if (!sawRecord) return fail('not pg_waldump output: no line starts with "rmgr: "');
        return { ok: true, bytes: base, lines };
      }
      buf.copy(buf, 0, from, end);
      filled = end - from;
      base += from;
      // Let the host's other work run between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    return fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    await fh.close();
  }
}
