// Reads one pg_waldump block reference, inline (`blkref #0: rel 1663/5/16396 fork vm blk 0 FPW`)
// or on its own `-b` line (`blkref #0: rel S/D/R fork F blk B (FPW); hole: offset: O, length: L…`).
//
// The scan allocates nothing: it leaves what it read in module state (`ref`) and returns whether
// the text had the shape. The record parser only checks the references of a line (and notes
// whether one has a full-page image); the BlockRef objects are built when someone asks for them,
// by scanning again from the offset the parser kept.
import type { BlockRef } from './waldumpLine';

const SPACE = 32;
const SLASH = 47;
const RPAREN = 41;
const CH_0 = 48;
const CH_9 = 57;

const BLKREF_LEN = 'blkref #'.length;
const BLKREF_C = codes('blkref #');
const FORK_LEN = ' fork '.length;
const BLK_LEN = ' blk '.length;
const FPW_C = codes(' FPW');
const FPW_VERIFY_C = codes(' FPW for WAL verification');
const FPW_DETAIL_C = codes(' (FPW');
const FOR_VERIFY_C = codes(' for WAL verification');
const HOLE_C = codes('); hole: offset: ');
const LENGTH_C = codes(', length: ');
const SAVED_C = codes(', compression saved: ');
const METHOD_C = codes(', method: ');

function codes(lit: string): readonly number[] {
  return Array.from(lit, (ch) => ch.charCodeAt(0));
}

/** Whether s has the literal (as char codes) at i; cheaper than startsWith(lit, i) in hot loops. */
export function hasAt(s: string, i: number, lit: readonly number[]): boolean {
  for (let k = 0; k < lit.length; k++) if (s.charCodeAt(i + k) !== lit[k]) return false;
  return true;
}

/** The end of the text without a CR left by CRLF line ends. */
export function contentEnd(line: string): number {
  const n = line.length;
  return n > 0 && line.charCodeAt(n - 1) === 13 ? n - 1 : n;
}

/** What the last successful scanBlockRef read (offsets are -1 for absent parts). */
export const ref = {
  id: 0, spcOid: 0, dbOid: 0, relNumber: 0, block: 0,
  fpw: false, verify: false, holeOffset: -1, holeLength: -1, saved: -1,
  methodStart: -1, methodEnd: -1,
  start: 0, end: 0, relStart: 0, relEnd: 0, forkStart: -1, forkEnd: -1, blkStart: 0, blkEnd: 0, fpwStart: -1, fpwEnd: -1,
};

/** Reads decimal digits at i into `num`; returns the end of the digits (i when there are none). */
let num = 0;
function digits(s: string, i: number): number {
  let n = 0;
  let c = s.charCodeAt(i);
  while (c >= CH_0 && c <= CH_9) {
    n = n * 10 + (c - CH_0);
    c = s.charCodeAt(++i);
  }
  num = n;
  return i;
}

/**
 * Scans a reference whose `blkref #` starts at i. `inline` references (on a record line) start
 * right after `, ` and may end in ` FPW[ for WAL verification]`; the `-b` form ends in
 * ` (FPW…); hole: …`. Returns false if the text has another shape; else fills `ref`.
 */
