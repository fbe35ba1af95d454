// Relation names in WAL viewer hovers, from a live PostgreSQL 15 server (removed afterwards):
// "Choose Connection for Relation Names…" checks and sets the connection, then hovering the
// `rel` of a block reference names the table or index it belongs to, as the server says.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { debianMajors } from '../../src/core/postgres/installations';
import { useCluster } from '../support/clusters';
import { activateExtension, waitFor } from './support/host';

interface OpenResult { ok: boolean; message?: string; uri?: string }

const baseDir = process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir();

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

(debianMajors().includes(15) ? describe : describe.skip)('extension host: relation names in WAL hovers', function () {
  this.timeout(120_000);
  const handle = useCluster(15, { source: 'debian', baseDir, settings: { wal_level: 'replica', wal_keep_size: '1GB' } });
  let segment = '';
  let tableNode = '';
  let indexNode = '';
  const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('pgBackupStudio');

  before(async () => {
    await activateExtension();
    const c = handle.cluster;
    await c.query('CREATE TABLE names_t (id int PRIMARY KEY, v text)');
    const [seg] = await c.query<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f');
    await c.query("INSERT INTO names_t SELECT g, 'v' || g FROM generate_series(1, 20) g");
    const [nodes] = await c.query<{ t: string; i: string; spc: string; db: string }>(
      "SELECT pg_relation_filenode('names_t')::text AS t, pg_relation_filenode('names_t_pkey')::text AS i, " +
      "(SELECT oid FROM pg_tablespace WHERE spcname = 'pg_default')::text AS spc, (SELECT oid FROM pg_database WHERE datname = current_database())::text AS db");
    tableNode = `${nodes?.spc}/${nodes?.db}/${nodes?.t}`;
    indexNode = `${nodes?.spc}/${nodes?.db}/${nodes?.i}`;
    await c.query('SELECT pg_switch_wal()');
    segment = path.join(c.dataDir, 'pg_wal', seg?.f ?? '');
    await cfg().update('connections', [{ name: 'wal-names', host: c.host, port: c.port, user: c.superuser, database: c.database }], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await cfg().update('waldump.connection', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg().update('waldump.connection', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
  });

  async function hoverOn(doc: vscode.TextDocument, node: string): Promise<string> {
    const line = doc.getText().split('\n').findIndex((l) => l.includes(`rel ${node} `));
    assert.ok(line >= 0, `a block reference to ${node}`);
    const col = doc.lineAt(line).text.indexOf(`rel ${node} `) + 6;
    return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col)));
  }

  it('offers a connection while none is set, then names the table and the index', async () => {
    const res = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    assert.equal(res.ok, true, res.message);
    const doc = await waitFor('the dump', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.uri && d.lineCount > 5));
    assert.match(await hoverOn(doc, tableNode), /\[choose a connection\]\(command:pgBackupStudio\.waldump\.chooseConnection\)/);

    const chosen = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('pgBackupStudio.waldump.chooseConnection', { connectionName: 'wal-names' });
    assert.equal(chosen.ok, true, chosen.message);
    assert.equal(cfg().get('waldump.connection'), 'wal-names');
    assert.match(await hoverOn(doc, tableNode), /Relation `public\.names_t` \(table\), database `postgres`, tablespace `pg_default`\./);
    assert.match(await hoverOn(doc, indexNode), /Relation `public\.names_t_pkey` \(index of `public\.names_t`\)/);
  });

  it('refuses a connection that does not answer, and keeps the one that works', async () => {
    await cfg().update('connections', [...(cfg().get<unknown[]>('connections') ?? []), { name: 'nobody', host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres' }], vscode.ConfigurationTarget.Global);
    const chosen = await vscode.commands.executeCommand<{ ok: boolean; message?: string }>('pgBackupStudio.waldump.chooseConnection', { connectionName: 'nobody' });
    assert.equal(chosen.ok, false);
    assert.match(chosen.message ?? '', /127\.0\.0\.1/);
    assert.equal(cfg().get('waldump.connection'), 'wal-names');
  });
});
