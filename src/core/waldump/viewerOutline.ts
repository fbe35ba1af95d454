// The outline and folding of a page of pg_waldump output: sections from one checkpoint record to
// the next, each listing the transactions whose records it holds, and folds over the `-b` lines
// that follow a record. One pass over the lines, reading only the fixed fields of record lines.
import { recordHead } from './viewerPaging';

export interface OutlineTx {
  readonly xid: number;
  readonly firstLine: number;
  lastLine: number;
  records: number;
  /** COMMIT, ABORT, … when the transaction's end record is in this section. */
  end: string | undefined;
}

export interface OutlineSection {
  /** The checkpoint record that opens the section, or undefined for the records before the first. */
  readonly checkpoint: string | undefined;
  readonly lsn: string | undefined;
  readonly firstLine: number;
  lastLine: number;
  readonly transactions: OutlineTx[];
}

export interface Outline {
  readonly sections: OutlineSection[];
  /** [first, last] line ranges: a record line and the tab-indented lines under it. */
  readonly folds: [number, number][];
}

const END_TYPES = new Set(['COMMIT', 'ABORT', 'COMMIT_PREPARED', 'ABORT_PREPARED']);

function descType(line: string): string {
  const d = line.indexOf(', desc: ');
  if (d < 0) return '';
  const from = d + 8;
  let to = from;
  while (to < line.length && line.charCodeAt(to) !== 32 && line.charCodeAt(to) !== 44) to++;
  return line.slice(from, to);
}

function lsnOfLine(line: string): string {
  const at = line.indexOf(', lsn: ');
  if (at < 0) return '';
  const end = line.indexOf(',', at + 7);
  return line.slice(at + 7, end < 0 ? undefined : end);
}

/** Builds the outline of `count` lines read through `lineAt`. */
export function buildOutline(count: number, lineAt: (i: number) => string): Outline {
  const sections: OutlineSection[] = [];
  const folds: [number, number][] = [];
  let section: OutlineSection | undefined;
  let txs = new Map<number, OutlineTx>();
  let lastRecord = -1;
  let foldFrom = -1;
  const closeFold = (upTo: number): void => {
    if (foldFrom >= 0 && upTo > foldFrom) folds.push([foldFrom, upTo]);
    foldFrom = -1;
  };
  for (let i = 0; i < count; i++) {
    const line = lineAt(i);
    if (line.charCodeAt(0) === 9) {
      if (lastRecord >= 0 && foldFrom < 0) foldFrom = lastRecord;
      continue;
    }
    closeFold(i - 1);
    const head = line.charCodeAt(0) === 114 ? recordHead(line) : undefined;
    if (!head) continue;
    lastRecord = i;
    const isXlog = line.startsWith('rmgr: XLOG ');
    const type = isXlog || line.startsWith('rmgr: Transaction ') ? descType(line) : '';
    if (isXlog && (type === 'CHECKPOINT_ONLINE' || type === 'CHECKPOINT_SHUTDOWN')) {
      if (section) section.lastLine = i - 1;
      section = { checkpoint: type, lsn: lsnOfLine(line), firstLine: i, lastLine: i, transactions: [] };
      sections.push(section);
      txs = new Map();
    } else if (!section) {
      section = { checkpoint: undefined, lsn: undefined, firstLine: i, lastLine: i, transactions: [] };
      sections.push(section);
    }
    section.lastLine = i;
    if (head.xid !== 0) {
      let tx = txs.get(head.xid);
      if (!tx) {
        tx = { xid: head.xid, firstLine: i, lastLine: i, records: 0, end: undefined };
        txs.set(head.xid, tx);
        section.transactions.push(tx);
      }
      tx.lastLine = i;
      tx.records++;
      if (END_TYPES.has(type)) tx.end = type;
    }
  }
  closeFold(count - 1);
  // a section ends where the next begins; the last one at the last record (or its -b lines)
  for (const f of folds) {
    const s = sections.at(-1);
    if (s && f[0] === s.lastLine) s.lastLine = f[1];
  }
  return { sections, folds };
}