export function scanBlockRef(s: string, i: number, inline: boolean): boolean {
  const r = ref;
  r.start = i;
  // the record parser found `, blkref #` already; a `-b` line is checked here
  if (!inline && !hasAt(s, i, BLKREF_C)) return false;
  let k = digits(s, i + BLKREF_LEN);
  if (k === i + BLKREF_LEN || s.charCodeAt(k) !== 58 /* : */ || s.charCodeAt(k + 5) !== SPACE) return false;
  r.id = num;
  // `: rel ` is checked by its colon and blanks; the numbers digit by digit
  const relStart = k + 6;
  k = digits(s, relStart);
  if (k === relStart || s.charCodeAt(k) !== SLASH) return false;
  r.spcOid = num;
  let a = k + 1;
  k = digits(s, a);
  if (k === a || s.charCodeAt(k) !== SLASH) return false;
  r.dbOid = num;
  a = k + 1;
  k = digits(s, a);
  if (k === a) return false;
  r.relNumber = num;
  r.relStart = relStart;
  r.relEnd = k;
  // ` fork NAME`: pg_waldump leaves it out inline for the main fork
  if (s.charCodeAt(k + 1) === 102 /* f */ && s.charCodeAt(k + 4) === 107 /* k */ && s.charCodeAt(k + 5) === SPACE) {
    const fs = k + FORK_LEN;
    let fe = fs;
    const n = contentEnd(s);
    while (fe < n && s.charCodeAt(fe) !== SPACE) fe++;
    if (fe === fs || s.charCodeAt(fe) !== SPACE) return false;
    r.forkStart = fs;
    r.forkEnd = fe;
    k = fe;
  } else {
    r.forkStart = -1;
    r.forkEnd = -1;
  }
  if (s.charCodeAt(k) !== SPACE || s.charCodeAt(k + 1) !== 98 /* b */ || s.charCodeAt(k + 4) !== SPACE) return false;
  const blkStart = k + BLK_LEN;
  k = digits(s, blkStart);
  if (k === blkStart) return false;
  r.block = num;
  r.blkStart = blkStart;
  r.blkEnd = k;
  r.fpw = false;
  r.verify = false;
  r.fpwStart = -1;
  r.fpwEnd = -1;
  r.holeOffset = -1;
  r.holeLength = -1;
  r.saved = -1;
  r.methodStart = -1;
  r.methodEnd = -1;
  if (inline) {
    if (s.charCodeAt(k) === SPACE && s.charCodeAt(k + 1) === 70 /* F */ && hasAt(s, k, FPW_C)) {
      r.fpw = true;
      r.fpwStart = k + 1;
      if (s.charCodeAt(k + 4) === SPACE && hasAt(s, k, FPW_VERIFY_C)) {
        r.verify = true;
        k += FPW_VERIFY_C.length;
      } else k += FPW_C.length;
      r.fpwEnd = k;
    }
  } else if (hasAt(s, k, FPW_DETAIL_C)) {
    r.fpw = true;
    r.fpwStart = k + 1;
    k += FPW_DETAIL_C.length;
    if (hasAt(s, k, FOR_VERIFY_C)) {
      r.verify = true;
      k += FOR_VERIFY_C.length;
    }
    if (s.charCodeAt(k) !== RPAREN) return false;
    r.fpwEnd = k + 1;
    if (!hasAt(s, k, HOLE_C)) return false;
    a = k + HOLE_C.length;
    k = digits(s, a);
    if (k === a || !hasAt(s, k, LENGTH_C)) return false;
    r.holeOffset = num;
    a = k + LENGTH_C.length;
    k = digits(s, a);
    if (k === a) return false;
    r.holeLength = num;
    if (hasAt(s, k, SAVED_C)) {
      a = k + SAVED_C.length;
      k = digits(s, a);
      if (k === a) return false;
      r.saved = num;
      if (hasAt(s, k, METHOD_C)) {
        a = k + METHOD_C.length;
        let e = a;
        const n = contentEnd(s);
        while (e < n && s.charCodeAt(e) !== SPACE) e++;
        r.methodStart = a;
        r.methodEnd = e;
        k = e;
      }
    }
  }
  r.end = k;
  return true;
}

/** Whether the last checkInlineRef saw a full-page image. */
export let checkedFpw = false;

/**
 * Checks an inline reference whose `blkref #` starts at i, as scanBlockRef(s, i, true) would,
 * but reads no values and writes no state except checkedFpw: the record parser runs this for
 * every reference of every line. Returns the end of the reference, or -1.
 */
