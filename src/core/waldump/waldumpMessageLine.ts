// Reads the `pg_waldump: …` lines that pg_waldump writes to stderr, and tells the normal end
// of the available WAL (reported as an error by pg_waldump) from real failures.
import type { MessageLevel, Span, WaldumpMessageLine } from './waldumpLine';

const PREFIX = 'pg_waldump: ';
const LEVELS: readonly MessageLevel[] = ['fatal', 'error', 'warning', 'detail', 'hint'];

// Messages that mean "there is no more valid WAL here", which is how every dump of a live or
// recycled segment ends: a zero record length (13–15 say "wanted 24", 16+ "expected at least 24"),
// a zeroed page header, a stale record from the segment's previous use, or a start past the end.
const END_OF_WAL: readonly RegExp[] = [
  /invalid record length at [0-9A-F]+\/[0-9A-F]+: (?:wanted|expected at least) \d+, got 0\b/i,
  /could not find a valid record after [0-9A-F]+\/[0-9A-F]+/i,
  /invalid magic number 0000 in (?:log|WAL) segment/i,
  /record with incorrect prev-link [0-9A-F]+\/[0-9A-F]+ at [0-9A-F]+\/[0-9A-F]+/i,
  // The next page still holds an older segment's WAL: a recycled segment, not yet overwritten.
  /unexpected pageaddr [0-9A-F]+\/[0-9A-F]+ in (?:log|WAL) segment/i,
];

/** Whether a pg_waldump message text (without prefix and level) reports the normal end of WAL. */
export function isEndOfWalMessage(text: string): boolean {
  return END_OF_WAL.some((re) => re.test(text));
}

export function parseMessageLine(line: string): WaldumpMessageLine | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  let level: MessageLevel = 'info';
  let textStart = PREFIX.length;
  for (const l of LEVELS) {
    if (line.startsWith(`${l}: `, textStart)) {
      level = l;
      textStart += l.length + 2;
      break;
    }
  }
  const text = line.slice(textStart);
  const endOfWal = (level === 'error' || level === 'fatal') && isEndOfWalMessage(text);
  const severity = endOfWal || level === 'info' || level === 'detail' || level === 'hint'
    ? 'information'
    : level === 'warning' ? 'warning' : 'error';
  return { kind: 'message', line, level, text, textStart, endOfWal, severity, lsns: findLsns(line, textStart) };
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Every `X/Y` with 1–8 hex digits on each side, as whole words. */
export function findLsns(s: string, from = 0): (Span & { text: string })[] {
  const out: (Span & { text: string })[] = [];
  for (let slash = s.indexOf('/', from); slash >= 0; slash = s.indexOf('/', slash + 1)) {
    let a = slash;
    while (a > from && isHex(s.charCodeAt(a - 1))) a--;
    let b = slash + 1;
    while (b < s.length && isHex(s.charCodeAt(b))) b++;
    const left = slash - a;
    const right = b - slash - 1;
    if (left < 1 || left > 8 || right < 1 || right > 8) continue;
    if (a > 0 && /[\w/]/.test(s.charAt(a - 1))) continue;
    if (b < s.length && /[\w/]/.test(s.charAt(b))) continue;
    out.push({ start: a, end: b, text: s.slice(a, b) });
  }
  return out;
}
