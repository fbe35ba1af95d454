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
// by char, so a line of another shape fails and is returned as `unparsed`. A record allocates
// one object: its block references are checked here but built only when asked for
// (blockRefScanner.ts), and its names are cut from the line on demand.
import { blockRefOfScan, checkedFpw, checkInlineRef, contentEnd, hasAt, ref, scanBlockRef } from './blockRefScanner';
import { parseMessageLine } from './waldumpMessageLine';
import type { BlockRefLine, WaldumpLine } from './waldumpLine';
import { WalRecordLine } from './waldumpLine';

const SPACE = 32;
const TAB = 9;
const SLASH = 47;
const COMMA = 44;
const CH_0 = 48;
const CH_9 = 57;

const LEN_LEN = 'len (rec/tot): '.length;
const TX_LEN = ', tx: '.length;
const LSN_LEN = ', lsn: '.length;
const PREV_LEN = ', prev '.length;
const DESC_LEN = ', desc: '.length;
const BLKREF_INLINE = ', blkref #';
const UNKNOWN_C = Array.from('UNKNOWN (', (ch) => ch.charCodeAt(0));

// Hex digit values by char code, -1 for anything else: one table load instead of three range tests.
const HEX = new Int8Array(128).fill(-1);
for (let k = 0; k < 10; k++) HEX[48 + k] = k;
for (let k = 0; k < 6; k++) {
  HEX[65 + k] = 10 + k;
  HEX[97 + k] = 10 + k;
}

// Where the last scan stopped, and where its number started (module state keeps the scanners
// allocation-free).
let scanEnd = 0;
let numStart = 0;
let recordFailAt = 0;

function unparsed(line: string, at: number): WaldumpLine {
  return { kind: 'unparsed', line, at };
}

/** Parses any line of pg_waldump output (stdout or stderr). */
export function parseWaldumpLine(line: string): WaldumpLine {
  const c0 = line.charCodeAt(0);
  // `rmgr: `
  if (c0 === 114 && line.charCodeAt(4) === 58 && line.charCodeAt(5) === SPACE && line.startsWith('rmgr')) {
    return parseRecordLine(line) ?? unparsed(line, recordFailAt);
  }
  if (c0 === TAB) {
    const ok = scanBlockRef(line, 1, false);
    if (ok && ref.end === contentEnd(line)) {
      const result: BlockRefLine = { kind: 'blockRef', line, blockRef: blockRefOfScan(line) };
      return result;
    }
    return unparsed(line, ok ? ref.end : 1);
  }
  if (c0 === 112 /* p */ && line.startsWith('pg_waldump: ')) return parseMessageLine(line) ?? unparsed(line, 0);
  if (line.trim() === '') return { kind: 'blank', line };
  return unparsed(line, 0);
}

/** Whether the chain found by checkChain has a full-page image. */
let chainFpw = false;

/**
 * Checks the inline references from `at` (a ", blkref #") to the line's content end `n`: their count,
 * or -1 when they do not run to the end as valid references. Sets chainFpw.
 */
function checkChain(line: string, at: number, n: number): number {
  let refs = 0;
  let fpw = false;
  let p = at;
  for (;;) {
    const e = checkInlineRef(line, p + 2);
    if (e < 0) return -1;
    refs++;
    if (checkedFpw) fpw = true;
    if (e === n) break;
    // `, blkref #`: checked by its punctuation and first letter; the reference itself is read in full
    if (line.charCodeAt(e) !== COMMA || line.charCodeAt(e + 2) !== 98 || line.charCodeAt(e + 9) !== 35) return -1;
    p = e;
  }
  chainFpw = fpw;
  return refs;
}

/**
 * Records whose desc may hold any text and which never reference blocks. This runs for every
 * line, so it looks at the rmgr name's length and first letter only (startsWith cost 12% of the
 * parser): among the built-in rmgrs, 11 letters is Transaction, 10 Tablespace, 14 LogicalMessage,
 * and the only 13-letter XLOG record type starting with R is RESTORE_POINT.
 */
function withoutBlocks(line: string, rmgrEnd: number, typeStart: number, typeEnd: number): boolean {
  const first = line.charCodeAt(6);
  switch (rmgrEnd - 6) {
    case 4: return first === 88 /* X */ && typeEnd - typeStart === 13 && line.charCodeAt(typeStart) === 82 /* R */;
    case 10:
    case 11: return first === 84; /* T */
    case 14: return first === 76; /* L */
    default: return false;
  }
}

function fail(at: number): undefined {
  recordFailAt = at;
  return undefined;
}

/** Reads decimal digits at i; -1 if there are none. Sets scanEnd. */
function decimal(s: string, i: number): number {
  let n = 0;
  const start = i;
  let c = s.charCodeAt(i);
  while (c >= CH_0 && c <= CH_9) {
    n = n * 10 + (c - CH_0);
    c = s.charCodeAt(++i);
  }
  scanEnd = i;
  return i === start ? -1 : n;
}

/**
 * Reads a number printed in a field that starts at `field`, after any blanks: the slow path of
 * the right-aligned `%6u`/`%10u` fields. Sets numStart and scanEnd; -1 if there is no number.
 */