export function checkInlineRef(s: string, i: number): number {
  let k = i + BLKREF_LEN;
  let c = s.charCodeAt(k);
  if (!(c >= CH_0 && c <= CH_9)) return -1;
  do c = s.charCodeAt(++k);
  while (c >= CH_0 && c <= CH_9);
  if (c !== 58 /* : */ || s.charCodeAt(k + 5) !== SPACE) return -1;
  // spc/db/rel
  k += 6;
  c = s.charCodeAt(k);
  if (!(c >= CH_0 && c <= CH_9)) return -1;
  do c = s.charCodeAt(++k);
  while (c >= CH_0 && c <= CH_9);
  if (c !== SLASH) return -1;
  c = s.charCodeAt(++k);
  if (!(c >= CH_0 && c <= CH_9)) return -1;
  do c = s.charCodeAt(++k);
  while (c >= CH_0 && c <= CH_9);
  if (c !== SLASH) return -1;
  c = s.charCodeAt(++k);
  if (!(c >= CH_0 && c <= CH_9)) return -1;
  do c = s.charCodeAt(++k);
  while (c >= CH_0 && c <= CH_9);
  if (s.charCodeAt(k + 1) === 102 /* f */ && s.charCodeAt(k + 4) === 107 /* k */ && s.charCodeAt(k + 5) === SPACE) {
    const fs = k + FORK_LEN;
    let fe = fs;
    const n = contentEnd(s);
    while (fe < n && s.charCodeAt(fe) !== SPACE) fe++;
    if (fe === fs || s.charCodeAt(fe) !== SPACE) return -1;
    k = fe;
  }
  if (s.charCodeAt(k) !== SPACE || s.charCodeAt(k + 1) !== 98 /* b */ || s.charCodeAt(k + 4) !== SPACE) return -1;
  k += BLK_LEN;
  c = s.charCodeAt(k);
  if (!(c >= CH_0 && c <= CH_9)) return -1;
  do c = s.charCodeAt(++k);
  while (c >= CH_0 && c <= CH_9);
  checkedFpw = false;
  if (c === SPACE && s.charCodeAt(k + 1) === 70 /* F */ && hasAt(s, k, FPW_C)) {
    checkedFpw = true;
    k += s.charCodeAt(k + 4) === SPACE && hasAt(s, k, FPW_VERIFY_C) ? FPW_VERIFY_C.length : FPW_C.length;
  }
  return k;
}

/** The fork name of the last scan: the four known names without slicing. */
function forkName(s: string): string {
  const { forkStart: a, forkEnd: b } = ref;
  if (a < 0) return 'main';
  const c = s.charCodeAt(a);
  const len = b - a;
  if (len === 4 && c === 109 && s.startsWith('main', a)) return 'main';
  if (len === 3 && c === 102 && s.startsWith('fsm', a)) return 'fsm';
  if (len === 2 && c === 118 && s.charCodeAt(a + 1) === 109) return 'vm';
  if (len === 4 && c === 105 && s.startsWith('init', a)) return 'init';
  return s.slice(a, b);
}

/** The BlockRef object of the last successful scan of s. */
export function blockRefOfScan(s: string): BlockRef {
  const r = ref;
  return {
    id: r.id, spcOid: r.spcOid, dbOid: r.dbOid, relNumber: r.relNumber, fork: forkName(s), block: r.block,
    fpw: r.fpw, fpwForVerification: r.verify,
    holeOffset: r.holeOffset, holeLength: r.holeLength, compressionSaved: r.saved,
    compressionMethod: r.methodStart < 0 ? '' : s.slice(r.methodStart, r.methodEnd),
    start: r.start, end: r.end, relStart: r.relStart, relEnd: r.relEnd, forkStart: r.forkStart, forkEnd: r.forkEnd,
    blkStart: r.blkStart, blkEnd: r.blkEnd, fpwStart: r.fpwStart, fpwEnd: r.fpwEnd,
  };
}

/**
 * The inline references of a record line whose first `blkref #` is at `first` (the parser has
 * checked them all): each one follows the previous after `, `.
 */
export function inlineBlockRefs(line: string, first: number): BlockRef[] {
  const out: BlockRef[] = [];
  let i = first;
  while (i >= 0 && scanBlockRef(line, i, true)) {
    out.push(blockRefOfScan(line));
    const e = ref.end;
    i = line.charCodeAt(e) === 44 /* , */ && line.charCodeAt(e + 2) === 98 /* b */ ? e + 2 : -1;
  }
  return out;
}
