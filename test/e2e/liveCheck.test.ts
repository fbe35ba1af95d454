// The live readiness check against real servers (Debian's 15, embedded 13 and 17): a fresh
// LOGIN-only role lacks exactly the grants the server itself says it lacks, plus REPLICATION;
// after the generated statements run, the role starts and stops a backup in its own session
// and nothing is missing. The expected function list is the lesson's (typed out here), not
// the checker's. A closed port gives a typed error at once.
import * as assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import type { LiveTarget } from '../../src/core/postgres/liveCheck';
import { LiveCheckError, applyStatements, runLiveCheck } from '../../src/core/postgres/liveCheck';
import { findFreePort } from '../../src/core/postgres/freePort';
import { useCluster } from '../support/clusters';
import { repoRoot } from '../support/paths';

/** The functions the lesson grants (and pg_probackup's documentation lists), per major. */
function lessonFunctions(major: number): string[] {
  const backup = major >= 15
    ? ['pg_catalog.pg_backup_start(text, boolean)', 'pg_catalog.pg_backup_stop(boolean)']
    : ['pg_catalog.pg_start_backup(text, boolean, boolean)', 'pg_catalog.pg_stop_backup(boolean, boolean)'];
  return [
    'pg_catalog.current_setting(text)', 'pg_catalog.set_config(text, text, boolean)', 'pg_catalog.pg_is_in_recovery()',
    ...backup,
    'pg_catalog.pg_create_restore_point(text)', 'pg_catalog.pg_switch_wal()', 'pg_catalog.pg_last_wal_replay_lsn()',
    'pg_catalog.txid_current()', 'pg_catalog.txid_current_snapshot()', 'pg_catalog.txid_snapshot_xmax(txid_snapshot)',
    'pg_catalog.pg_control_checkpoint()',
  ];
}

const ROLE = 'backup_user';

