// Preparing WAL files for the viewer: the long page header read by hand-written bytes (layout of
// XLogLongPageHeaderData), .gz decompressed, a .gz that is not gzip refused, .partial linked
// under its plain segment name.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { prepareSegmentInput, readSegmentHeader } from '../../../src/core/waldump/viewerInput';

function longHeader(magic: number, timeline: number, segSize: number): Uint8Array {
  const b = new Uint8Array(8192);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, magic, true); // xlp_magic
  dv.setUint16(2, 0x0002, true); // xlp_info: XLP_LONG_HEADER
  dv.setUint32(4, timeline, true); // xlp_tli
  dv.setBigUint64(8, 0x3000000n, true); // xlp_pageaddr
  dv.setBigUint64(24, 7123456789012345678n, true); // xlp_sysid
  dv.setUint32(32, segSize, true); // xlp_seg_size
  dv.setUint32(36, 8192, true); // xlp_xlog_blcksz
  return b;
}

describe('viewer: preparing WAL files', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-viewerinput-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads major, timeline and segment size from the first page', async () => {
    const f = path.join(dir, '000000030000000000000003');
    writeFileSync(f, longHeader(0xd110, 3, 16 * 1024 * 1024));
    assert.deepEqual(await readSegmentHeader(f), { major: 15, problem: undefined, timeline: 3, segmentSize: 16 * 1024 * 1024 });
    const g = path.join(dir, 'other');
    writeFileSync(g, longHeader(0xd120, 1, 16 * 1024 * 1024));
    const h = await readSegmentHeader(g);
    assert.equal(h.major, undefined);
    assert.match(h.problem ?? '', /newer\/unknown WAL format \(magic 0xD120\)/);
  });

  it('decompresses a .gz segment to a file with the plain segment name', async () => {
    const bytes = longHeader(0xd116, 1, 1024 * 1024);
    const gz = path.join(dir, '000000010000000000000003.gz');
    writeFileSync(gz, gzipSync(bytes));
    const p = await prepareSegmentInput(gz);
    assert.equal(path.basename(p.file), '000000010000000000000003');
    assert.deepEqual(new Uint8Array(readFileSync(p.file)), bytes);
    assert.equal((await readSegmentHeader(p.file)).major, 17);
    await p.dispose();
    assert.equal(existsSync(p.file), false);
  });

  it('refuses a .gz that is not gzip with a clear message, leaving nothing behind', async () => {
    const gz = path.join(dir, '000000010000000000000004.gz');
    writeFileSync(gz, longHeader(0xd110, 1, 16 * 1024 * 1024));
    await assert.rejects(prepareSegmentInput(gz), /000000010000000000000004\.gz is not a gzip file/);
  });

  it('links a .partial segment under its plain name, and leaves plain files as they are', async () => {
    const partial = path.join(dir, '000000010000000000000005.partial');
    writeFileSync(partial, longHeader(0xd110, 1, 16 * 1024 * 1024));
    const p = await prepareSegmentInput(partial);
    assert.equal(path.basename(p.file), '000000010000000000000005');
    assert.notEqual(path.dirname(p.file), dir);
    assert.equal((await readSegmentHeader(p.file)).major, 15);
    await p.dispose();
    assert.ok(existsSync(partial));
    const plain = path.join(dir, '000000030000000000000003');
    const q = await prepareSegmentInput(plain);
    assert.equal(q.file, plain);
  });

  it("decompresses pg_receivewal's .gz.partial, and says how to open .lz4 and .zst segments", async () => {
    const bytes = longHeader(0xd110, 1, 16 * 1024 * 1024);
    const gz = path.join(dir, '000000010000000000000006.gz.partial');
    writeFileSync(gz, gzipSync(bytes));
    const p = await prepareSegmentInput(gz);
    assert.equal(path.basename(p.file), '000000010000000000000006');
    assert.deepEqual(new Uint8Array(readFileSync(p.file)), bytes);
    await p.dispose();
    for (const name of ['000000010000000000000007.lz4', '000000010000000000000007.lz4.partial', '000000010000000000000007.zst']) {
      const f = path.join(dir, name);
      writeFileSync(f, 'x');
      await assert.rejects(prepareSegmentInput(f), /cannot decompress; decompress it with `(lz4|zstd) -d`/, name);
    }
  });
});
