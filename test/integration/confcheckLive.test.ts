// "Check Server Readiness…", "Open GRANT Script…" and "Apply Missing GRANTs…" from the extension
// host against a real PostgreSQL 15 cluster (removed afterwards): a LOGIN-only backup_user lacks
// REPLICATION and grants; the script holds exactly those statements; applying them (confirmed
// by the argument) leaves nothing missing, as the server itself confirms. A closed port gives a
// "refused" outcome at once.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../../src/core/postgres/connection';
import { findFreePort } from '../../src/core/postgres/freePort';
import { debianMajors } from '../../src/core/postgres/installations';
import type { ReadinessOutcome } from '../../src/features/confcheck/serverReadiness';
import { useCluster } from '../support/clusters';
import { activateExtension } from './support/host';

const ROLE = 'backup_user'; // the checker.backupRole default, as in the lesson
// The host's own temp folder is private; a cluster run as another OS user (we are root) needs a traversable one.
const baseDir = process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir();

(debianMajors().includes(15) ? describe : describe.skip)('readiness check of a live server from the extension host', function () {
  this.timeout(120_000);
  const handle = useCluster(15, { source: 'debian', baseDir, settings: { wal_level: 'replica' } });
  let connection: ConnectionInfo;

  before(async () => {
    await activateExtension();
    const c = handle.cluster;
    connection = { name: 'confcheck-live', host: c.host, port: c.port, user: c.superuser, database: c.database };
    await c.query(`CREATE ROLE ${ROLE} LOGIN`);
  });

  const run = (command: string, extra: Record<string, unknown> = {}): Thenable<ReadinessOutcome> =>
    vscode.commands.executeCommand<ReadinessOutcome>(command, { connection, password: '', show: false, ...extra });

  it('lists the missing grants, opens them as a script, applies them and then finds nothing missing', async () => {
    const before = await run('pgBackupStudio.checkServerReadiness');
    assert.equal(before.error, undefined);
    assert.ok(before.missingGrants.includes(`ALTER ROLE ${ROLE} WITH REPLICATION;`));
    assert.ok(before.missingGrants.includes(`GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_start(text, boolean) TO ${ROLE};`));
    assert.ok(before.findings.some((f) => f.code === 'live/grants'));
    assert.ok(before.reportUri);
    const problems = vscode.languages.getDiagnostics(vscode.Uri.parse(before.reportUri));
    assert.ok(problems.length >= before.findings.filter((f) => f.file === undefined).length && problems.length > 0);

    const script = await run('pgBackupStudio.openGrantScript');
    assert.ok(script.documentUri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === script.documentUri);
    assert.equal(doc?.languageId, 'sql');
    assert.deepEqual(doc.getText().split('\n').filter((l) => l !== ''), ['BEGIN;', ...before.missingGrants, 'COMMIT;']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    const applied = await run('pgBackupStudio.applyMissingGrants', { confirm: true });
    assert.equal(applied.error, undefined);
    assert.deepEqual(applied.applied, before.missingGrants);
    assert.deepEqual(applied.missingGrants, []);
    const server = await handle.cluster.query<{ ok: boolean; repl: boolean }>(
      "SELECT has_function_privilege($1::text, 'pg_catalog.pg_backup_start(text, boolean)', 'EXECUTE') AS ok, (SELECT rolreplication FROM pg_roles WHERE rolname = $1) AS repl",
      [ROLE]);
    assert.deepEqual(server[0], { ok: true, repl: true });
  });

  it('says "refused" at once for a closed port', async () => {
    const port = await findFreePort();
    const t0 = Date.now();
    const out = await vscode.commands.executeCommand<ReadinessOutcome>('pgBackupStudio.checkServerReadiness',
      { connection: { ...connection, name: 'closed', port }, password: '', show: false });
    assert.equal(out.error?.kind, 'refused');
    assert.ok(Date.now() - t0 < 5_000);
  });
});
