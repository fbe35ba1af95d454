// The built-in WAL reader on WAL that ordinary workloads do not write, each made by a real
// PostgreSQL 15 and compared with pg_waldump 15 on the same files:
//  - a record cut short by a crash, which recovery marks as overwritten (OVERWRITE_CONTRECORD);
//  - the first segment of a new timeline, whose first page still carries the old timeline;
//  - a recycled segment: an old segment renamed ahead of use, as checkpoints do;
//  - LSNs past 2^53 (pg_resetwal -l), where plain JavaScript numbers lose the low bits;
//  - a segment that lies wholly inside one record.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { debianMajors, hasProgram, programPath } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { formatLsn } from '../../src/core/waldump/walReader';
import { listSegment, readWalFiles } from '../../src/core/waldump/walReaderList';
import { walSegmentFileName } from '../../src/core/waldump/walReaderSource';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';

interface Line {
  lsn: string;
  prev: string;
  rmgr: string;
  type: string;
}

const LINE = /^rmgr: (\S+)\s+len \(rec\/tot\):\s*\d+\/\s*\d+, tx:\s*\d+, lsn: ([0-9A-F]+\/[0-9A-F]+), prev ([0-9A-F]+\/[0-9A-F]+), desc: (\S+)/;

/** pg_waldump's record lines, reduced to LSN, prev, rmgr and type (LSNs as %X/%08X). */
function dumpLines(stdout: string): Line[] {
  const pad = (l: string): string => {
    const [hi, lo] = l.split('/');
    return `${hi}/${(lo ?? '').padStart(8, '0')}`;
  };
  return stdout.split('\n').flatMap((l) => {
    const m = LINE.exec(l);
    return m ? [{ rmgr: m[1] ?? '', lsn: pad(m[2] ?? ''), prev: pad(m[3] ?? ''), type: m[4] ?? '' }] : [];
  });
}

function segFiles(dir: string, tli?: number): string[] {
  return readdirSync(dir).filter((n) => /^[0-9A-F]{24}$/.test(n) && (tli === undefined || parseInt(n.slice(0, 8), 16) === tli))
    .sort().map((n) => path.join(dir, n));
}

