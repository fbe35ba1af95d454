// Prints records decoded by the built-in WAL reader in pg_waldump's record-line format, so the
// viewer's grammar, parser, hovers and navigation work the same on them. The reader decodes
// headers and block references but not the rmgr-specific payload, so the `desc:` part holds the
// record type only; that is exactly what pg_waldump prints for records whose desc is empty
// (`desc: SWITCH `, `desc: FPI_FOR_HINT , blkref #0: …`).
import { formatLsn } from './lsn';
import type { WalRecord } from './walReaderTypes';

function padLeft(n: number, width: number): string {
  return String(n).padStart(width, ' ');
}

/** One record as `rmgr: … len (rec/tot): … tx: … lsn: … prev …, desc: TYPE [, blkref …]`. */
export function formatBuiltinRecord(r: WalRecord): string {
  let s = `rmgr: ${r.rmgr.padEnd(11, ' ')} len (rec/tot): ${padLeft(r.recordLength, 6)}/${padLeft(r.totalLength, 6)}, tx: ${padLeft(r.xid, 10)}, lsn: ${formatLsn(r.lsn)}, prev ${formatLsn(r.prev)}, desc: ${r.type} `;
  for (const b of r.blocks) {
    s += `, blkref #${b.id}: rel ${b.spcOid}/${b.dbOid}/${b.relNumber}`;
    if (b.fork !== 0) s += ` fork ${b.forkName}`;
    s += ` blk ${b.block}`;
    if (b.image) s += b.image.apply ? ' FPW' : ' FPW for WAL verification';
  }
  return s;
}

/**
 * The header the viewer puts above records listed by the built-in reader: why, and which
 * pg_waldump would print full descriptions. Lines start with `--` so no parser takes them for
 * pg_waldump output.
 */
export function builtinReaderNote(major: number | undefined, reason: string): string[] {
  const which = major === undefined ? 'the pg_waldump of the PostgreSQL version that wrote it' : `pg_waldump ${major} (PostgreSQL ${major})`;
  return [
    `-- Listed by the built-in WAL reader: ${reason}.`,
    `-- Record headers, lengths, xids and block references are exact; the desc part shows the record type only.`,
    `-- For full descriptions install ${which}, or name it in the setting pgBackupStudio.waldump.paths.`,
  ];
}
