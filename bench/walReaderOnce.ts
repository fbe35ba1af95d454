// Reads one WAL segment with the built-in reader. bench/walReader.ts runs it as a fresh process,
// to compare with a pg_waldump process, and prints one JSON line:
//   { records, readyMs, firstMs, firstCpuMs }
// readyMs: from process start until the reader module is loaded (Node start-up, not ours to
// speed up); firstMs: the first read, with a cold JIT (what the extension host pays on the
// first open of a segment); firstCpuMs: the CPU time of that read in all threads (the JIT
// compiles on other threads), steadier than wall time on a busy machine.
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
  if (reader.end?.kind !== 'segment-end' && reader.end?.kind !== 'missing-segment') {
    throw new Error(`${file}: reading ended early: ${reader.end?.message ?? 'no end'}`);
  }
  return { records, ms: performance.now() - t0, bytes };
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined || file === '') {
    // `npm run bench` runs every compiled bench file; this one is only a helper of walReader.js.
    console.log('walReaderOnce: helper of walReader.js (usage: walReaderOnce.js SEGMENT_FILE)');
  } else {
    const readyMs = performance.now();
    const cpu = process.cpuUsage();
    const first = readSegmentOnce(file, false);
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ records: first.records, readyMs, firstMs: first.ms, firstCpuMs: (used.user + used.system) / 1000 }));
  }
}
