// A hand-rolled scanner for pg_waldump 13–18 output lines. It walks char codes once, never
// throws, and returns an `unparsed` line for anything that does not have the expected shape.
//
//   rmgr: %-11s len (rec/tot): %6u/%6u, tx: %10u, lsn: %X/%08X, prev %X/%08X, desc: TYPE desc[, blkref …]
//   \tblkref #N: rel S/D/R fork F blk B[ (FPW[ for WAL verification]); hole: offset: O, length: L[, compression saved: C[, method: M]]]
//   pg_waldump: error: …
//
// Speed matters (a busy 16 MB segment prints ~170,000 lines): numbers are read with local loops,
// the right-aligned `%6u`/`%10u` fields backwards from their known end, and fixed literals are
// checked by a few characters rather than in full; every number and name is still checked char
// by char, so a line of another shape fails and is returned as `unparsed`.
import { parseMessageLine } from './waldumpMessageLine';
import type { BlockRef, BlockRefLine, WaldumpLine } from './waldumpLine';
import { WalRecordLine } from './waldumpLine';

const SPACE = 32;
const TAB = 9;
const SLASH = 47;
const COMMA = 44;
const RPAREN = 41;
const CH_0 = 48;
const CH_9 = 57;

const HEADER = 'rmgr: ';
const LEN = 'len (rec/tot): ';
const TX = ', tx: ';
const LSN = ', lsn: ';
const PREV = ', prev ';
const DESC = ', desc: ';
const BLKREF_INLINE = ', blkref #';
const BLKREF = 'blkref #';
const BLKREF_C = codes(BLKREF);
const REL = ': rel ';
const FORK = ' fork ';
const BLK = ' blk ';
const FPW = ' FPW';
const FPW_C = codes(FPW);
const FPW_VERIFY = ' FPW for WAL verification';
const FPW_VERIFY_C = codes(FPW_VERIFY);
const FPW_DETAIL = ' (FPW';
const FPW_DETAIL_C = codes(FPW_DETAIL);
const FOR_VERIFY = ' for WAL verification';
const FOR_VERIFY_C = codes(FOR_VERIFY);
const HOLE = '); hole: offset: ';
const HOLE_C = codes(HOLE);
const LENGTH = ', length: ';
const LENGTH_C = codes(LENGTH);
const SAVED = ', compression saved: ';
const SAVED_C = codes(SAVED);
const METHOD = ', method: ';
const METHOD_C = codes(METHOD);
const UNKNOWN = 'UNKNOWN (';
const UNKNOWN_C = codes(UNKNOWN);

// Where the last number scan stopped (module state keeps the scanners allocation-free).
let scanEnd = 0;

/** Reads decimal digits at i; -1 if there are none. Sets scanEnd. */
function decimal(s: string, i: number): number {
  let n = 0;
  const start = i;
  for (;;) {
    const c = s.charCodeAt(i);
    if (!(c >= CH_0 && c <= CH_9)) break; // also stops at NaN, past the end
    n = n * 10 + (c - CH_0);
    i++;
  }
  scanEnd = i;
  return i === start ? -1 : n;
}

// Hex digit values by char code, -1 for anything else: one table load instead of three range tests.
const HEX = new Int8Array(128).fill(-1);
for (let k = 0; k < 10; k++) HEX[48 + k] = k;
for (let k = 0; k < 6; k++) {
  HEX[65 + k] = 10 + k;
  HEX[97 + k] = 10 + k;
}

/** Whether s has the literal (as char codes) at i; cheaper than startsWith(lit, i) in hot loops. */
function at(s: string, i: number, lit: readonly number[]): boolean {
  for (let k = 0; k < lit.length; k++) if (s.charCodeAt(i + k) !== lit[k]) return false;
  return true;
}

function codes(lit: string): readonly number[] {
  return Array.from(lit, (ch) => ch.charCodeAt(0));
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === SPACE) i++;
  return i;
}

function contentEnd(line: string): number {
  const n = line.length;
  return n > 0 && line.charCodeAt(n - 1) === 13 ? n - 1 : n;
}

function unparsed(line: string, at: number): WaldumpLine {
  return { kind: 'unparsed', line, at };
}

