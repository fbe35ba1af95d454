// The WAL viewer's model over a whole busy segment written by pgbench -N on PostgreSQL 15: the
// pages hold every line pg_waldump printed, each within VS Code's large-file limits, and every
// record is reachable by LSN (page, then line in that page's index) and by its transaction's end.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { debianMajors, hasProgram, programPath } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { WaldumpIndex } from '../../src/core/waldump/dumpIndex';
import { DumpPager } from '../../src/core/waldump/viewerPaging';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';

const LSN = /^rmgr: .*?, tx:\s+(\d+), lsn: ([0-9A-F]+)\/([0-9A-F]+),.*?desc: (\S+)/;

describe('WAL viewer model on a busy PostgreSQL 15 segment (e2e)', function () {
  this.timeout(300_000);
  let cluster: Cluster | undefined;
  let inst: PgInstallation;
  let base = '';
  let segment = '';

  before(async function () {
    if (!debianMajors().includes(15)) skipBecause(this, "Debian's PostgreSQL 15 (with pg_waldump) is not installed");
    inst = await installationFor(15, 'debian');
    if (!hasProgram(inst, 'pg_waldump') || !hasProgram(inst, 'pgbench')) skipBecause(this, 'pg_waldump or pgbench 15 is missing');
    base = mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-viewer-e2e-'));
    chmodSync(base, 0o755);
    cluster = await createCluster({ installation: inst, baseDir: base, settings: { wal_keep_size: '1GB', max_wal_size: '1GB', checkpoint_timeout: '1h', fsync: 'off', synchronous_commit: 'off' } });
    const pgbench = programPath(inst, 'pgbench');
    const env = { ...cluster.env };
    assert.equal((await run(pgbench, ['-i', '-s', '1', '-q'], { env, ...cluster.runAs })).exitCode, 0);
    const [start] = await cluster.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    for (let i = 0; i < 40; i++) {
      assert.equal((await run(pgbench, ['-N', '-c', '4', '-T', '3'], { env, ...cluster.runAs })).exitCode, 0);
      const [d] = await cluster.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d', [start?.lsn]);
      if (Number(d?.d) > 3 * 16 * 1024 * 1024) break;
    }
    const [full] = await cluster.query<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_lsn() - 16777216) AS f');
    segment = path.join(cluster.dataDir, 'pg_wal', full?.f ?? '');
  });

  after(async () => {
    await cluster?.remove();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('pages the whole segment within the editor limits and reaches every record by LSN and every COMMIT by xid', async () => {
    const texts: string[] = [];
    const pager = new DumpPager({ write: (p, t) => { texts[p] = (texts[p] ?? '') + t; } });
    const all: string[] = [];
    const r = await run(programPath(inst, 'pg_waldump'), [segment], { collectStdout: false, onStdoutLine: (l) => { all.push(l); pager.addLine(l); } });
    assert.ok(r.exitCode === 0 || /could not find a valid record|invalid record length/.test(r.stderr), r.stderr);
    pager.end();
    const records = all.filter((l) => LSN.test(l));
    assert.ok(records.length > 50_000, `a busy segment: ${records.length} records`);
    assert.ok(pager.pages.length >= 2, `${pager.pages.length} pages`);
    assert.equal(texts.join(''), `${all.join('\n')}\n`);
    for (const t of texts) {
      assert.ok(t.length < 20 * 1024 * 1024, 'a page stays under the 20 MB tokenization limit');
      assert.ok(t.split('\n').length < 300_000, 'and under 300,000 lines');
    }
    const indexes = texts.map((t) => WaldumpIndex.of(t));
    const pageLines = texts.map((t) => t.split('\n'));
    for (const l of records) {
      const m = LSN.exec(l);
      const lsn = (BigInt(`0x${m?.[2] ?? ''}`) << 32n) | BigInt(`0x${m?.[3] ?? ''}`);
      const p = pager.pageOfLsn(lsn);
      const line = indexes[p]?.lineOfLsn(lsn) ?? -1;
      assert.equal(pageLines[p]?.[line], l, `record ${m?.[2]}/${m?.[3]}`);
      if (l.startsWith('rmgr: Transaction ') && m?.[4] === 'COMMIT') {
        const end = pager.txEnd(Number(m[1]));
        assert.equal(end && pageLines[end.page]?.[end.line], l);
      }
    }
  });
});
