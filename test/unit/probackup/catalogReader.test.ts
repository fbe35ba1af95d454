// Bad input on the way into the tree: output that is not JSON or is cut short, an unknown
// status, an archive that fails alone, a catalog folder that disappears, a binary that is gone.
// Each gives one clear error (never a partial model hiding backups) or a model that keeps
// every backup.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walkNodes } from '../../../src/core/probackup/catalogModel';
import { catalogLayoutProblem, readCatalog, readCatalogJson } from '../../../src/core/probackup/catalogReader';
import { readPb } from './recorded';

describe('reading a catalog for the tree: bad input', () => {
  const show = readPb('lesson/show2.json');
  const archive = readPb('lesson/show_archive.json');
  const recordedIds = [...show.matchAll(/"id": "([^"]+)"/g)].map((m) => m[1]!);

  it('the recorded catalog reads whole', () => {
    const r = readCatalogJson(show, archive);
    assert.equal(r.kind, 'ok');
    const ids = r.kind === 'ok' ? r.model.instances.flatMap((i) => [...walkNodes(i.chains)].map((n) => n.backup.id)) : [];
    assert.deepEqual(new Set(ids), new Set(recordedIds));
  });

  it('cut-short, non-JSON or empty show output is one error, not a partial tree', () => {
    for (const text of [show.slice(0, Math.floor(show.length / 2)), show.slice(0, -3), 'ERROR: could not open file', '', '<html>', '{"instance": "main"}']) {
      const r = readCatalogJson(text, archive);
      assert.equal(r.kind, 'error', text.slice(0, 40));
      assert.ok(r.kind === 'error' && r.code === 'invalid-output' && r.message.length > 0, JSON.stringify(r).slice(0, 200));
    }
    const cut = readCatalogJson(show.slice(0, 1000), undefined);
    assert.ok(cut.kind === 'error' && /cut short/.test(cut.message), JSON.stringify(cut));
  });

  it('a broken show --archive keeps every backup and says the archive is unknown', () => {
    const amShow = readPb('archive-mode/show.json');
    const amArchive = readPb('archive-mode/show_archive.json');
    const r = readCatalogJson(amShow, amArchive.slice(0, Math.floor(amArchive.length / 2)));
    assert.equal(r.kind, 'ok');
    assert.ok(r.kind === 'ok' && r.archiveError !== undefined && /show --archive/.test(r.archiveError), JSON.stringify(r.kind === 'ok' ? r.archiveError : r));
    const inst = r.kind === 'ok' ? r.model.instances[0] : undefined;
    const amIds = [...amShow.matchAll(/"id": "([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(amIds.length > 3);
    assert.equal(inst?.byId.size, amIds.length);
    assert.equal(inst?.archiveKnown, false);
    assert.equal(inst?.timelines.length, 0);
  });

  it('an unknown status keeps the backup in its place, not restorable, and its incrementals marked', () => {
    const json = JSON.parse(show) as { backups: Record<string, unknown>[] }[];
    const backups = json[0]!.backups;
    const full = backups.find((b) => b['backup-mode'] === 'FULL' && b['status'] === 'OK' && backups.some((c) => c['parent-backup-id'] === b['id']));
    assert.ok(full, 'the fixture has a FULL with an incremental');
    full['status'] = 'QUARANTINED';
    const r = readCatalogJson(JSON.stringify(json), undefined);
    assert.equal(r.kind, 'ok');
    const inst = r.kind === 'ok' ? r.model.instances[0]! : undefined;
    const node = [...walkNodes(inst!.chains)].find((n) => n.backup.id === full['id']);
    assert.equal(node?.backup.status, 'QUARANTINED');
    assert.ok(node!.children.length > 0, 'its incrementals still nest under it');
    for (const c of node!.children) assert.deepEqual(c.orphanedBy, { backupId: full['id'], status: 'QUARANTINED' });
    assert.equal(inst!.byId.size, backups.length);
    const restorable = new Set(inst!.window?.ranges.map((x) => x.backup.backupId) ?? []);
    assert.ok(!restorable.has(String(full['id'])));
    for (const c of node!.children) assert.ok(!restorable.has(c.backup.id));
  });

  describe('on disk', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-catread-'));
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('a catalog folder deleted while open is reported as missing, without running pg_probackup', async () => {
      const cat = path.join(tmp, 'it\'s a "catalog"');
      mkdirSync(path.join(cat, 'backups'), { recursive: true });
      mkdirSync(path.join(cat, 'wal'));
      assert.equal(catalogLayoutProblem(cat), undefined);
      rmSync(cat, { recursive: true });
      // A binary that does not exist: had it been run, the error would be a process one.
      const r = await readCatalog(cat, path.join(tmp, 'no-such-pg_probackup'));
      assert.ok(r.kind === 'error' && r.code === 'missing' && r.message.includes(cat), JSON.stringify(r));
    });

    it('a folder left without backups/ is not a catalog, and says what is missing', async () => {
      const cat = path.join(tmp, 'half');
      mkdirSync(path.join(cat, 'wal'), { recursive: true });
      const r = await readCatalog(cat, path.join(tmp, 'no-such-pg_probackup'));
      assert.ok(r.kind === 'error' && r.code === 'not-a-catalog' && r.message.includes('backups/') && !r.message.includes('wal/'), JSON.stringify(r));
    });

    it('a pg_probackup that cannot be started gives an error result, not a rejection', async () => {
      const cat = path.join(tmp, 'ok');
      mkdirSync(path.join(cat, 'backups'), { recursive: true });
      mkdirSync(path.join(cat, 'wal'));
      const r = await readCatalog(cat, path.join(tmp, 'no-such-pg_probackup'));
      assert.equal(r.kind, 'error');
      assert.ok(r.kind === 'error' && r.code === 'process' && r.message.includes('no-such-pg_probackup'), JSON.stringify(r));
    });
  });
});