/** Parses any line of pg_waldump output (stdout or stderr). */
export function parseWaldumpLine(line: string): WaldumpLine {
  const c0 = line.charCodeAt(0);
  // `rmgr: `
  if (c0 === 114 && line.charCodeAt(4) === 58 && line.charCodeAt(5) === SPACE && line.startsWith(HEADER)) {
    return parseRecordLine(line) ?? unparsed(line, recordFailAt);
  }
  if (c0 === TAB) {
    const ref = parseBlockRef(line, 1, false);
    if (ref !== undefined && scanEnd === contentEnd(line)) {
      const result: BlockRefLine = { kind: 'blockRef', line, blockRef: ref };
      return result;
    }
    return unparsed(line, ref === undefined ? 1 : scanEnd);
  }
  if (c0 === 112 /* p */ && line.startsWith('pg_waldump: ')) return parseMessageLine(line) ?? unparsed(line, 0);
  if (line.trim() === '') return { kind: 'blank', line };
  return unparsed(line, 0);
}

let recordFailAt = 0;

function fail(at: number): undefined {
  recordFailAt = at;
  return undefined;
}

/**
 * Reads a number printed right-aligned in a field of `width` columns starting at `field` and
 * followed by the char `term` (pg_waldump's `%6u`, `%10u`). The common case reads only the
 * digits, backwards from the known end; wider numbers or odd spacing fall back to a forward scan.
 * Sets scanEnd to the end of the digits and numStart to their start; -1 if there is no number.
 */
function rightAligned(s: string, field: number, width: number, term: number): number {
  const end = field + width;
  if (s.charCodeAt(end) === term) {
    let i = end - 1;
    let c = s.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      let v = 0;
      let mul = 1;
      do {
        v += (c - CH_0) * mul;
        mul *= 10;
        c = s.charCodeAt(--i);
      } while (c >= CH_0 && c <= CH_9 && i >= field);
      if (c === SPACE || i < field) {
        numStart = i + 1;
        scanEnd = end;
        return v;
      }
    }
  }
  const i = skipSpaces(s, field);
  numStart = i;
  return decimal(s, i);
}

let numStart = 0;

