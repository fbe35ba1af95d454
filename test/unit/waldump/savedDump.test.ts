import * as assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSavedDump } from '../../../src/core/waldump/savedDump';
import { waldumpFixture } from './waldumpFixtures';

interface Got { line: string; start: number; end: number }

async function readAll(file: string, chunkBytes?: number): Promise<{ got: Got[]; res: Awaited<ReturnType<typeof readSavedDump>> }> {
  const got: Got[] = [];
  const res = await readSavedDump(file, { onLine: (line, start, end) => got.push({ line, start, end }), ...(chunkBytes !== undefined ? { chunkBytes } : {}) });
  return { got, res };
}

describe('reading saved pg_waldump output in place', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-saved-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every line with the byte range it came from, whatever the chunk size', async () => {
    // CRLF line ends, a multi-byte character, and a last line without a newline
    const text = `${waldumpFixture('pg15', 'waldump_xact.txt').lines.slice(0, 40).join('\r\n')}\r\n-- note: café\nrmgr: XLOG        len (rec/tot):     24/    24, tx:          0, lsn: 0/01000028, prev 0/00000000, desc: SWITCH`;
    const file = path.join(dir, 'a.waldump');
    writeFileSync(file, text);
    const bytes = readFileSync(file);
    const expected = text.split('\n');
    for (const chunk of [5, 64, 1000, undefined]) {
      const { got, res } = await readAll(file, chunk);
      assert.deepEqual(res, { ok: true, bytes: bytes.length, lines: expected.length }, `chunk ${chunk}`);
      assert.deepEqual(got.map((g) => g.line), expected, `chunk ${chunk}`);
      for (const g of got) assert.equal(bytes.toString('utf8', g.start, g.end).replace(/\n$/, ''), g.line);
      assert.equal(got.at(-1)?.end, bytes.length);
    }
  });

  it('refuses text that is not pg_waldump output, saying why', async () => {
    const plain = path.join(dir, 'plain.txt');
    writeFileSync(plain, 'hello\nworld\n');
    const r1 = await readAll(plain);
    assert.equal(r1.res.ok, false);
    assert.match(r1.res.ok ? '' : r1.res.message, /no line starts with "rmgr: "/);

    const noRecordsEarly = path.join(dir, 'late.txt');
    writeFileSync(noRecordsEarly, `${'x'.repeat(99)}\n`.repeat(20_000) + 'rmgr: Heap\n');
    const r2 = await readSavedDump(noRecordsEarly, { onLine: () => undefined, sniffBytes: 64 * 1024 });
    assert.equal(r2.ok, false);
    assert.match(r2.ok ? '' : r2.message, /no line in the first 64 KiB/);
  });

  it('stops at the first line that is far too long, without reading a 2 GB file whole', async () => {
    // A sparse 2 GB file of zero bytes: no newline anywhere.
    const big = path.join(dir, 'zeros.waldump');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 2 * 1024 * 1024 * 1024);
    closeSync(fd);
    let lines = 0;
    const res = await readSavedDump(big, { onLine: () => lines++, maxLineBytes: 1024 * 1024, chunkBytes: 1024 * 1024 });
    assert.equal(res.ok, false);
    assert.match(res.ok ? '' : res.message, /a line of more than 1048576 bytes at byte 0/);
    assert.equal(lines, 0);
  });

  it('says a missing file is missing, and stops when cancelled', async () => {
    const missing = await readAll(path.join(dir, 'nope.waldump'));
    assert.deepEqual(missing.res, { ok: false, bytes: 0, lines: 0, message: `cannot open ${path.join(dir, 'nope.waldump')}: ENOENT` });

    const file = path.join(dir, 'c.waldump');
    writeFileSync(file, waldumpFixture('pg17', 'waldump_seg3_pgbench.txt').text);
    const ac = new AbortController();
    let seen = 0;
    const res = await readSavedDump(file, { signal: ac.signal, chunkBytes: 4096, onLine: () => { if (++seen === 10) ac.abort(); } });
    assert.equal(res.ok, false);
    assert.equal(res.ok ? '' : res.message, 'cancelled');
    assert.ok(seen < waldumpFixture('pg17', 'waldump_seg3_pgbench.txt').lines.length);
  });
});
