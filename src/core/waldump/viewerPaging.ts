// The paging model of the WAL viewer. A busy 16 MB segment prints ~170,000 records (~31 MB of
// text); VS Code stops tokenizing a document above 20 MB or 300,000 lines and does not sync one
// above 50 MB to extensions, so the dump is cut into pages that each stay well under those
// limits. Lines stream in; the pager hands page text to a sink in chunks (the viewer spools it
// to a temp file per page) and keeps only a summary per page plus the end record of each
// transaction, so memory stays bounded however long the dump is.

export interface PageLimits {
  readonly maxRecords: number;
  readonly maxLines: number;
  /** UTF-16 units of text, newlines included. */
  readonly maxChars: number;
}

/** 50,000 records ≈ 9 MB and 50,000 lines without -b (≈ 150,000 lines with it). */
export const DEFAULT_PAGE_LIMITS: PageLimits = { maxRecords: 50_000, maxLines: 250_000, maxChars: 16 * 1024 * 1024 };

export interface PageInfo {
  readonly index: number;
  /** Line of the whole dump where this page starts (0-based). */
  readonly firstLine: number;
  lines: number;
  records: number;
  chars: number;
  /** LSNs of the first and last record line on the page (pg_waldump prints them in order). */
  firstLsn: bigint | undefined;
  lastLsn: bigint | undefined;
  complete: boolean;
}

export interface PageSink {
  /** Text for page `page`, in order; every chunk ends with a newline. */
  write(page: number, text: string): void;
  /** The page is complete (no more writes for it). */
  pageDone?(page: PageInfo): void;
}

export type TxEndKind = 'COMMIT' | 'ABORT' | 'COMMIT_PREPARED' | 'ABORT_PREPARED';
const TX_END_KINDS: readonly TxEndKind[] = ['COMMIT', 'ABORT', 'COMMIT_PREPARED', 'ABORT_PREPARED'];

export interface TxEnd {
  readonly kind: TxEndKind;
  readonly page: number;
  /** Line within its page (0-based). */
  readonly line: number;
}

export interface RecordHead {
  readonly xid: number;
  readonly lsnHi: number;
  readonly lsnLo: number;
}

const FLUSH_CHARS = 256 * 1024;

function hexAt(s: string, from: number, stop: number): number {
  let v = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === stop) break;
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 65 && c <= 70) d = c - 55;
    else if (c >= 97 && c <= 102) d = c - 87;
    else return -1;
    v = v * 16 + d;
  }
  return i === from ? -1 : v;
}

/**
 * The xid and LSN of a pg_waldump record line, read cheaply from fixed markers; undefined for
 * any other line. (The full parser is for hovers; the pager needs only these three numbers.)
 */
export function recordHead(line: string): RecordHead | undefined {
  if (!line.startsWith('rmgr: ')) return undefined;
  const tx = line.indexOf(', tx: ', 20);
  if (tx < 0) return undefined;
  let i = tx + 6;
  while (line.charCodeAt(i) === 32) i++;
  let xid = 0;
  const digits = i;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    xid = xid * 10 + (c - 48);
  }
  if (i === digits || !line.startsWith(', lsn: ', i)) return undefined;
  const hiAt = i + 7;
  const slash = line.indexOf('/', hiAt);
  if (slash < 0) return undefined;
  const lsnHi = hexAt(line, hiAt, 47);
  const lsnLo = hexAt(line, slash + 1, 44);
  if (lsnHi < 0 || lsnLo < 0) return undefined;
  return { xid, lsnHi, lsnLo };
}

function txEndKind(line: string): TxEndKind | undefined {
  if (!line.startsWith('rmgr: Transaction ')) return undefined;
  const d = line.indexOf('desc: ');
  if (d < 0) return undefined;
  const from = d + 6;
  let to = from;
  while (to < line.length && line.charCodeAt(to) !== 32) to++;
  const type = line.slice(from, to);
  return (TX_END_KINDS as readonly string[]).includes(type) ? (type as TxEndKind) : undefined;
}

const lsnOf = (h: RecordHead): bigint => (BigInt(h.lsnHi) << 32n) | BigInt(h.lsnLo);

export class DumpPager {
  private readonly pageList: PageInfo[] = [];
  private buffer: string[] = [];
  private bufferChars = 0;
  private totalLines = 0;
  private totalRecords = 0;
  private ended = false;
  /** xid → page * 2^20 + line, times 4, plus the end kind's index. */
  private readonly txEnds = new Map<number, number>();

  constructor(private readonly sink: PageSink, private readonly limits: PageLimits = DEFAULT_PAGE_LIMITS) {}

