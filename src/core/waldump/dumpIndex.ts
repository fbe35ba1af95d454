// An index over pg_waldump output, built as the text streams in: where each line starts,
// which lines are records, their LSNs (binary search) and which lines belong to a transaction.
// Lookups are O(log n) at any size, so hover and go-to stay instant at line 1,000,000.
import { parseRecordLine } from './recordLineParser';

const LOW = 0x100000000;

function grow<T extends Float64Array | Uint32Array | Int32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class WaldumpIndex {
  private starts = new Float64Array(1024);
  private lines = 0;
  private textLength = 0;
  private pending = '';
  private pendingStart = 0;
  private ended = false;
  // record k: line recLine[k], LSN (lsnHi[k], lsnLo[k])
  private recLine = new Int32Array(1024);
  private lsnHi = new Uint32Array(1024);
  private lsnLo = new Uint32Array(1024);
  private records = 0;
  private inOrder = true;
  private sortedOrder: Int32Array | undefined;
  private readonly byXid = new Map<number, number[]>();

  /** Adds the next piece of text; a line cut between chunks is completed by the next call. */
  append(chunk: string): void {
    if (this.ended) throw new Error('WaldumpIndex: append after end');
    let text = chunk;
    let base = this.textLength;
    if (this.pending !== '') {
      text = this.pending + chunk;
      base = this.pendingStart;
    }
    this.textLength += chunk.length;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.addLine(text, from, nl, base);
      from = nl + 1;
    }
    this.pending = text.slice(from);
    this.pendingStart = base + from;
  }

  /** Ends the text: a last line without a newline is indexed too. */
  end(): void {
    if (this.ended) return;
    if (this.pending !== '') this.addLine(this.pending, 0, this.pending.length, this.pendingStart);
    this.pending = '';
    this.ended = true;
  }

  /** Indexes a whole text at once. */
  static of(text: string): WaldumpIndex {
    const ix = new WaldumpIndex();
    ix.append(text);
    ix.end();
    return ix;
  }

  private addLine(text: string, from: number, to: number, base: number): void {
    const n = this.lines;
    this.starts = grow(this.starts, n + 1, (k) => new Float64Array(k));
    this.starts[n] = base + from;
    this.lines = n + 1;
    if (text.charCodeAt(from) !== 114 /* r */ || !text.startsWith('rmgr: ', from)) return;
    let end = to;
    if (end > from && text.charCodeAt(end - 1) === 13) end--;
    const rec = parseRecordLine(text.slice(from, end));
    if (!rec) return;
    const k = this.records;
    this.recLine = grow(this.recLine, k + 1, (m) => new Int32Array(m));
    this.lsnHi = grow(this.lsnHi, k + 1, (m) => new Uint32Array(m));
    this.lsnLo = grow(this.lsnLo, k + 1, (m) => new Uint32Array(m));
    this.recLine[k] = n;
    this.lsnHi[k] = rec.lsnHi;
    this.lsnLo[k] = rec.lsnLo;
    if (k > 0 && this.compareRecords(k - 1, k) > 0) this.inOrder = false;
    this.records = k + 1;
    this.sortedOrder = undefined;
    const list = this.byXid.get(rec.xid);
    if (list) list.push(n);
    else this.byXid.set(rec.xid, [n]);
  }

  private compareRecords(a: number, b: number): number {
    const ha = this.lsnHi[a] ?? 0;
    const hb = this.lsnHi[b] ?? 0;
    if (ha !== hb) return ha - hb;
    return (this.lsnLo[a] ?? 0) - (this.lsnLo[b] ?? 0);
  }

  /** Complete lines so far (plus the last one after end()). */
  get lineCount(): number {
    return this.lines;
  }

  get recordCount(): number {
    return this.records;
  }

  /** Offset in the text where line i starts. */
  lineStart(i: number): number {
    if (i < 0 || i >= this.lines) throw new RangeError(`no line ${i}`);
    return this.starts[i] ?? 0;
  }

  /** The line that holds text offset `offset` (binary search). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lines - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private order(): Int32Array | undefined {
    if (this.inOrder) return undefined;
    if (!this.sortedOrder) {
      const idx = Int32Array.from({ length: this.records }, (_, i) => i);
      idx.sort((a, b) => this.compareRecords(a, b) || a - b);
      this.sortedOrder = idx;
    }
    return this.sortedOrder;
  }

  /**
   * The line of the record at `lsn`, or with `nearest`, of the last record starting at or before
   * it (the record that contains that WAL position). -1 when there is none.
   */
  lineOfLsn(lsn: bigint, nearest = false): number {
    const hi = Number(lsn / BigInt(LOW));
    const lo = Number(lsn % BigInt(LOW));
    const order = this.order();
    const at = (k: number): number => (order ? (order[k] ?? 0) : k);
    let a = 0;
    let b = this.records - 1;
    let best = -1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const r = at(mid);
      const h = this.lsnHi[r] ?? 0;
      const c = h !== hi ? h - hi : (this.lsnLo[r] ?? 0) - lo;
      if (c === 0) return this.recLine[r] ?? -1;
      if (c < 0) {
        best = r;
        a = mid + 1;
      } else b = mid - 1;
    }
    return nearest && best >= 0 ? (this.recLine[best] ?? -1) : -1;
  }

  /** Lines of the records of transaction xid, in text order. */
  linesOfXid(xid: number): readonly number[] {
    return this.byXid.get(xid) ?? [];
  }

  /** LSN of the k-th record line in text order. */
  recordLsn(k: number): bigint {
    if (k < 0 || k >= this.records) throw new RangeError(`no record ${k}`);
    return (BigInt(this.lsnHi[k] ?? 0) << 32n) | BigInt(this.lsnLo[k] ?? 0);
  }

  /** Line number of the k-th record line in text order. */
  recordLine(k: number): number {
    if (k < 0 || k >= this.records) throw new RangeError(`no record ${k}`);
    return this.recLine[k] ?? -1;
  }
}