/** Parses a `rmgr: ` line; undefined (and recordFailAt) if it does not have the record shape. */
export function parseRecordLine(line: string): WalRecordLine | undefined {
  const n = contentEnd(line); // a CR left by CRLF text is not part of the record
  let i = 6;
  while (i < n && line.charCodeAt(i) !== SPACE) i++;
  const rmgrEnd = i;
  if (rmgrEnd === 6) return fail(6);
  // `%-11s ` pads the name, so `len` is usually at column 18
  i = rmgrEnd < 18 && line.charCodeAt(18) === 108 /* l */ ? 18 : skipSpaces(line, i);
  // literals are checked by their first and last characters: the line already starts with
  // `rmgr: `, and every number between them is checked digit by digit
  if (line.charCodeAt(i) !== 108 || line.charCodeAt(i + 13) !== 58 /* : */) return fail(i);
  const recLen = rightAligned(line, i + LEN.length, 6, SLASH);
  if (recLen < 0 || line.charCodeAt(scanEnd) !== SLASH) return fail(scanEnd);
  const recLenStart = numStart;
  const recLenEnd = scanEnd;
  const totLen = rightAligned(line, scanEnd + 1, 6, COMMA);
  if (totLen < 0 || line.charCodeAt(scanEnd) !== COMMA || line.charCodeAt(scanEnd + 4) !== 58) return fail(scanEnd);
  const totLenStart = numStart;
  const totLenEnd = scanEnd;
  const xid = rightAligned(line, scanEnd + TX.length, 10, COMMA);
  if (xid < 0 || line.charCodeAt(scanEnd) !== COMMA || line.charCodeAt(scanEnd + 5) !== 58) return fail(scanEnd);
  const xidStart = numStart;
  const xidEnd = scanEnd;
  // the four hex halves are read with local loops (a table lookup per digit): this is the
  // hottest code of the parser
  const lsnStart = scanEnd + LSN.length;
  let k = lsnStart;
  let c: number;
  let d: number;
  let lsnHi = 0;
  c = line.charCodeAt(k);
  d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && k - lsnStart < 8) {
    lsnHi = lsnHi * 16 + d;
    c = line.charCodeAt(++k);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  if (k === lsnStart || c !== SLASH) return fail(k);
  const lsnLoStart = ++k;
  let lsnLo = 0;
  c = line.charCodeAt(k);
  d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && k - lsnLoStart < 8) {
    lsnLo = lsnLo * 16 + d;
    c = line.charCodeAt(++k);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  if (k === lsnLoStart || c !== COMMA || line.charCodeAt(k + 6) !== SPACE) return fail(k);
  const lsnEnd = k;
  const prevStart = k + PREV.length;
  k = prevStart;
  let prevHi = 0;
  c = line.charCodeAt(k);
  d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && k - prevStart < 8) {
    prevHi = prevHi * 16 + d;
    c = line.charCodeAt(++k);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  if (k === prevStart || c !== SLASH) return fail(k);
  const prevLoStart = ++k;
  let prevLo = 0;
  c = line.charCodeAt(k);
  d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && k - prevLoStart < 8) {
    prevLo = prevLo * 16 + d;
    c = line.charCodeAt(++k);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  if (k === prevLoStart) return fail(k);
  const prevEnd = k;
  // `desc: ` is followed by the type and one blank, but a trimmed line may end right after ", desc:".
  let typeStart: number;
  if (line.charCodeAt(prevEnd) === COMMA && line.charCodeAt(prevEnd + 6) === 58 && line.charCodeAt(prevEnd + 7) === SPACE) {
    typeStart = prevEnd + DESC.length;
  }
  else if (line.startsWith(', desc:', prevEnd) && prevEnd + 7 === n) typeStart = n;
  else return fail(prevEnd);
  let typeEnd = typeStart;
  if (at(line, typeStart, UNKNOWN_C)) {
    const close = line.indexOf(')', typeStart + UNKNOWN.length);
    if (close < 0) return fail(typeStart);
    typeEnd = close + 1;
  } else {
    while (typeEnd < n) {
      const c = line.charCodeAt(typeEnd);
      if (c === SPACE || c === COMMA) break;
      typeEnd++;
    }
  }
  const descStart = typeEnd < n && line.charCodeAt(typeEnd) === SPACE ? typeEnd + 1 : typeEnd;
  let blk = line.indexOf(BLKREF_INLINE, typeEnd);
  let descEnd = blk < 0 ? n : blk;
  while (descEnd > descStart && line.charCodeAt(descEnd - 1) === SPACE) descEnd--;
  // arrays of the exact size: most records have one or two references
  let refs: BlockRef[] = NO_REFS;
  let first: BlockRef | undefined;
  while (blk >= 0) {
    const ref = parseBlockRef(line, blk + 2, true);
    if (ref === undefined) return fail(blk + 2);
    if (first === undefined) {
      first = ref;
      refs = [ref];
    } else if (refs.length === 1) refs = [first, ref];
    else refs.push(ref);
    if (scanEnd === n) break;
    // `, blkref #`: checked by its punctuation and first letter; the reference itself is read in full
    if (line.charCodeAt(scanEnd) !== COMMA || line.charCodeAt(scanEnd + 2) !== 98 || line.charCodeAt(scanEnd + 9) !== 35) return fail(scanEnd);
    blk = scanEnd;
  }
  return new WalRecordLine(
    line, recLen, totLen, xid, lsnHi, lsnLo, prevHi, prevLo,
    refs,
    rmgrEnd, recLenStart, recLenEnd, totLenStart, totLenEnd, xidStart, xidEnd,
    lsnStart, lsnEnd, prevStart, prevEnd, typeStart, typeEnd, descStart, descEnd,
  );
}

const NO_REFS: BlockRef[] = [];
Object.freeze(NO_REFS);

/**
 * Reads one block reference starting at `blkref #` (offset i). Inline references print
 * ` FPW`; `-b` lines print ` (FPW); hole: …`. Sets scanEnd to the end of the reference.
 */
