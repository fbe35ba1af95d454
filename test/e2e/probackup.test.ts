// pg_probackup against a real cluster, when PG_PROBACKUP names a binary: init and add-instance in
// a temp catalog, the refusals a second init / add-instance get, a FULL STREAM backup with
// --progress followed through the tracker, and show / show-config / validate read back.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { installExitCleanup } from '../../src/core/postgres/clusterRegistry';
import {
  addInstanceCommand, initCommand, showArchiveCommand, showBackupCommand, showCommand, showConfigCommand,
} from '../../src/core/probackup/catalogCommands';
import { buildCatalogModel } from '../../src/core/probackup/catalogModel';
import { backupCommand, restoreCommand, validateCommand } from '../../src/core/probackup/dataCommands';
import { versionCommand } from '../../src/core/probackup/discovery';
import { ProbackupError } from '../../src/core/probackup/probackupError';
import type { ProbackupErrorCode } from '../../src/core/probackup/probackupError';
import { createProgressTracker } from '../../src/core/probackup/progress';
import type { ProgressState } from '../../src/core/probackup/progress';
import type { ProbackupVersion } from '../../src/core/probackup/version';
import { runInvocation } from '../../src/core/process/runner';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';

const binary = process.env['PG_PROBACKUP'];
const INSTANCE = 'e2e';

async function rejectsWith(p: Promise<unknown>, code: ProbackupErrorCode): Promise<ProbackupError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProbackupError, `expected a ProbackupError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('pg_probackup (e2e)', function () {
  this.timeout(300_000);
  let version: ProbackupVersion;
  let cluster: Cluster | undefined;
  let catalog: string | undefined;

  before(async function () {
    if (!binary) {
      skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    }
    installExitCleanup();
    version = await runInvocation(versionCommand(binary));
    const installation = await installationFor(version.server.major);
    cluster = await createCluster({ installation, initdbArgs: ['--data-checksums'] });
    catalog = await mkdtemp(path.join(os.tmpdir(), 'pgbs-catalog-'));
    await rm(catalog, { recursive: true }); // init wants to create it (or find it empty)
  });

  after(async function () {
    this.timeout(60_000);
    await cluster?.remove();
    if (catalog) await rm(catalog, { recursive: true, force: true });
  });

  const base = (): { binary: string; catalog: string } => ({ binary: binary!, catalog: catalog! });

  it('reads the version of the binary', () => {
    assert.equal(version.programParts[0], 2);
    assert.equal(version.programParts[1], 5);
  });

  it('init creates the catalog, and a second init is refused', async () => {
    const out = await runInvocation(initCommand(base()));
    assert.equal(out.catalog, catalog);
    await rejectsWith(runInvocation(initCommand(base())), 'catalog-already-initialized');
  });

  it('add-instance registers the PGDATA, and refuses it twice', async () => {
    const c = cluster!;
    const out = await runInvocation(addInstanceCommand({ ...base(), instance: INSTANCE, pgdata: c.dataDir }));
    assert.equal(out.instance, INSTANCE);
    await rejectsWith(runInvocation(addInstanceCommand({ ...base(), instance: INSTANCE, pgdata: c.dataDir })), 'instance-already-exists');

    const cfg = await runInvocation(showConfigCommand({ ...base(), instance: INSTANCE }));
    assert.equal(cfg.pgdata, c.dataDir);
    const [row] = await c.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
    assert.equal(cfg.systemIdentifier, row?.id);
    const [seg] = await c.query<{ bytes: string }>("SELECT setting AS bytes FROM pg_settings WHERE name = 'wal_segment_size'");
    assert.equal(cfg.xlogSegSize, Number(seg?.bytes));

    assert.deepEqual(await runInvocation(showCommand(base())), [{ instance: INSTANCE, backups: [] }]);
    await rejectsWith(runInvocation(showConfigCommand({ ...base(), instance: 'nosuch' })), 'instance-not-found');
  });

  it('takes a FULL STREAM backup with progress, and show and validate read it back', async () => {
    const c = cluster!;
    const tracker = createProgressTracker('backup');
    const states: ProgressState[] = [];
    const inv = backupCommand({
      ...base(), instance: INSTANCE, mode: 'FULL', stream: true, progress: true, threads: 2,
      connection: { host: c.host, port: c.port, user: c.superuser, database: 'postgres' },
    });
    const out = await runInvocation(inv, {
      onStderrLine: (line) => {
        const s = tracker.push(line);
        if (s) states.push(s);
      },
    });
    assert.match(out.backupId, /^[0-9A-Z]{6}$/);
    assert.equal(out.mode, 'FULL');
    assert.equal(out.walMode, 'STREAM');
    assert.ok(states.length > 100, `${states.length} progress updates`);
    for (let i = 1; i < states.length; i++) assert.ok(states[i]!.fraction >= states[i - 1]!.fraction);
    assert.equal(states[states.length - 1]?.fraction, 1);

    const shows = await runInvocation(showCommand({ ...base(), instance: INSTANCE }));
    const b = shows[0]?.backups[0];
    assert.equal(b?.id, out.backupId);
    assert.equal(b?.status, 'OK');
    assert.equal(b?.serverVersion, String(version.server.major));
    assert.ok(b?.recoveryTime instanceof Date);

    const archive = await runInvocation(showArchiveCommand({ ...base(), instance: INSTANCE }));
    const model = buildCatalogModel(shows, archive).instances[0];
    assert.equal(model?.window?.from.backupId, out.backupId);
    assert.equal(model?.window?.to.kind, 'backup', 'STREAM without an archive: only to its own recovery time');

    const valid = await runInvocation(validateCommand({ ...base(), instance: INSTANCE }));
    assert.deepEqual(valid.backups.map((v) => [v.backupId, v.result]), [[out.backupId, 'valid']]);
  });

  it('refuses a restore onto the running cluster, and names a missing backup', async () => {
    const c = cluster!;
    const err = await rejectsWith(runInvocation(restoreCommand({ ...base(), instance: INSTANCE, pgdata: c.dataDir })), 'restore-target-running');
    assert.match(err.message, /Restore destination is not empty/);
    assert.ok(c.isRunning(), 'the cluster is untouched');
    const missing = await rejectsWith(runInvocation(showBackupCommand({ ...base(), instance: INSTANCE, backupId: 'ZZZZZZ' })), 'backup-not-found');
    assert.equal(missing.subject, 'ZZZZZZ');
  });
});
