// Schemas of what `pg_probackup show|show --archive|show-config --format=json` prints (2.5.x).
// The key set follows print_backup_json_object, show_archive_json and the instance options of
// pg_probackup's source. Objects are loose: a key a later version adds is kept, never fatal.
// Keys pg_probackup prints only sometimes (parent-backup-id, end-time, recovery-time,
// expire-time, the byte counts, note, external-dirs, content-crc, tablespace_map) are optional.
// zod/mini: the functional API of the same package, so that a bundle carries only what is used.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { isProbackupTime } from './timestamp';

// zod/mini loads no messages of its own; the English ones make `unexpected JSON …` readable.
z.config(en());

const time = z.string().check(z.refine(isProbackupTime, { message: 'not a pg_probackup timestamp' }));
const lsn = z.string().check(z.regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, 'not an LSN (X/X)'));
const count = z.int().check(z.nonnegative());
/** Printed as the string "true"/"false"; a boolean is accepted too. */
const boolText = z.union([z.boolean(), z.pipe(z.enum(['true', 'false']), z.transform((s) => s === 'true'))]);

export const rawTablespaceLinkSchema = z.looseObject({
  oid: z.string(),
  path: z.string(),
});

export const rawBackupSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  'parent-backup-id': z.optional(z.string()),
  'backup-mode': z.string(),
  wal: z.string(),
  'compress-alg': z.optional(z.string()),
  'compress-level': z.optional(z.int()),
  'from-replica': z.optional(boolText),
  'block-size': z.optional(count),
  'xlog-block-size': z.optional(count),
  'checksum-version': z.optional(count),
  'program-version': z.optional(z.string()),
  'server-version': z.optional(z.string()),
  'current-tli': z.optional(count),
  'parent-tli': z.optional(count),
  'start-lsn': z.optional(lsn),
  'stop-lsn': z.optional(lsn),
  'start-time': time,
  'end-time': z.optional(time),
  'recovery-xid': z.optional(count),
  'recovery-time': z.optional(time),
  'expire-time': z.optional(time),
  'data-bytes': z.optional(z.int()),
  'wal-bytes': z.optional(z.int()),
  'uncompressed-bytes': z.optional(z.int()),
  'pgdata-bytes': z.optional(z.int()),
  primary_conninfo: z.optional(z.string()),
  'external-dirs': z.optional(z.string()),
  status: z.string().check(z.minLength(1)),
  note: z.optional(z.string()),
  'content-crc': z.optional(count),
  tablespace_map: z.optional(z.array(rawTablespaceLinkSchema)),
});

export const rawShowSchema = z.array(
  z.looseObject({
    instance: z.string(),
    backups: z.array(rawBackupSchema),
  }),
);

const segno = z.string().check(z.regex(/^[0-9A-Fa-f]{24}$/, 'not a WAL segment name'));

export const rawLostSegmentsSchema = z.looseObject({
  'begin-segno': segno,
  'end-segno': segno,
});

export const rawTimelineSchema = z.looseObject({
  tli: count,
  'parent-tli': count,
  switchpoint: lsn,
  'min-segno': segno,
  'max-segno': segno,
  'n-segments': count,
  size: count,
  zratio: z.number(),
  'closest-backup-id': z.string(),
  status: z.string(),
  'lost-segments': z.array(rawLostSegmentsSchema),
  backups: z.array(rawBackupSchema),
});

export const rawShowArchiveSchema = z.array(
  z.looseObject({
    instance: z.string(),
    timelines: z.array(rawTimelineSchema),
  }),
);

/** show-config prints every value as a string. */
export const rawShowConfigSchema = z.record(z.string(), z.string());

export type RawBackup = z.infer<typeof rawBackupSchema>;
export type RawShow = z.infer<typeof rawShowSchema>;
export type RawTimeline = z.infer<typeof rawTimelineSchema>;
export type RawShowArchive = z.infer<typeof rawShowArchiveSchema>;
export type RawShowConfig = z.infer<typeof rawShowConfigSchema>;
