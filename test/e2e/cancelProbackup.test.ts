// Cancelling a real pg_probackup FULL STREAM backup with --progress (when PG_PROBACKUP names a
// binary) at once, while it waits for pg_backup_start() and in the middle of copying files: the
// runner's SIGINT is enough, pg_probackup exits by itself and marks that backup ERROR, an earlier
// OK backup keeps its status, nothing of its process group survives and the server keeps no
// session of it.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { addInstanceCommand, initCommand, showCommand } from '../../src/core/probackup/catalogCommands';
import { backupCommand } from '../../src/core/probackup/dataCommands';
import { announcedBackupId } from '../../src/core/probackup/logLines';
import { ProbackupError } from '../../src/core/probackup/probackupError';
import { parseProgressLine } from '../../src/core/probackup/progress';
import { runInvocation } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { groupMembers, isAlive } from '../support/proc';
import { skipBecause } from '../support/skip';


function probackupProcessesFor(catalog: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.includes(catalog) && isAlive(Number(d))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

const INSTANCE = 'cancel';

describe('cancellation: a pg_probackup backup interrupted at several points (e2e)', function () {
  this.timeout(600_000);
  const binary = process.env['PG_PROBACKUP'];
  // Registered first, so that without pg_probackup no cluster is made.
  before(function () {
    if (!binary) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
  });
  const handle = useCluster(15);
  let parent = '';
  let catalog = '';

  before(async () => {
    const c = handle.cluster;
    parent = await mkdtemp(path.join(os.tmpdir(), 'pgbs-cancelcat-'));
    if (c.runAs.uid !== undefined) await chown(parent, c.osUser.uid, c.osUser.gid);
    catalog = path.join(parent, 'catalog');
    await runInvocation(initCommand({ binary: binary!, catalog }), c.runAs);
    await runInvocation(addInstanceCommand({ binary: binary!, catalog, instance: INSTANCE, pgdata: c.dataDir }), c.runAs);
  });

  after(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  const backup = (): ReturnType<typeof backupCommand> => backupCommand({
    binary: binary!, catalog, instance: INSTANCE, mode: 'FULL', stream: true, progress: true, threads: 1,
    connection: { host: '127.0.0.1', port: handle.cluster.port, user: handle.cluster.superuser, database: 'postgres' },
  });

  let firstId = '';
  before(async () => {
    const c = handle.cluster;
    firstId = (await runInvocation(backup(), c.runAs)).backupId;
    // Enough data that copying takes a while: about 200 MB in one table.
    await c.query("CREATE TABLE big AS SELECT g, repeat(md5(g::text), 6) AS t FROM generate_series(1, 800000) g");
  });

  type When = 'at-once' | 'waiting-for-backup-start' | 'mid-copy';

  /** Starts a backup, cancels it at `when`, and checks what every cancel must leave behind. */
  async function cancelAt(when: When): Promise<{ lines: string[]; exitCode: number | undefined }> {
    const c = handle.cluster;
    await new Promise((r) => setTimeout(r, 1100)); // backup IDs are seconds: a new one
    const controller = new AbortController();
    const lines: string[] = [];
    let pid = 0;
    let abortedAt = 0;
    let progressSeen = 0;
    let total = 0;
    const abort = (): void => {
      if (abortedAt === 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    };
    const started = performance.now();
    const err = await runInvocation(backup(), {
      ...c.runAs,
      signal: controller.signal,
      graceMs: 30_000, // long: pg_probackup must stop on SIGINT alone
      onSpawn: (p) => {
        pid = p;
        if (when === 'at-once') abort();
      },
      onStderrLine: (line) => {
        lines.push(line);
        if (when === 'waiting-for-backup-start' && /wait for pg_(?:backup|start)_(?:start|backup)\(\)/.test(line)) abort();
        const p = parseProgressLine(line);
        if (when === 'mid-copy' && p?.done !== undefined && abortedAt === 0 && ++progressSeen === 5) {
          total = p.total ?? 0;
          abort();
        }
      },
    }).then(() => undefined, (e: unknown) => e);
    const stopMs = performance.now() - abortedAt;

    assert.ok(abortedAt > 0, `cancelled ${when}`);
    if (when === 'mid-copy') assert.ok(total > 5, `mid-copy: after ${progressSeen} of ${total} files`);
    assert.ok(err instanceof ProbackupError, `expected a ProbackupError, got ${String(err)}`);
    assert.equal(err.code, 'interrupted', err.message);
    assert.ok(stopMs < 30_000, `stopped ${stopMs.toFixed(0)} ms after the SIGINT, before any SIGTERM`);
    console.log(`      ${when}: cancelled after ${((abortedAt - started) / 1000).toFixed(1)} s${when === 'mid-copy' ? ` (${progressSeen} of ${total} files)` : ''}; ` +
      `pg_probackup exited ${err.exitCode} ${stopMs.toFixed(0)} ms later`);

    assert.ok(pid > 0 && !isAlive(pid));
    assert.deepEqual(groupMembers(pid), []);
    assert.deepEqual(probackupProcessesFor(catalog), []);

    // Every backup but the first is ERROR (a cancel at once may leave none); nothing is RUNNING.
    const shows = await runInvocation(showCommand({ binary: binary!, catalog, instance: INSTANCE }), c.runAs);
    const statuses = new Map(shows[0]?.backups.map((b) => [b.id, b.status]));
    assert.equal(statuses.get(firstId), 'OK', 'the earlier backup keeps its status');
    for (const [id, status] of statuses) if (id !== firstId) assert.equal(status, 'ERROR', `${id}`);
    const announced = announcedBackupId(lines.join('\n'));
    if (when !== 'at-once') assert.equal(announced !== undefined && statuses.get(announced), 'ERROR', `the cancelled backup ${announced}`);

    // The server is not left with a backup connection or a WAL sender of it.
    let left = -1;
    for (let i = 0; i < 50 && left !== 0; i++) {
      const [row] = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'walsender' OR application_name = 'pg_probackup'");
      left = row?.n ?? -1;
      if (left !== 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(left, 0, 'no session of pg_probackup left on the server');
    return { lines, exitCode: err.exitCode };
  }

  it('cancelled at once: it stops, and no backup is left RUNNING', async () => {
    const { exitCode } = await cancelAt('at-once');
    // Before its handler is set the SIGINT ends it (130); after, it exits 1 by itself.
    assert.ok(exitCode === 1 || exitCode === 130, `exit ${exitCode}`);
  });

  it('cancelled while waiting for the backup start: that backup ends ERROR', async () => {
    const { exitCode } = await cancelAt('waiting-for-backup-start');
    assert.equal(exitCode, 1, 'pg_probackup exited by itself (not killed by a signal)');
  });

  it('cancelled mid-copy: that backup ends ERROR, the earlier one stays OK', async () => {
    const { lines, exitCode } = await cancelAt('mid-copy');
    assert.equal(exitCode, 1, 'pg_probackup exited by itself (not killed by a signal)');
    assert.ok(lines.some((l) => /interrupted/i.test(l)), lines.slice(-5).join('\n'));
  });
});
