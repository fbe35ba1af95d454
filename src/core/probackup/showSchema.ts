// Schemas of what `pg_probackup show|show --archive|show-config --format=json` prints (2.5.x).
// The key set follows print_backup_json_object, show_archive_json and the instance options of
// pg_probackup's source. Objects are loose: a key a later version adds is kept, never fatal.
// Keys pg_probackup prints only sometimes (parent-backup-id, end-time, recovery-time,
// expire-time, the byte counts, note, external-dirs, content-crc, tablespace_map) are optional.
import { z } from 'zod';
import { isProbackupTime } from './timestamp';

const time = z.string().refine(isProbackupTime, { message: 'not a pg_probackup timestamp' });
const lsn = z.string().regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, 'not an LSN (X/X)');
const count = z.number().int().nonnegative();
/** Printed as the string "true"/"false"; a boolean is accepted too. */
const boolText = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

export const rawTablespaceLinkSchema = z.looseObject({
  oid: z.string(),
  path: z.string(),
});

export const rawBackupSchema = z.looseObject({
  id: z.string().min(1),
  'parent-backup-id': z.string().optional(),
  'backup-mode': z.string(),
  wal: z.string(),
  'compress-alg': z.string().optional(),
  'compress-level': z.number().int().optional(),
  'from-replica': boolText.optional(),
  'block-size': count.optional(),
  'xlog-block-size': count.optional(),
  'checksum-version': count.optional(),
  'program-version': z.string().optional(),
  'server-version': z.string().optional(),
  'current-tli': count.optional(),
  'parent-tli': count.optional(),
  'start-lsn': lsn.optional(),
  'stop-lsn': lsn.optional(),
  'start-time': time,
  'end-time': time.optional(),
  'recovery-xid': count.optional(),
  'recovery-time': time.optional(),
  'expire-time': time.optional(),
  'data-bytes': z.number().int().optional(),
  'wal-bytes': z.number().int().optional(),
  'uncompressed-bytes': z.number().int().optional(),
  'pgdata-bytes': z.number().int().optional(),
  primary_conninfo: z.string().optional(),
  'external-dirs': z.string().optional(),
  status: z.string().min(1),
  note: z.string().optional(),
  'content-crc': count.optional(),
  tablespace_map: z.array(rawTablespaceLinkSchema).optional(),
});

export const rawShowSchema = z.array(
  z.looseObject({
    instance: z.string(),
    backups: z.array(rawBackupSchema),
  }),
);

const segno = z.string().regex(/^[0-9A-Fa-f]{24}$/, 'not a WAL segment name');

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