for (const major of [15, 13, 17]) {
  describe(`live readiness check on PostgreSQL ${major}`, function () {
    this.timeout(300_000);
    const handle = useCluster(major, { settings: { wal_level: 'replica', max_wal_senders: 4 } });
    const target = (): LiveTarget => {
      const c = handle.cluster;
      return { host: c.host, port: c.port, user: c.superuser, database: c.database };
    };

    it('lists exactly the missing grants and REPLICATION, and after applying them the role can back up', async () => {
      const c = handle.cluster;
      await c.query(`CREATE ROLE ${ROLE} LOGIN`);
      // What the server itself says the role may not execute.
      const denied = (await c.query<{ sig: string; ok: boolean }>(
        "SELECT s AS sig, has_function_privilege($1::text, to_regprocedure(s), 'EXECUTE') AS ok FROM unnest($2::text[]) AS s",
        [ROLE, lessonFunctions(major)])).filter((r) => !r.ok).map((r) => r.sig);
      assert.ok(denied.length >= 2, 'a fresh role may not start a backup');

      const before = await runLiveCheck(target(), { role: ROLE, walMode: 'stream' });
      assert.equal(before.major, major);
      const expected = [`ALTER ROLE ${ROLE} WITH REPLICATION;`, ...denied.map((s) => `GRANT EXECUTE ON FUNCTION ${s} TO ${ROLE};`)];
      assert.deepEqual([...before.missingGrants].sort(), [...expected].sort());
      const codes = before.findings.map((f) => f.code);
      assert.ok(codes.includes('live/role-replication'), codes.join(', '));
      assert.ok(codes.includes('live/grants'));
      assert.ok(!codes.includes('live/wal-level'), 'wal_level is replica here');

      // Before: the role cannot start a backup.
      const startSql = major >= 15 ? "SELECT pg_backup_start('pgbs', true)" : "SELECT pg_start_backup('pgbs', true, false)";
      const stopSql = major >= 15 ? 'SELECT lsn FROM pg_backup_stop(true)' : 'SELECT lsn FROM pg_stop_backup(false, true)';
      const asRole = async (): Promise<string> => {
        const pg = await import('pg');
        const role = new pg.Client({ ...c.pgConfig, user: ROLE });
        await role.connect();
        try {
          await role.query(startSql);
          const rows = (await role.query<{ lsn: string }>(stopSql)).rows;
          return rows[0]?.lsn ?? '';
        } finally {
          await role.end();
        }
      };
      await assert.rejects(asRole(), /permission denied/);

      const applied = await applyStatements(target(), before.missingGrants);
      assert.deepEqual(applied, before.missingGrants);
      assert.match(await asRole(), /^[0-9A-F]+\/[0-9A-F]+$/);
      const rep = await c.query<{ rolreplication: boolean }>('SELECT rolreplication FROM pg_roles WHERE rolname = $1', [ROLE]);
      assert.equal(rep[0]?.rolreplication, true);

      const after = await runLiveCheck(target(), { role: ROLE, walMode: 'stream' });
      assert.deepEqual(after.missingGrants, []);
      assert.equal(after.grantScript, '');
      const left = after.findings.map((f) => f.code).filter((code) => code.startsWith('live/role') || code === 'live/grants');
      assert.deepEqual(left, []);
    });

    it('reads errors of pg_hba_file_rules and agrees that the sample config files are valid and pg_hba.conf has no replication line for the role', async () => {
      const c = handle.cluster;
      // pg_hba_file_rules reads the file on disk; the running server keeps its loaded rules.
      const hba = path.join(c.dataDir, 'pg_hba.conf');
      copyFileSync(path.join(repoRoot, 'test', 'integration', 'workspace', 'confcheck', 'pg_hba.conf'), hba);
      const server = await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_hba_file_rules WHERE error IS NOT NULL');
      assert.equal(server[0]?.n, '0');
      // The sample postgresql.conf too: pg_file_settings reads the file on disk and reports no error in it.
      const conf = path.join(c.dataDir, 'postgresql.conf');
      const original = readFileSync(conf, 'utf8');
      copyFileSync(path.join(repoRoot, 'test', 'integration', 'workspace', 'confcheck', 'postgresql.conf'), conf);
      try {
        // A running server cannot take new restart-only values ("could not be applied"); anything else is an error in the file.
        const errors = await c.query<{ error: string }>(
          "SELECT error FROM pg_file_settings WHERE error IS NOT NULL AND error <> 'setting could not be applied' AND error NOT LIKE '%without restarting the server'");
        assert.deepEqual(errors, []);
        const wal = await c.query<{ setting: string }>("SELECT setting FROM pg_file_settings WHERE name = 'wal_level'");
        assert.deepEqual(wal.map((r) => r.setting), ['minimal']);
      } finally {
        writeFileSync(conf, original);
      }
      const r = await runLiveCheck(target(), { role: ROLE, walMode: 'stream' });
      const codes = r.findings.map((f) => f.code);
      assert.ok(!codes.includes('live/hba-error'));
      const repl = r.findings.find((f) => f.code === 'live/hba-replication');
      assert.ok(repl, codes.join(', '));
      assert.equal(repl.file, hba);

      // A line the server rejects is reported with its file and line number.
      const sample = readFileSync(hba, 'utf8');
      writeFileSync(hba, `${sample}host    all    all    999.1.1.1/32    scram-sha-256\n`);
      const badLine = sample.split('\n').length; // one-based number of the appended line
      const bad = (await runLiveCheck(target(), { role: ROLE, walMode: 'stream' })).findings.filter((f) => f.code === 'live/hba-error');
      assert.equal(bad.length, 1);
      assert.equal(bad[0]?.line, badLine);
      assert.match(bad[0]?.message ?? '', /999\.1\.1\.1/);
    });

    it('says once that a changed restart-only setting waits for a restart', async () => {
      const c = handle.cluster;
      await c.query('ALTER SYSTEM SET max_wal_senders = 7');
      await c.reload();
      try {
        await new Promise((res) => setTimeout(res, 300));
        const pending = await c.query<{ p: boolean }>("SELECT pending_restart AS p FROM pg_settings WHERE name = 'max_wal_senders'");
        assert.equal(pending[0]?.p, true, 'precondition: the server waits for a restart');
        const f = (await runLiveCheck(target(), { role: ROLE, walMode: 'stream' })).findings.filter((x) => x.parameter === 'max_wal_senders');
        assert.deepEqual(f.map((x) => `${x.severity} ${x.code}`), ['warning live/pending-restart']);
      } finally {
        await c.query('ALTER SYSTEM RESET max_wal_senders');
        await c.reload();
      }
    });
  });
}

describe('live readiness check of a server that is not there', () => {
  it('fails quickly with a typed "refused" error on a closed port', async () => {
    const port = await findFreePort();
    const t0 = Date.now();
    const err = await runLiveCheck({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: 's3cret' }).then(
      () => undefined, (e: unknown) => e);
    assert.ok(err instanceof LiveCheckError, String(err));
    assert.equal(err.kind, 'refused');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(!err.message.includes('s3cret'));
    assert.ok(Date.now() - t0 < 3_000, `took ${Date.now() - t0} ms`);
  });

  it('gives up with a typed "timeout" error on a server that accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s)); // reads the startup packet, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const t0 = Date.now();
      const err = await runLiveCheck({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' }, { connectTimeoutMs: 700 }).then(
        () => undefined, (e: unknown) => e);
      assert.ok(err instanceof LiveCheckError, String(err));
      assert.equal(err.kind, 'timeout');
      const took = Date.now() - t0;
      assert.ok(took >= 600 && took < 3_000, `took ${took} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