function parseBlockRef(s: string, i: number, inline: boolean): BlockRef | undefined {
  const start = i;
  if (!(inline || at(s, i, BLKREF_C))) return undefined;
  // the numbers are read with local loops: this runs for every reference of every record
  let k = i + BLKREF.length;
  let c = s.charCodeAt(k);
  let id = 0;
  const idStart = k;
  while (c >= CH_0 && c <= CH_9) {
    id = id * 10 + (c - CH_0);
    c = s.charCodeAt(++k);
  }
  if (k === idStart || c !== 58 /* : */ || s.charCodeAt(k + 5) !== SPACE) return undefined;
  const relStart = k + REL.length;
  k = relStart;
  c = s.charCodeAt(k);
  let spcOid = 0;
  while (c >= CH_0 && c <= CH_9) {
    spcOid = spcOid * 10 + (c - CH_0);
    c = s.charCodeAt(++k);
  }
  if (k === relStart || c !== SLASH) return undefined;
  const dbStart = ++k;
  c = s.charCodeAt(k);
  let dbOid = 0;
  while (c >= CH_0 && c <= CH_9) {
    dbOid = dbOid * 10 + (c - CH_0);
    c = s.charCodeAt(++k);
  }
  if (k === dbStart || c !== SLASH) return undefined;
  const relNumStart = ++k;
  c = s.charCodeAt(k);
  let relNumber = 0;
  while (c >= CH_0 && c <= CH_9) {
    relNumber = relNumber * 10 + (c - CH_0);
    c = s.charCodeAt(++k);
  }
  if (k === relNumStart) return undefined;
  const relEnd = k;
  i = relEnd;
  let fork = 'main';
  let forkStart = -1;
  let forkEnd = -1;
  if (s.charCodeAt(i + 1) === 102 /* f */ && s.charCodeAt(i + 4) === 107 /* k */ && s.charCodeAt(i + 5) === SPACE) {
    forkStart = i + FORK.length;
    fork = forkAt(s, forkStart);
    forkEnd = forkStart + fork.length;
    if (forkEnd === forkStart || s.charCodeAt(forkEnd) !== SPACE) return undefined;
    i = forkEnd;
  }
  if (s.charCodeAt(i) !== SPACE || s.charCodeAt(i + 1) !== 98 /* b */ || s.charCodeAt(i + 4) !== SPACE) return undefined;
  const blkStart = i + BLK.length;
  k = blkStart;
  c = s.charCodeAt(k);
  let block = 0;
  while (c >= CH_0 && c <= CH_9) {
    block = block * 10 + (c - CH_0);
    c = s.charCodeAt(++k);
  }
  if (k === blkStart) return undefined;
  const blkEnd = k;
  i = blkEnd;
  let fpw = false;
  let verify = false;
  let fpwStart = -1;
  let fpwEnd = -1;
  let holeOffset = -1;
  let holeLength = -1;
  let saved = -1;
  let method = '';
  if (inline) {
    if (s.charCodeAt(i) === SPACE && s.charCodeAt(i + 1) === 70 /* F */ && at(s, i, FPW_C)) {
      fpw = true;
      fpwStart = i + 1;
      if (s.charCodeAt(i + 4) === SPACE && at(s, i, FPW_VERIFY_C)) {
        verify = true;
        i += FPW_VERIFY.length;
      } else i += FPW.length;
      fpwEnd = i;
    }
  } else if (at(s, i, FPW_DETAIL_C)) {
    fpw = true;
    fpwStart = i + 1;
    i += FPW_DETAIL.length;
    if (at(s, i, FOR_VERIFY_C)) {
      verify = true;
      i += FOR_VERIFY.length;
    }
    if (s.charCodeAt(i) !== RPAREN) return undefined;
    fpwEnd = i + 1;
    if (!at(s, i, HOLE_C)) return undefined;
    holeOffset = decimal(s, i + HOLE.length);
    if (holeOffset < 0 || !at(s, scanEnd, LENGTH_C)) return undefined;
    holeLength = decimal(s, scanEnd + LENGTH.length);
    if (holeLength < 0) return undefined;
    i = scanEnd;
    if (at(s, i, SAVED_C)) {
      saved = decimal(s, i + SAVED.length);
      if (saved < 0) return undefined;
      i = scanEnd;
      if (at(s, i, METHOD_C)) {
        let e = i + METHOD.length;
        while (e < contentEnd(s) && s.charCodeAt(e) !== SPACE) e++;
        method = s.slice(i + METHOD.length, e);
        i = e;
      }
    }
  }
  scanEnd = i;
  return {
    id, spcOid, dbOid, relNumber, fork, block, fpw, fpwForVerification: verify,
    holeOffset, holeLength, compressionSaved: saved, compressionMethod: method,
    start, end: i, relStart, relEnd, forkStart, forkEnd, blkStart, blkEnd, fpwStart, fpwEnd,
  };
}

/** The fork name at i: the four known names without slicing, anything else up to the next blank. */
function forkAt(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c === 109 && s.charCodeAt(i + 4) === SPACE && s.startsWith('main', i)) return 'main';
  if (c === 102 && s.charCodeAt(i + 3) === SPACE && s.startsWith('fsm', i)) return 'fsm';
  if (c === 118 && s.charCodeAt(i + 2) === SPACE && s.charCodeAt(i + 1) === 109) return 'vm';
  if (c === 105 && s.charCodeAt(i + 4) === SPACE && s.startsWith('init', i)) return 'init';
  let e = i;
  const n = contentEnd(s);
  while (e < n && s.charCodeAt(e) !== SPACE) e++;
  return s.slice(i, e);
}
