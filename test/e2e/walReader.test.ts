// The built-in WAL reader against real PostgreSQL WAL. PostgreSQL 15 (Debian's, which ships
// pg_waldump): every record must agree with pg_waldump 15 on LSN, prev, rmgr, rec/tot lengths,
// xid, record type and block references, and a corrupted or truncated copy must stop where
// pg_waldump stops. PostgreSQL 13, 14, 16, 17, 18 (embedded packages, no pg_waldump): every
// record's CRC checks, the prev chain is unbroken, the page magic gives the server's major, and
// the records the workload must have written are there under their pg_waldump names.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { debianMajors, hasProgram, programPath } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { majorForMagic } from '../../src/core/waldump/pageMagic';
import { listSegment, readWalFiles } from '../../src/core/waldump/walReaderList';
import type { WalRecord } from '../../src/core/waldump/walReaderTypes';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';
import { runWalWorkload, walFiles, walWorkloadTypes, WAL_WORKLOAD_SETTINGS } from '../support/walWorkload';

/** One record line of pg_waldump 15 (without -b), reduced to what both sides know. */
interface DumpRecord {
  rmgr: string;
  rec: number;
  tot: number;
  xid: number;
  lsn: bigint;
  prev: bigint;
  type: string;
  blocks: string[];
}

const LINE = /^rmgr: (\S+)\s+len \(rec\/tot\):\s*(\d+)\/\s*(\d+), tx:\s*(\d+), lsn: ([0-9A-F]+)\/([0-9A-F]+), prev ([0-9A-F]+)\/([0-9A-F]+), desc: (UNKNOWN \([0-9a-f]+\)|\S+)(.*)$/;
const BLKREF = /, blkref #(\d+): rel (\d+)\/(\d+)\/(\d+)(?: fork (\w+))? blk (\d+)( FPW(?: for WAL verification)?)?/g;

const lsnOf = (hi: string, lo: string): bigint => (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);

function parseDump(stdout: string): DumpRecord[] {
  const out: DumpRecord[] = [];
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const blocks = [...(m[10] ?? '').matchAll(BLKREF)].map((b) =>
      `#${b[1]} ${b[2]}/${b[3]}/${b[4]} ${b[5] ?? 'main'} ${b[6]}${b[7] ?? ''}`);
    out.push({
      rmgr: m[1] ?? '', rec: Number(m[2]), tot: Number(m[3]), xid: Number(m[4]),
      lsn: lsnOf(m[5] ?? '', m[6] ?? ''), prev: lsnOf(m[7] ?? '', m[8] ?? ''), type: m[9] ?? '', blocks,
    });
  }
  return out;
}

function ours(r: WalRecord): DumpRecord {
  return {
    rmgr: r.rmgr, rec: r.recordLength, tot: r.totalLength, xid: r.xid, lsn: r.lsn, prev: r.prev, type: r.type,
    blocks: r.blocks.map((b) => `#${b.id} ${b.spcOid}/${b.dbOid}/${b.relNumber} ${b.forkName} ${b.block}${
      b.image ? (b.image.apply ? ' FPW' : ' FPW for WAL verification') : ''}`),
  };
}

