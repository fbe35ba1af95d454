// Hover at line 1,000,000 of a dump: the viewer's hover (parse the line, find the part, look up
// the transaction's end in the index) and go-to-prev (LSN binary search) over an index of a dump
// of ~1.05 million lines built from the recorded pgbench dump, repeated with rising LSNs.
// Prints times; it asserts nothing.   node out/bench/viewerHover.js
import { readFileSync } from 'node:fs';
import { WaldumpIndex } from '../src/core/waldump/dumpIndex';
import { parseWaldumpLine } from '../src/core/waldump/recordLineParser';
import { viewerHover } from '../src/core/waldump/viewerHover';
import type { TxEndLink } from '../src/core/waldump/viewerHover';
import { fixture } from '../test/support/paths';

function main(): void {
  const base = readFileSync(fixture('pg_waldump', 'pg15', 'waldump_busy.txt'), 'utf8').split('\n').filter((l) => l !== '');
  const lines: string[] = [];
  for (let round = 1; lines.length < 1_050_000; round++) {
    const hi = round.toString(16).toUpperCase();
    for (const l of base) lines.push(l.replace(/lsn: 0\//, `lsn: ${hi}/`).replace(/prev 0\//, `prev ${hi}/`));
  }
  const text = `${lines.join('\n')}\n`;
  const t0 = performance.now();
  const index = WaldumpIndex.of(text);
  const buildMs = performance.now() - t0;
  const target = 1_000_000;
  const line = lines[target] ?? '';
  const txEnd = (xid: number): TxEndLink | undefined => {
    const ls = index.linesOfXid(xid);
    for (let i = ls.length - 1; i >= 0; i--) {
      const rec = parseWaldumpLine(lines[ls[i] ?? 0] ?? '');
      if (rec.kind === 'record' && rec.rmgr === 'Transaction' && (rec.type === 'COMMIT' || rec.type === 'ABORT')) return { kind: rec.type, label: rec.lsnText, target: 'command:x' };
    }
    return undefined;
  };
  const cols = [7, line.indexOf('tx:') + 8, line.indexOf('lsn:') + 6, line.indexOf('prev') + 6, line.indexOf('desc:') + 7, line.length - 3];
  const n = 2000;
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += viewerHover(parseWaldumpLine(line), cols[i % cols.length] ?? 0, { txEnd })?.markdown.length ?? 0;
  const h0 = performance.now();
  for (let i = 0; i < n; i++) sink += viewerHover(parseWaldumpLine(line), cols[i % cols.length] ?? 0, { txEnd })?.markdown.length ?? 0;
  const hoverMs = (performance.now() - h0) / n;
  const rec = parseWaldumpLine(line);
  const d0 = performance.now();
  for (let i = 0; i < n; i++) if (rec.kind === 'record') sink += index.lineOfLsn(rec.prev);
  const defMs = (performance.now() - d0) / n;
  console.log(`viewer hover: dump of ${index.lineCount} lines (${(text.length / 1048576).toFixed(0)} MB), index built in ${buildMs.toFixed(0)} ms (once per page version)`);
  console.log(`  hover at line ${target}: ${(hoverMs * 1000).toFixed(1)} µs per hover (target < 2 ms), ratio to target ${(hoverMs / 2).toFixed(4)}`);
  console.log(`  go-to-prev lookup at line ${target}: ${(defMs * 1000).toFixed(2)} µs (sink ${sink})`);
}

main();
