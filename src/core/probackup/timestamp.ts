// pg_probackup prints times as `YYYY-MM-DD HH:MM:SS` followed by the local UTC offset in
// hours, with `:MM` only when the offset is not whole hours: `+00`, `-03`, `+05:30`.

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([+-])(\d{2})(?::?(\d{2}))?$/;

export function isProbackupTime(text: string): boolean {
  return parseProbackupTime(text) !== undefined;
}

/** The instant a pg_probackup timestamp names, or undefined if it is not one. */
export function parseProbackupTime(text: string): Date | undefined {
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
  const iso = date.toISOString(); // 2026-11-24T18:19:21.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00`;
}