describe('built-in WAL reader on unusual real WAL, compared with pg_waldump 15 (e2e)', function () {
  this.timeout(300_000);
  let inst: PgInstallation;
  let waldump = '';
  let cluster: Cluster | undefined;
  let tmp = '';

  before(async function () {
    if (!debianMajors().includes(15)) skipBecause(this, "Debian's PostgreSQL 15 (with pg_waldump) is not installed");
    inst = await installationFor(15, 'debian');
    waldump = programPath(inst, 'pg_waldump');
    for (const p of ['pg_waldump', 'pg_resetwal']) if (!hasProgram(inst, p)) skipBecause(this, `${programPath(inst, p)} is missing`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-waledges-'));
  });

  afterEach(async () => {
    await cluster?.remove();
    cluster = undefined;
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const pgCtl = async (c: Cluster, ...args: string[]): Promise<void> => {
    const r = await run(programPath(inst, 'pg_ctl'), ['-D', c.dataDir, '-w', ...args], { env: inst.env, ...c.runAs });
    assert.equal(r.exitCode, 0, r.stderr);
  };

  const waldumpOf = async (first: string, last = first): Promise<{ lines: Line[]; stderr: string }> => {
    const r = await run(waldump, [first, last], { env: inst.env });
    return { lines: dumpLines(r.stdout), stderr: r.stderr };
  };

  const oursOf = (files: readonly string[]): Line[] => readWalFiles(files).records.map((r) => ({
    lsn: formatLsn(r.lsn), prev: formatLsn(r.prev), rmgr: r.rmgr, type: r.type,
  }));

  it('reads past a record cut short by a crash, as xlogreader does (OVERWRITE_CONTRECORD)', async () => {
    // WAL is kept, so the files still hold the head of the cut record, before the overwrite.
    cluster = await createCluster({ installation: inst, settings: { wal_buffers: '64kB', wal_level: 'logical', wal_keep_size: '1GB', max_wal_size: '2GB' } });
    const c = cluster;
    await c.query('CREATE TABLE t (id int)');
    // A 200 MB record: stop the server hard once part of it is on disk.
    const writer = await c.connect();
    writer.on('error', () => undefined); // the server is about to go away under it
    const pending = writer.query("SELECT pg_logical_emit_message(false, 'huge', repeat('h', 200 * 1024 * 1024))").catch(() => undefined);
    const startLsn = (await c.query<{ l: string }>('SELECT pg_current_wal_flush_lsn()::text AS l'))[0]?.l ?? '';
    for (let i = 0; i < 300; i++) {
      const [row] = await c.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), $1::pg_lsn)::text AS d', [startLsn]);
      if (Number(row?.d) > 40 * 1024 * 1024) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await pgCtl(c, 'stop', '-m', 'immediate');
    await pending;
    await writer.end().catch(() => undefined);
    await c.start();
    await c.query('INSERT INTO t VALUES (1)');
    await c.stop();
    const files = segFiles(path.join(c.dataDir, 'pg_wal'));
    const theirs = await waldumpOf(files[0] as string, files.at(-1));
    const overwrite = theirs.lines.find((l) => l.type === 'OVERWRITE_CONTRECORD');
    assert.ok(overwrite, 'recovery wrote OVERWRITE_CONTRECORD');
    assert.ok(theirs.lines.some((l) => l.lsn === overwrite.prev), 'the files hold the record before the cut one');
    const ours = oursOf(files);
    assert.deepEqual(ours, theirs.lines);
  });

  it('takes the timeline from the file name: the first segment of a new timeline still says the old one inside', async () => {
    cluster = await createCluster({ installation: inst, settings: { wal_keep_size: '1GB' } });
    const c = cluster;
    await c.query('CREATE TABLE t (id int)');
    await c.query('INSERT INTO t SELECT generate_series(1, 1000)');
    // A standby with no primary replays its own pg_wal; promoting it starts timeline 2.
    await c.stop();
    writeFileSync(path.join(c.dataDir, 'standby.signal'), '');
    await c.start();
    await pgCtl(c, 'promote');
    await c.query('INSERT INTO t SELECT generate_series(1, 1000)');
    await c.query('SELECT pg_switch_wal()');
    await c.query('INSERT INTO t SELECT generate_series(1, 1000)');
    await c.stop();
    const wal = path.join(c.dataDir, 'pg_wal');
    const tl2 = segFiles(wal, 2);
    assert.ok(tl2.length >= 2, `timeline 2 has segments: ${readdirSync(wal).join(' ')}`);
    const first = tl2[0] as string;
    assert.equal(readFileSync(first).readUInt32LE(4), 1, 'precondition: the first page of the first timeline-2 segment says timeline 1');
    const asked: number[] = [];
    const one = listSegment(first, {
      following: (segNo, tli, name) => {
        asked.push(tli);
        return path.join(wal, name);
      },
    });
    assert.equal(one.info?.timeline, 2);
    assert.equal(one.info?.firstSegmentName, path.basename(first));
    assert.ok(asked.every((t) => t === 2), `the next segments are looked for on timeline 2, not ${asked.join(',')}`);
    assert.deepEqual(oursOf(tl2), (await waldumpOf(first, tl2.at(-1))).lines);
  });

  it('finds no record in a recycled segment (an old segment under a later name), as pg_waldump does', async () => {
    cluster = await createCluster({ installation: inst });
    const c = cluster;
    await c.query('CREATE TABLE t (id int)');
    await c.query('INSERT INTO t SELECT generate_series(1, 1000)');
    await c.stop();
    const [old] = segFiles(path.join(c.dataDir, 'pg_wal'));
    assert.ok(old);
    // Checkpoints recycle a segment by renaming it to a future name, contents untouched.
    const later = walSegmentFileName(1, parseInt(path.basename(old).slice(16), 16) + 5, 16 * 1024 * 1024);
    const recycled = path.join(tmp, later);
    copyFileSync(old, recycled);
    const theirs = await waldumpOf(recycled);
    assert.equal(theirs.lines.length, 0);
    assert.match(theirs.stderr, /could not find a valid record/);
    const ours = listSegment(recycled);
    assert.equal(ours.records.length, 0);
    assert.equal(ours.end.kind, 'end-of-wal');
    assert.match(ours.end.message, new RegExp(`its pages are those of segment ${path.basename(old)}`));
  });

  it('reads WAL past LSN 2^53 exactly (pg_resetwal -l)', async () => {
    cluster = await createCluster({ installation: inst });
    const c = cluster;
    await c.stop();
    // Segment 0x200000_00000000 / 16 MB: LSN 200000/00000000 = 2^53.
    const name = '000000010020000000000000';
    const r = await run(programPath(inst, 'pg_resetwal'), ['-l', name, '-D', c.dataDir], { env: inst.env, ...c.runAs });
    assert.equal(r.exitCode, 0, r.stderr);
    await c.start();
    await c.query('CREATE TABLE t (id int, v text)');
    await c.query("INSERT INTO t SELECT g, repeat('x', g % 300) FROM generate_series(1, 20000) g");
    await c.stop();
    const files = segFiles(path.join(c.dataDir, 'pg_wal')).filter((f) => path.basename(f) >= name);
    const theirs = await waldumpOf(files[0] as string, files.at(-1));
    assert.ok(theirs.lines.length > 1000, `pg_waldump printed ${theirs.lines.length} records`);
    assert.ok(theirs.lines.every((l) => l.lsn.startsWith('200000/')));
    assert.deepEqual(oursOf(files), theirs.lines);
  });

  it('says that no record starts in a segment that lies wholly inside one record', async () => {
    cluster = await createCluster({ installation: inst, initdbArgs: ['--wal-segsize=1'], settings: { wal_keep_size: '100MB' } });
    const c = cluster;
    const segOf = async (): Promise<string> =>
      (await c.query<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS f'))[0]?.f ?? '';
    const before = await segOf();
    await c.query("SELECT pg_logical_emit_message(true, 'big', repeat('m', 5 * 1024 * 1024))");
    const after = await segOf();
    await c.stop();
    const files = segFiles(path.join(c.dataDir, 'pg_wal'));
    // A segment between the one the message starts in and the one it ends in.
    const middle = files.filter((f) => path.basename(f) > before && path.basename(f) < after);
    assert.ok(middle.length >= 2, `the message spans segments ${before} to ${after}`);
    const inside = middle[1] as string;
    const theirs = await waldumpOf(inside);
    assert.equal(theirs.lines.length, 0);
    assert.match(theirs.stderr, /could not find a valid record/);
    const ours = listSegment(inside, { following: files.filter((f) => f > inside) });
    assert.equal(ours.records.length, 0, ours.end.message);
    assert.equal(ours.end.kind, 'segment-end', ours.end.message);
    assert.match(ours.end.message, /no record starts in WAL segment .*middle of a record/);
  });
});
