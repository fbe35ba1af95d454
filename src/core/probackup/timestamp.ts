// pg_probackup prints times as `YYYY-MM-DD HH:MM:SS` followed by the local UTC offset in
// hours, with `:MM` only when the offset is not whole hours: `+00`, `-03`, `+05:30`.

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([+-])(\d{2})(?::?(\d{2}))?$/;

export function isProbackupTime(text: string): boolean {
  return parseProbackupTime(text) !== undefined;
}

/** Digits text[from, from+len) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, len: number): number {
  let n = 0;
  for (let i = from; i < from + len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The usual form, `YYYY-MM-DD HH:MM:SS+00` in UTC, read without a regular expression (a catalog
 * has thousands of them); undefined when the text is anything else, for the general parser.
 */
function parseUtcFast(text: string): Date | undefined {
  if (text.length !== 22 || text.charCodeAt(19) !== 43 /* + */ || text.charCodeAt(20) !== 48 || text.charCodeAt(21) !== 48) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return undefined;
  const [year, month, day, hour, minute, second] = [
    digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2),
  ];
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return undefined;
  }
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCDate() === day ? date : undefined;
}

/** The instant a pg_probackup timestamp names, or undefined if it is not one. */
export function parseProbackupTime(text: string): Date | undefined {
  const fast = parseUtcFast(text);
  if (fast !== undefined) return fast;
  const m = TIME_RE.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, sign, offH, offM] = [
    Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]),
    m[7], Number(m[8]), Number(m[9] ?? '0'),
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  if (offH > 15 || offM > 59) return undefined;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const date = new Date(utc);
  // Date.UTC rolls 2026-02-31 over to March; such a text is not a real time.
  const local = new Date(utc + offsetMinutes * 60_000);
  if (local.getUTCDate() !== day || local.getUTCMonth() !== month - 1) return undefined;
  return date;
}

/**
 * A time as pg_probackup accepts it in `--recovery-target-time` and `--expire-time`:
 * `YYYY-MM-DD HH:MM:SS+00` in UTC, so that the server's time zone cannot change its meaning.
 */
export function formatProbackupTime(date: Date): string {
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999 || Number.isNaN(year)) {
    const iso = date.toISOString(); // throws RangeError on an invalid date, as before
    return `${iso.slice(0, -14)} ${iso.slice(-13, -5)}+00`;
  }
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} `
    + `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}+00`;
}