  get pages(): readonly PageInfo[] {
    const p = this.pageList.at(-1);
    if (p && !p.complete) this.settleLast(p);
    return this.pageList;
  }
  get lineCount(): number {
    return this.totalLines;
  }
  get recordCount(): number {
    return this.totalRecords;
  }
  get isEnded(): boolean {
    return this.ended;
  }

  private current(): PageInfo {
    let p = this.pageList.at(-1);
    if (!p || p.complete) {
      p = { index: this.pageList.length, firstLine: this.totalLines, lines: 0, records: 0, chars: 0, firstLsn: undefined, lastLsn: undefined, complete: false };
      this.pageList.push(p);
    }
    return p;
  }

  private flush(page: PageInfo): void {
    if (this.buffer.length === 0) return;
    this.buffer.push('');
    this.sink.write(page.index, this.buffer.join('\n'));
    this.buffer = [];
    this.bufferChars = 0;
  }

  /** The newest record line of the current page; its LSN is read when asked or when the page closes. */
  private lastRecord: string | undefined;

  private settleLast(page: PageInfo): void {
    if (this.lastRecord === undefined) return;
    const h = recordHead(this.lastRecord);
    if (h) page.lastLsn = lsnOf(h);
  }

  private closePage(page: PageInfo): void {
    this.settleLast(page);
    this.lastRecord = undefined;
    this.flush(page);
    page.complete = true;
    this.sink.pageDone?.(page);
  }

  /** Adds one line of output (without its newline). */
  addLine(line: string): void {
    if (this.ended) throw new Error('DumpPager: addLine after end');
    // Only the first and last record of a page and transaction ends are read in full: the
    // other lines just need to look like records (this loop runs for every line of the dump).
    const isRecord = line.charCodeAt(0) === 114 && line.startsWith('rmgr: ');
    let page = this.current();
    if (isRecord && page.records > 0 && (page.records >= this.limits.maxRecords || page.lines >= this.limits.maxLines || page.chars >= this.limits.maxChars)) {
      this.closePage(page);
      page = this.current();
    }
    if (isRecord) {
      const head = page.firstLsn === undefined || line.charCodeAt(6) === 84 /* T */ ? recordHead(line) : undefined;
      if (head) {
        if (page.firstLsn === undefined) page.firstLsn = lsnOf(head);
        const kind = line.charCodeAt(6) === 84 ? txEndKind(line) : undefined;
        if (kind) this.txEnds.set(head.xid, ((page.index * 0x100000 + page.lines) * 4) + TX_END_KINDS.indexOf(kind));
      }
      if (head || page.firstLsn !== undefined) {
        this.lastRecord = line;
        page.records++;
        this.totalRecords++;
      }
    }
    this.buffer.push(line);
    this.bufferChars += line.length + 1;
    page.lines++;
    page.chars += line.length + 1;
    this.totalLines++;
    if (this.bufferChars >= FLUSH_CHARS) this.flush(page);
  }

  /** Writes out what is buffered for the current page, so a reader of the sink sees every line so far. */
  sync(): void {
    const p = this.pageList.at(-1);
    if (p && !p.complete) this.flush(p);
  }

  /** The dump is complete. */
  end(): void {
    if (this.ended) return;
    const p = this.pageList.at(-1);
    if (p && !p.complete) this.closePage(p);
    this.ended = true;
  }

  /** The page that holds the record at `lsn`, or with `nearest` the page whose range contains it; -1 if none. */
  pageOfLsn(lsn: bigint, nearest = false): number {
    const cur = this.pageList.at(-1);
    if (cur && !cur.complete) this.settleLast(cur);
    let a = 0;
    let b = this.pageList.length - 1;
    let best = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const first = this.pageList[mid]?.firstLsn;
      if (first === undefined || first <= lsn) {
        best = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    if (best < 0) return nearest && this.pageList.length > 0 ? 0 : -1;
    const last = this.pageList[best]?.lastLsn;
    if (!nearest && (last === undefined || lsn > last)) {
      // After the last record of that page: only on the next page if it starts exactly there.
      return -1;
    }
    return best;
  }

  /** The COMMIT/ABORT record of a transaction, if the dump holds it. */
  txEnd(xid: number): TxEnd | undefined {
    const v = this.txEnds.get(xid);
    if (v === undefined) return undefined;
    const kind = TX_END_KINDS[v % 4] ?? 'COMMIT';
    const rest = Math.floor(v / 4);
    return { kind, page: Math.floor(rest / 0x100000), line: rest % 0x100000 };
  }

  /** Which page holds line `line` of the whole dump. */
  pageOfLine(line: number): number {
    let a = 0;
    let b = this.pageList.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >>> 1;
      if ((this.pageList[mid]?.firstLine ?? 0) <= line) a = mid;
      else b = mid - 1;
    }
    return this.pageList.length === 0 ? -1 : a;
  }
}