function forwardNumber(s: string, field: number): number {
  let i = field;
  while (s.charCodeAt(i) === SPACE) i++;
  numStart = i;
  return decimal(s, i);
}

/**
 * Reads `%X/%08X` at i: both halves of up to 8 hex digits. Returns the high half (the low one
 * in hexLo), -1 if either half is missing; sets scanEnd to the end. The common case (a short
 * high half, eight low digits) is read here; anything else by lsnSlow.
 */
let hexLo = 0;
function lsnAt(s: string, i: number): number {
  let hi = 0;
  let c = s.charCodeAt(i);
  let d = HEX[c & 127] as number;
  let bad = d | (127 - c); // negative for a non-hex char, one beyond ASCII, or NaN past the end
  let k = i;
  while (bad >= 0) {
    hi = hi * 16 + d;
    c = s.charCodeAt(++k);
    d = HEX[c & 127] as number;
    bad = d | (127 - c);
  }
  // eight low digits, then a char that is not one
  if (c !== SLASH || k === i || k - i > 8 || HEX[s.charCodeAt(k + 9) & 127] !== -1) return lsnSlow(s, i);
  let lo = 0;
  bad = 0;
  for (let j = k + 1; j < k + 9; j++) {
    c = s.charCodeAt(j);
    d = HEX[c & 127] as number;
    bad |= d | (127 - c);
    lo = (lo << 4) | d;
  }
  if (bad < 0) return lsnSlow(s, i);
  scanEnd = k + 9;
  hexLo = lo >>> 0;
  return hi;
}

function lsnSlow(s: string, i: number): number {
  const start = i;
  let hi = 0;
  let c = s.charCodeAt(i);
  let d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && i - start < 8) {
    hi = hi * 16 + d;
    c = s.charCodeAt(++i);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  if (i === start || c !== SLASH) {
    scanEnd = i;
    return -1;
  }
  const loStart = ++i;
  let lo = 0;
  c = s.charCodeAt(i);
  d = c < 128 ? (HEX[c] as number) : -1;
  while (d >= 0 && i - loStart < 8) {
    lo = lo * 16 + d;
    c = s.charCodeAt(++i);
    d = c < 128 ? (HEX[c] as number) : -1;
  }
  scanEnd = i;
  if (i === loStart) return -1;
  hexLo = lo;
  return hi;
}

