// WAL page magic (XLOG_PAGE_MAGIC in src/include/access/xlog_internal.h) → PostgreSQL major
// version. Every WAL page starts with this 16-bit little-endian value; it changes whenever
// the WAL format changes, which has happened once per major release.

/** Page magic of each supported major version, from REL_13_STABLE … REL_18_STABLE. */
export const WAL_PAGE_MAGIC_BY_MAJOR: Readonly<Record<number, number>> = {
  13: 0xd106,
  14: 0xd10d,
  15: 0xd110,
  16: 0xd113,
  17: 0xd116,
  18: 0xd118,
};

const MAJOR_BY_MAGIC: ReadonlyMap<number, number> = new Map(
  Object.entries(WAL_PAGE_MAGIC_BY_MAJOR).map(([major, magic]) => [magic, Number(major)]),
);

const NEWEST_KNOWN_MAGIC = Math.max(...MAJOR_BY_MAGIC.keys());
const OLDEST_KNOWN_MAGIC = Math.min(...MAJOR_BY_MAGIC.keys());

export type PageMagicResult =
  | { readonly kind: 'known'; readonly magic: number; readonly major: number }
  | { readonly kind: 'unknown'; readonly magic: number; readonly message: string };

export function formatMagic(magic: number): string {
  return `0x${magic.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The major version that writes pages with this magic, or undefined. */
export function majorForMagic(magic: number): number | undefined {
  return MAJOR_BY_MAGIC.get(magic);
}

export function classifyMagic(magic: number): PageMagicResult {
  const major = MAJOR_BY_MAGIC.get(magic);
  if (major !== undefined) return { kind: 'known', magic, major };
  let message: string;
  if (magic > NEWEST_KNOWN_MAGIC && magic <= 0xd1ff) {
    message = `newer/unknown WAL format (magic ${formatMagic(magic)}): written by a PostgreSQL release newer than 18?`;
  } else if (magic >= 0xd000 && magic < OLDEST_KNOWN_MAGIC) {
    message = `unsupported WAL format (magic ${formatMagic(magic)}): written by PostgreSQL 12 or older`;
  } else {
    message = `newer/unknown WAL format (magic ${formatMagic(magic)}): not a WAL page of PostgreSQL 13–18`;
  }
  return { kind: 'unknown', magic, message };
}

/** Reads the page magic at the start of a WAL segment (or page) and classifies it. */
export function detectWalMagic(firstBytes: Uint8Array): PageMagicResult | { readonly kind: 'short'; readonly message: string } {
  if (firstBytes.length < 2) return { kind: 'short', message: `too short for a WAL page header (${firstBytes.length} bytes)` };
  const magic = (firstBytes[0] as number) | ((firstBytes[1] as number) << 8);
  return classifyMagic(magic);
}
