// Reads a large saved pg_waldump output through the pager the way the viewer does for "Open
// Saved pg_waldump Output" (pages as byte ranges of the file, nothing spooled), and compares it
// with `wc -l` on the same file. Prints time ratio and memory growth; asserts nothing.
//   npx tsc -p tsconfig.json && node out/bench/savedDump.js [MiB]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSavedDump } from '../src/core/waldump/savedDump';
import { DumpPager } from '../src/core/waldump/viewerPaging';
import { waldumpFixture } from '../test/unit/waldump/waldumpFixtures';

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? '512');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-savedbench-'));
  try {
    const file = path.join(dir, 'big.waldump');
    const unit = Buffer.from(waldumpFixture('pg17', 'waldump_seg3_pgbench.txt').text);
    const fd = openSync(file, 'w');
    let size = 0;
    while (size < mib * 1024 * 1024) size += writeSync(fd, unit);
    closeSync(fd);

    const t0 = performance.now();
    const wc = spawnSync('wc', ['-l', file], { encoding: 'utf8' });
    const wcMs = performance.now() - t0;

    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const pageStarts: number[] = [0];
    let at = 0;
    const pager = new DumpPager({ write: () => undefined, pageDone: (p) => { pageStarts[p.index + 1] = at; } });
    const t1 = performance.now();
    let n = 0;
    const res = await readSavedDump(file, {
      onLine: (line, start, end) => {
        at = start;
        pager.addLine(line);
        at = end;
        if ((++n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    pager.end();
    const ms = performance.now() - t1;
    console.log(`saved dump of ${(size / 1024 / 1024).toFixed(0)} MiB (${wc.stdout.trim().split(' ')[0]} lines): wc -l ${wcMs.toFixed(0)} ms; through the pager ${ms.toFixed(0)} ms, ratio ${(ms / wcMs).toFixed(2)}; ` +
      `${pager.pages.length} pages; RSS growth at most ${((peak - rss0) / 1024 / 1024).toFixed(0)} MiB${res.ok ? '' : `; failed: ${res.message}`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
