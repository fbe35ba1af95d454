// The real pg_probackup (PG_PROBACKUP) on an instance whose pg_probackup.conf lowers the console
// log level and asks for zlib, as `set-config` through our builder leaves it: backups, a merge
// and a validate through the same builders the commands use must still read their results, a
// backup chosen as uncompressed must come out uncompressed, and the user's settings must stay.
import * as assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cluster } from '../../src/core/postgres/cluster';
import { backupOptionsFrom } from '../../src/core/probackup/backupPlan';
import type { BackupChoices } from '../../src/core/probackup/backupPlan';
import type { Backup } from '../../src/core/probackup/backup';
import {
  addInstanceCommand, initCommand, setBackupCommand, setConfigCommand, showCommand, showConfigCommand,
} from '../../src/core/probackup/catalogCommands';
import { backupCommand, mergeCommand, validateCommand } from '../../src/core/probackup/dataCommands';
import { versionCommand } from '../../src/core/probackup/discovery';
import { createProgressTracker } from '../../src/core/probackup/progress';
import { runInvocation } from '../../src/core/process/runner';
import type { RunOptions } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

const binary = process.env['PG_PROBACKUP'];
const INSTANCE = 'quiet';

describe('pg_probackup with log-level-console=warning in the instance config (e2e)', function () {
  this.timeout(300_000);
  const handle = binary ? useCluster(15, { initdbArgs: ['--data-checksums'] }) : undefined;
  let cluster: Cluster;
  let work: string;
  let catalog: string;
  let as: RunOptions;
  let fullId: string;

  before(async function () {
    if (!binary || !handle) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    const v = await runInvocation(versionCommand(binary));
    if (v.server.major !== 15) skipBecause(this, `PG_PROBACKUP is built for PostgreSQL ${v.server.major}, this suite runs on 15`);
    cluster = handle.cluster;
    await cluster.query('CREATE TABLE filler AS SELECT g AS id, md5(g::text) AS pad FROM generate_series(1, 20000) g');
    // pg_probackup reads PGDATA, so it runs as the cluster's OS user, who must own the catalog.
    as = { ...cluster.runAs };
    work = mkdtempSync(path.join(os.tmpdir(), 'pgbs-quiet-'));
    chownSync(work, cluster.osUser.uid, cluster.osUser.gid);
    catalog = path.join(work, 'catalog');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const where = (): { binary: string; catalog: string; instance: string } => ({ binary: binary!, catalog, instance: INSTANCE });
  const backup = async (choices: Omit<BackupChoices, 'server'>): Promise<{ backupId: string; fractions: number[] }> => {
    const tracker = createProgressTracker('backup');
    const fractions: number[] = [];
    const server = { host: cluster.host, port: cluster.port, user: cluster.superuser, database: 'postgres' };
    const out = await runInvocation(backupCommand(backupOptionsFrom({ ...where(), choices: { ...choices, server } })), {
      ...as,
      onStderrLine: (l) => {
        const s = tracker.push(l);
        if (s) fractions.push(s.fraction);
      },
    });
    return { backupId: out.backupId, fractions };
  };
  const shown = async (): Promise<readonly Backup[]> => (await runInvocation(showCommand(where()), as))[0]?.backups ?? [];

  it('set-config stores the quiet console level and zlib compression', async () => {
    await runInvocation(initCommand({ binary: binary!, catalog }), as);
    await runInvocation(addInstanceCommand({ ...where(), pgdata: cluster.dataDir }), as);
    await runInvocation(setConfigCommand({ ...where(), logLevelConsole: 'warning', compression: { algorithm: 'zlib', level: 1 } }), as);
    const cfg = await runInvocation(showConfigCommand(where()), as);
    assert.equal(cfg.logLevelConsole, 'WARNING');
    assert.equal(cfg.compressAlgorithm, 'zlib');
  });

  it('a FULL backup still returns its ID and moves the progress bar; chosen uncompressed, it is', async () => {
    const out = await backup({ mode: 'FULL', stream: true, compressAlgorithm: 'none', threads: 2 });
    assert.match(out.backupId, /^[0-9A-Z]{6}$/);
    assert.ok(out.fractions.length > 10, `${out.fractions.length} progress updates`);
    for (let i = 1; i < out.fractions.length; i++) assert.ok(out.fractions[i]! >= out.fractions[i - 1]!, 'never goes back');
    const b = (await shown()).find((x) => x.id === out.backupId);
    assert.equal(b?.status, 'OK');
    assert.equal(b?.compressAlg, 'none', 'not the zlib of the instance config');
    fullId = out.backupId;
  });

  it('a note that pg_probackup stores as given is read back as given', async () => {
    const note = 'kept as given: "quoted" \\ ünï # no comment';
    await runInvocation(setBackupCommand({ ...where(), backupId: fullId, note }), as);
    assert.equal((await shown()).find((x) => x.id === fullId)?.note, note);
  });

  it('a merge of a DELTA into it: the DELTA\'s ID survives as the FULL, the FULL\'s ID is gone', async () => {
    await cluster.query('UPDATE filler SET pad = \'changed\' WHERE id % 10 = 0');
    const delta = await backup({ mode: 'DELTA', stream: true });
    assert.match(delta.backupId, /^[0-9A-Z]{6}$/);
    assert.notEqual(delta.backupId, fullId);
    const out = await runInvocation(mergeCommand({ ...where(), backupId: delta.backupId, progress: true }), as);
    assert.deepEqual(out, { backupId: delta.backupId, fullBackupId: delta.backupId, deleted: [fullId] });
    assert.deepEqual((await shown()).map((b) => [b.id, b.mode, b.status]), [[delta.backupId, 'FULL', 'OK']]);
    const valid = await runInvocation(validateCommand({ ...where() }), as);
    assert.deepEqual(valid.backups.map((v) => [v.backupId, v.result]), [[delta.backupId, 'valid']]);
  });

  it('the instance config still says what the user set', async () => {
    const cfg = await runInvocation(showConfigCommand(where()), as);
    assert.equal(cfg.logLevelConsole, 'WARNING');
    assert.equal(cfg.compressAlgorithm, 'zlib');
  });
});
