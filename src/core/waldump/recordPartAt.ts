// Which part of a parsed pg_waldump line lies under a column: what a hover or a go-to needs.
import type { DescField } from './descFields';
import { parseDescFields } from './descFields';
import type { BlockRef, Span, WaldumpLine } from './waldumpLine';

export type RecordPart =
  | { readonly kind: 'rmgr' | 'recLen' | 'totLen' | 'xid' | 'lsn' | 'prev' | 'type'; readonly span: Span }
  | { readonly kind: 'blockRef'; readonly part: 'rel' | 'fork' | 'blk' | 'fpw' | 'other'; readonly blockRef: BlockRef; readonly span: Span }
  | { readonly kind: 'descKey' | 'descValue'; readonly field: DescField; readonly span: Span }
  | { readonly kind: 'messageLsn'; readonly text: string; readonly span: Span };

function inside(col: number, start: number, end: number): boolean {
  return start >= 0 && col >= start && col < end;
}

function blockPart(ref: BlockRef, col: number): RecordPart | undefined {
  if (!inside(col, ref.start, ref.end)) return undefined;
  if (inside(col, ref.relStart, ref.relEnd)) return { kind: 'blockRef', part: 'rel', blockRef: ref, span: { start: ref.relStart, end: ref.relEnd } };
  if (inside(col, ref.forkStart, ref.forkEnd)) return { kind: 'blockRef', part: 'fork', blockRef: ref, span: { start: ref.forkStart, end: ref.forkEnd } };
  if (inside(col, ref.blkStart, ref.blkEnd)) return { kind: 'blockRef', part: 'blk', blockRef: ref, span: { start: ref.blkStart, end: ref.blkEnd } };
  if (inside(col, ref.fpwStart, ref.fpwEnd)) return { kind: 'blockRef', part: 'fpw', blockRef: ref, span: { start: ref.fpwStart, end: ref.fpwEnd } };
  return { kind: 'blockRef', part: 'other', blockRef: ref, span: { start: ref.start, end: ref.end } };
}

/** The part of the line at column `col` (0-based), or undefined over separators and plain text. */
export function recordPartAt(line: WaldumpLine, col: number): RecordPart | undefined {
  if (line.kind === 'blockRef') return blockPart(line.blockRef, col);
  if (line.kind === 'message') {
    const l = line.lsns.find((x) => inside(col, x.start, x.end));
    return l ? { kind: 'messageLsn', text: l.text, span: { start: l.start, end: l.end } } : undefined;
  }
  if (line.kind !== 'record') return undefined;
  const r = line;
  const fixed: [RecordPart['kind'], number, number][] = [
    ['rmgr', 6, r.rmgrEnd], ['recLen', r.recLenStart, r.recLenEnd], ['totLen', r.totLenStart, r.totLenEnd],
    ['xid', r.xidStart, r.xidEnd], ['lsn', r.lsnStart, r.lsnEnd], ['prev', r.prevStart, r.prevEnd], ['type', r.typeStart, r.typeEnd],
  ];
  for (const [kind, start, end] of fixed) {
    if (inside(col, start, end)) return { kind, span: { start, end } } as RecordPart;
  }
  if (inside(col, r.descStart, r.descEnd)) {
    for (const f of parseDescFields(r.line, r.descStart, r.descEnd)) {
      if (inside(col, f.keyStart, f.keyEnd)) return { kind: 'descKey', field: f, span: { start: f.keyStart, end: f.keyEnd } };
      if (inside(col, f.valueStart, f.valueEnd)) return { kind: 'descValue', field: f, span: { start: f.valueStart, end: f.valueEnd } };
    }
    return undefined;
  }
  for (const ref of r.blockRefs) {
    const p = blockPart(ref, col);
    if (p) return p;
  }
  return undefined;
}
