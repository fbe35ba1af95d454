// Reads one WAL segment with the built-in reader and prints "<records> <milliseconds>".
// bench/walReader.ts runs it as a fresh process, to compare with a pg_waldump process.
//   node out/bench/walReaderOnce.js SEGMENT_FILE
import { formatLsn, WalReader } from '../src/core/waldump/walReader';
import { fileSegmentSource } from '../src/core/waldump/walReaderSource';

/** Reads one segment once; with `format`, also builds a text line per record. */
export function readSegmentOnce(file: string, format: boolean): { records: number; ms: number; bytes: number } {
  const t0 = performance.now();
  const reader = new WalReader(fileSegmentSource([file]), { singleSegment: true });
  let records = 0;
  let bytes = 0;
  for (const r of reader) {
    records++;
    if (format) {
      // Roughly what a viewer would render per record (not pg_waldump's desc payload).
      let line = `rmgr: ${r.rmgr.padEnd(11)} len (rec/tot): ${String(r.recordLength).padStart(6)}/${String(r.totalLength).padStart(6)}, tx: ${String(r.xid).padStart(10)}, lsn: ${formatLsn(r.lsn)}, prev ${formatLsn(r.prev)}, desc: ${r.type}`;
      for (const b of r.blocks) line += `, blkref #${b.id}: rel ${b.spcOid}/${b.dbOid}/${b.relNumber} blk ${b.block}${b.image ? ' FPW' : ''}`;
      bytes += line.length + 1;
    }
  }
  return { records, ms: performance.now() - t0, bytes };
}

if (require.main === module) {
  const r = readSegmentOnce(process.argv[2] ?? '', false);
  console.log(`${r.records} ${r.ms.toFixed(1)}`);
}
