// The Delete Expired preview against what the real pg_probackup (PG_PROBACKUP) then deletes: an
// expired FULL whose DELTA child is pinned stays (pg_probackup keeps the child, so it keeps its
// chain), while an expired FULL with no kept descendant goes. The dry run prints both as
// "Expired"; the preview must name only what the real run removes.
import * as assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addInstanceCommand, initCommand, setBackupCommand, showCommand } from '../../src/core/probackup/catalogCommands';
import { backupCommand, deleteCommand } from '../../src/core/probackup/dataCommands';
import { versionCommand } from '../../src/core/probackup/discovery';
import { retentionPurge } from '../../src/core/probackup/retention';
import { runInvocation } from '../../src/core/process/runner';
import type { RunOptions } from '../../src/core/process/runner';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

const binary = process.env['PG_PROBACKUP'];
const INSTANCE = 'ret';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Delete Expired preview vs the real pg_probackup (e2e)', function () {
  this.timeout(300_000);
  const handle = binary ? useCluster(15) : undefined;
  let work = '';

  before(async function () {
    if (!binary || !handle) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
    const v = await runInvocation(versionCommand(binary));
    if (v.server.major !== 15) skipBecause(this, `PG_PROBACKUP is built for PostgreSQL ${v.server.major}, this suite runs on 15`);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('names the expired backups a kept (pinned) descendant needs as kept, and deletes exactly the rest', async () => {
    const c = handle!.cluster;
    const as: RunOptions = { ...c.runAs };
    work = mkdtempSync(path.join(os.tmpdir(), 'pgbs-retention-'));
    chownSync(work, c.osUser.uid, c.osUser.gid);
    const where = { binary: binary!, catalog: path.join(work, 'catalog'), instance: INSTANCE };
    await runInvocation(initCommand({ binary: binary!, catalog: where.catalog }), as);
    await runInvocation(addInstanceCommand({ ...where, pgdata: c.dataDir }), as);
    const server = { host: c.host, port: c.port, user: c.superuser, database: 'postgres' };
    const backup = async (mode: 'FULL' | 'DELTA'): Promise<string> => {
      const out = await runInvocation(backupCommand({ ...where, mode, stream: true, connection: server }), as);
      await sleep(1100); // backup IDs are start times in seconds
      return out.backupId;
    };
    // Chain 1: FULL A <- DELTA B (pinned); chain 2: FULL C; then FULL D, the one redundancy 1 keeps.
    const a = await backup('FULL');
    const b = await backup('DELTA');
    await runInvocation(setBackupCommand({ ...where, backupId: b, ttl: '3d' }), as);
    const cFull = await backup('FULL');
    const d = await backup('FULL');

    const dry = await runInvocation(deleteCommand({ ...where, deleteExpired: true, retention: { redundancy: 1 }, dryRun: true }), as);
    const expired = dry.verdicts.filter((v) => v.expired).map((v) => v.backupId).sort();
    assert.deepEqual(expired, [a, cFull].sort(), 'precondition: the dry run calls A and C expired (B is pinned, D is kept)');
    const shown = (await runInvocation(showCommand(where), as))[0]?.backups ?? [];
    const parents = new Map(shown.map((x) => [x.id, x.parentBackupId]));
    const plan = retentionPurge(dry.verdicts, (id) => parents.get(id));
    assert.deepEqual(plan.deleted, [cFull]);
    assert.deepEqual(plan.retained, [{ backupId: a, descendant: b }]);

    const real = await runInvocation(deleteCommand({ ...where, deleteExpired: true, retention: { redundancy: 1 } }), as);
    assert.deepEqual([...real.deleted].sort(), [...plan.deleted].sort(), 'the preview names what pg_probackup deletes');
    const left = ((await runInvocation(showCommand(where), as))[0]?.backups ?? []).map((x) => x.id).sort();
    assert.deepEqual(left, [a, b, d].sort());
  });
});