describe('built-in WAL reader on real WAL (e2e)', function () {
  this.timeout(300_000);

  const variants: { name: string; settings: Record<string, string | number>; initdbArgs: string[]; segSize: number; fpiFlags: string[] }[] = [
    { name: 'default settings', settings: {}, initdbArgs: [], segSize: 16 * 1024 * 1024, fpiFlags: [' FPW'] },
    {
      // Compressed page images (15+ flags), images kept only for checking (no BKPIMAGE_APPLY),
      // hint-bit images with data checksums, and 1 MB segments.
      name: 'wal_compression, wal_consistency_checking, checksums, 1 MB segments',
      settings: { wal_compression: 'pglz', wal_consistency_checking: 'heap' },
      initdbArgs: ['--wal-segsize=1', '--data-checksums'],
      segSize: 1024 * 1024,
      fpiFlags: [' FPW', ' FPW for WAL verification'],
    },
  ];
  for (const variant of variants) describe(`PostgreSQL 15 (${variant.name}), compared with pg_waldump 15`, () => {
    let cluster: Cluster | undefined;
    let inst: PgInstallation;
    let files: string[] = [];
    let dump: DumpRecord[] = [];
    let dumpStderr = '';
    let tmp = '';

    before(async function () {
      if (!debianMajors().includes(15)) skipBecause(this, "Debian's PostgreSQL 15 (with pg_waldump) is not installed");
      inst = await installationFor(15, 'debian');
      if (!hasProgram(inst, 'pg_waldump')) skipBecause(this, `${programPath(inst, 'pg_waldump')} is missing`);
      cluster = await createCluster({
        installation: inst,
        settings: { ...WAL_WORKLOAD_SETTINGS, ...variant.settings },
        initdbArgs: variant.initdbArgs,
      });
      await runWalWorkload(cluster, 15);
      await cluster.stop();
      files = walFiles(cluster);
      const first = files[0];
      const last = files.at(-1);
      assert.ok(first !== undefined && last !== undefined);
      const r = await run(programPath(inst, 'pg_waldump'), [first, last], { env: inst.env });
      dump = parseDump(r.stdout);
      dumpStderr = r.stderr;
      tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-walreader-'));
    });

    after(async () => {
      await cluster?.remove();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('agrees with pg_waldump on every record: LSN, prev, rmgr, rec/tot, xid, type, block references', () => {
      assert.ok(dump.length > 1000, `pg_waldump printed ${dump.length} records`);
      const res = readWalFiles(files);
      assert.equal(res.info?.major, 15);
      assert.equal(res.records.length, dump.length);
      for (let i = 0; i < dump.length; i++) {
        assert.deepEqual(ours(res.records[i] as WalRecord), dump[i], `record ${i}`);
      }
      // Both stop at the same place.
      assert.equal(res.end.kind, 'end-of-wal');
      const theirs = /invalid record length at ([0-9A-F]+)\/([0-9A-F]+)/.exec(dumpStderr);
      if (theirs) assert.equal(res.end.lsn, lsnOf(theirs[1] ?? '', theirs[2] ?? ''));
      // The workload's records are among them.
      const types = new Set(res.records.map((r) => `${r.rmgr}/${r.type}`));
      const flags = new Set(dump.flatMap((r) => r.blocks.map((b) => / FPW.*$/.exec(b)?.[0] ?? '')));
      for (const f of variant.fpiFlags) assert.ok(flags.has(f), `some block reference has "${f}"`);
      if (variant.settings['wal_compression'] !== undefined) {
        assert.ok(res.records.some((r) => r.blocks.some((b) => b.image?.compression === 'pglz')), 'some images are compressed with pglz');
      }
      for (const t of walWorkloadTypes(15)) {
        assert.ok(types.has(t), `${t} is among ${[...types].join(' ')}`);
      }
    });

    it('lists each segment alone (with the next one for a record that continues into it) as the records that start in it', () => {
      const all = readWalFiles(files).records;
      const segSize = BigInt(variant.segSize);
      let seen = 0;
      files.forEach((f, i) => {
        const one = listSegment(f, { following: files.slice(i + 1) });
        if (one.records.length === 0) return;
        const segNo = (one.records[0] as WalRecord).lsn / segSize;
        const expected = all.filter((r) => r.lsn / segSize === segNo);
        assert.deepEqual(one.records.map((r) => r.lsn), expected.map((r) => r.lsn), path.basename(f));
        seen += one.records.length;
      });
      assert.equal(seen, all.length);
    });

    it('stops at a record with a flipped byte exactly where pg_waldump stops, with the records before it', async () => {
      // A record in the middle of a segment that lies within one page: flip a byte of its data.
      const segSize = variant.segSize;
      const victimIndex = dump.findIndex((r, i) => i > dump.length / 3 && r.tot > 60 && Number(r.lsn % 8192n) + r.tot < 8192);
      const victim = dump[victimIndex];
      assert.ok(victim);
      const segNo = Number(victim.lsn / BigInt(segSize));
      const perId = 0x100000000 / segSize;
      const file = files.find((f) => parseInt(path.basename(f).slice(8, 16), 16) * perId + parseInt(path.basename(f).slice(16), 16) === segNo);
      assert.ok(file, `segment ${segNo} is there`);
      const copies = files.filter((f) => f >= file).map((f) => {
        const dest = path.join(tmp, path.basename(f));
        copyFileSync(f, dest);
        return dest;
      });
      const target = copies[0] as string;
      const bytes = readFileSync(target);
      const at = Number(victim.lsn % BigInt(segSize)) + 40;
      bytes[at] = (bytes[at] as number) ^ 0x40;
      writeFileSync(target, bytes);

      const res = readWalFiles(copies);
      assert.equal(res.end.kind, 'invalid-record');
      assert.equal(res.end.lsn, victim.lsn);
      const before = dump.filter((r) => r.lsn >= (res.records[0]?.lsn ?? 0n) && r.lsn < victim.lsn);
      assert.deepEqual(res.records.map(ours), before);

      const r = await run(programPath(inst, 'pg_waldump'), [target, target], { env: inst.env });
      const theirs = parseDump(r.stdout);
      assert.equal(theirs.at(-1)?.lsn, before.at(-1)?.lsn);
      assert.match(r.stderr, /checksum/);
      assert.match(res.end.message, /checksum/);
    });

    it('stops at a truncated segment with kind truncated, after the records that fit', () => {
      const src = files.find((f) => listSegment(f).records.length > 20);
      assert.ok(src, 'a segment with records');
      const dest = path.join(tmp, `cut-${path.basename(src)}`);
      copyFileSync(src, dest);
      truncateSync(dest, 5 * 8192 + 100);
      const res = listSegment(dest);
      assert.equal(res.end.kind, 'truncated');
      const segSize = BigInt(variant.segSize);
      for (const r of res.records) assert.ok(r.endLsn % segSize <= 5n * 8192n, 'every record read lies in the part that is left');
    });
  });

  for (const major of [13, 14, 16, 17, 18]) {
    describe(`PostgreSQL ${major} (embedded server, no pg_waldump): CRCs, prev chain, page magic`, () => {
      let cluster: Cluster | undefined;
      let files: string[] = [];
      let versionNum = 0;

      before(async function () {
        let inst: PgInstallation;
        try {
          inst = await installationFor(major, 'embedded');
        } catch (e) {
          skipBecause(this, `no PostgreSQL ${major} installation: ${e instanceof Error ? e.message : String(e)}`);
        }
        cluster = await createCluster({ installation: inst, settings: WAL_WORKLOAD_SETTINGS });
        const [row] = await cluster.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
        versionNum = Number(row?.n);
        await runWalWorkload(cluster, major);
        await cluster.stop();
        files = walFiles(cluster);
      });

      after(async () => {
        await cluster?.remove();
      });

      it('reads the page magic as the server major', () => {
        const first = files[0];
        assert.ok(first);
        const head = readFileSync(first).subarray(0, 2);
        assert.equal(majorForMagic(head.readUInt16LE(0)), Math.floor(versionNum / 10000));
        assert.equal(readWalFiles(files, { limit: 1 }).info?.major, major);
      });

      it('reads every record to the end of WAL: CRCs check, the prev chain is unbroken, every type is named', () => {
        const res = readWalFiles(files);
        assert.equal(res.end.kind, 'end-of-wal', res.end.message);
        assert.ok(res.records.length > 1000, `${res.records.length} records`);
        for (let i = 1; i < res.records.length; i++) {
          const r = res.records[i] as WalRecord;
          const p = res.records[i - 1] as WalRecord;
          assert.equal(r.prev, p.lsn, `prev of record at ${r.lsn}`);
          assert.ok(r.lsn >= p.endLsn);
        }
        const unknown = res.records.filter((r) => r.type.startsWith('UNKNOWN'));
        assert.deepEqual(unknown.map((r) => `${r.rmgr} ${r.type}`), []);
        const types = new Set(res.records.map((r) => `${r.rmgr}/${r.type}`));
        for (const t of walWorkloadTypes(major)) assert.ok(types.has(t), `${t} is among ${[...types].join(' ')}`);
        assert.equal(res.records.at(-1)?.type, 'CHECKPOINT_SHUTDOWN', 'the last record is the shutdown checkpoint');
      });
    });
  }
});