/** Parses a `rmgr: ` line; undefined (and recordFailAt) if it does not have the record shape. */
export function parseRecordLine(line: string): WalRecordLine | undefined {
  const n = contentEnd(line); // a CR left by CRLF text is not part of the record
  let i = 6;
  while (i < n && line.charCodeAt(i) !== SPACE) i++;
  const rmgrEnd = i;
  if (rmgrEnd === 6) return fail(6);
  // `%-11s ` pads the name, so `len` is usually at column 18
  if (rmgrEnd < 18 && line.charCodeAt(18) === 108 /* l */) i = 18;
  else while (line.charCodeAt(i) === SPACE) i++;
  // literals are checked by their first and last characters: the line already starts with
  // `rmgr: `, and every number between them is checked digit by digit
  if (line.charCodeAt(i) !== 108 || line.charCodeAt(i + 13) !== 58 /* : */) return fail(i);
  // The three right-aligned numbers (`%6u/%6u`, `%10u`) are read backwards from the known end of
  // their field; this is rightAligned() written out, since the compiler does not inline it here
  // and these are the hottest lines of the parser. Odd spacing or wide numbers go forwards.
  let f = i + LEN_LEN;
  let e = f + 6;
  let j = e - 1;
  let c = line.charCodeAt(j);
  let v = 0;
  let mul = 1;
  while (c >= CH_0 && c <= CH_9 && j >= f) {
    v += (c - CH_0) * mul;
    mul *= 10;
    c = line.charCodeAt(--j);
  }
  let recLen = v;
  let recLenStart = j + 1;
  let recLenEnd = e;
  if (line.charCodeAt(e) !== SLASH || j === e - 1 || (c !== SPACE && j >= f)) {
    recLen = forwardNumber(line, f);
    recLenStart = numStart;
    recLenEnd = scanEnd;
    if (recLen < 0 || line.charCodeAt(recLenEnd) !== SLASH) return fail(recLenEnd);
  }
  f = recLenEnd + 1;
  e = f + 6;
  j = e - 1;
  c = line.charCodeAt(j);
  v = 0;
  mul = 1;
  while (c >= CH_0 && c <= CH_9 && j >= f) {
    v += (c - CH_0) * mul;
    mul *= 10;
    c = line.charCodeAt(--j);
  }
  let totLen = v;
  let totLenStart = j + 1;
  let totLenEnd = e;
  if (line.charCodeAt(e) !== COMMA || j === e - 1 || (c !== SPACE && j >= f)) {
    totLen = forwardNumber(line, f);
    totLenStart = numStart;
    totLenEnd = scanEnd;
    if (totLen < 0 || line.charCodeAt(totLenEnd) !== COMMA) return fail(totLenEnd);
  }
  if (line.charCodeAt(totLenEnd + 4) !== 58) return fail(totLenEnd);
  f = totLenEnd + TX_LEN;
  e = f + 10;
  j = e - 1;
  c = line.charCodeAt(j);
  v = 0;
  mul = 1;
  while (c >= CH_0 && c <= CH_9 && j >= f) {
    v += (c - CH_0) * mul;
    mul *= 10;
    c = line.charCodeAt(--j);
  }
  let xid = v;
  let xidStart = j + 1;
  let xidEnd = e;
  if (line.charCodeAt(e) !== COMMA || j === e - 1 || (c !== SPACE && j >= f)) {
    xid = forwardNumber(line, f);
    xidStart = numStart;
    xidEnd = scanEnd;
    if (xid < 0 || line.charCodeAt(xidEnd) !== COMMA) return fail(xidEnd);
  }
  if (line.charCodeAt(xidEnd + 5) !== 58) return fail(xidEnd);
  scanEnd = xidEnd;
  const lsnStart = scanEnd + LSN_LEN;
  const lsnHi = lsnAt(line, lsnStart);
  const lsnEnd = scanEnd;
  if (lsnHi < 0) return fail(lsnEnd);
  const lsnLo = hexLo;
  if (line.charCodeAt(lsnEnd) !== COMMA || line.charCodeAt(lsnEnd + 6) !== SPACE) return fail(lsnEnd);
  const prevStart = lsnEnd + PREV_LEN;
  const prevHi = lsnAt(line, prevStart);
  const prevEnd = scanEnd;
  if (prevHi < 0) return fail(prevEnd);
  const prevLo = hexLo;
  // `desc: ` is followed by the type and one blank, but a trimmed line may end right after ", desc:".
  let typeStart: number;
  if (line.charCodeAt(prevEnd) === COMMA && line.charCodeAt(prevEnd + 6) === 58 && line.charCodeAt(prevEnd + 7) === SPACE) {
    typeStart = prevEnd + DESC_LEN;
  } else if (prevEnd + 7 === n && line.startsWith(', desc:', prevEnd)) typeStart = n;
  else return fail(prevEnd);
  let typeEnd = typeStart;
  if (line.charCodeAt(typeStart) === 85 /* U */ && hasAt(line, typeStart, UNKNOWN_C)) {
    const close = line.indexOf(')', typeStart + UNKNOWN_C.length);
    if (close < 0) return fail(typeStart);
    typeEnd = close + 1;
  } else {
    let c = line.charCodeAt(typeEnd);
    while (typeEnd < n && c !== SPACE && c !== COMMA) c = line.charCodeAt(++typeEnd);
  }
  const descStart = typeEnd < n && line.charCodeAt(typeEnd) === SPACE ? typeEnd + 1 : typeEnd;
  // Block references follow the desc. The desc of a few records holds text a user chose (a
  // restore point's name, a PREPARE's gid, a tablespace path, a logical message's prefix) and
  // those records never reference blocks: their whole rest is desc, whatever it looks like.
  // Elsewhere the references are the first ", blkref #" from which a chain of valid references
  // runs to the end of the line.
  let blk = withoutBlocks(line, rmgrEnd, typeStart, typeEnd) ? -1 : line.indexOf(BLKREF_INLINE, typeEnd);
  let refs = 0;
  let fpw = false;
  if (blk >= 0) {
    // The first ", blkref #" nearly always starts the chain: checked inline, as before.
    let at = blk;
    let whole = false;
    for (;;) {
      const e = checkInlineRef(line, at + 2);
      if (e < 0) break;
      refs++;
      if (checkedFpw) fpw = true;
      if (e === n) {
        whole = true;
        break;
      }
      // `, blkref #`: checked by its punctuation and first letter; the reference itself is read in full
      if (line.charCodeAt(e) !== COMMA || line.charCodeAt(e + 2) !== 98 || line.charCodeAt(e + 9) !== 35) break;
      at = e;
    }
    if (!whole) {
      // Rare: text in the desc looked like a reference; the chain starts at a later one, if any.
      const first = blk;
      refs = 0;
      fpw = false;
      blk = line.indexOf(BLKREF_INLINE, blk + 2);
      while (blk >= 0) {
        const chain = checkChain(line, blk, n);
        if (chain >= 0) {
          refs = chain;
          fpw = chainFpw;
          break;
        }
        blk = line.indexOf(BLKREF_INLINE, blk + 2);
      }
      // A reference that is valid nowhere is reported where the first one starts.
      if (blk < 0) return fail(first + 2);
    }
  }
  let descEnd = blk < 0 ? n : blk;
  while (descEnd > descStart && line.charCodeAt(descEnd - 1) === SPACE) descEnd--;
  return new WalRecordLine(
    line, recLen, totLen, xid, lsnHi, lsnLo, prevHi, prevLo,
    blk < 0 ? -1 : blk + 2, refs, fpw,
    rmgrEnd, recLenStart, recLenEnd, totLenStart, totLenEnd, xidStart, xidEnd,
    lsnStart, lsnEnd, prevStart, prevEnd, typeStart, typeEnd, descStart, descEnd,
  );
}
