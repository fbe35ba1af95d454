// The tree's entries into the WAL viewer: a backup node opens its own LSN range, a timeline
// node its archived segments. The recorded catalogs hold metadata only, so the viewer must
// answer that the WAL is not there, naming the backup's range read from the recorded JSON.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './support/host';
import { ARCHIVE, LESSON, loadRecordedCatalogs, readRecorded as read, removeRecordedCatalogs } from './support/recordedCatalogs';

type Node = { kind: string; id: string };
type Result = { ok?: boolean; code?: string; message?: string };
const children = (n?: Node): Thenable<Node[]> => vscode.commands.executeCommand<Node[]>('pgBackupStudio.catalogs.getChildren', n);

async function find(parent: Node | undefined, pred: (n: Node) => boolean, what: string): Promise<Node> {
  const found = (await children(parent)).find(pred);
  assert.ok(found, what);
  return found;
}

describe('catalogs: WAL of a backup and of a timeline', () => {
  before(async () => {
    await activateExtension();
    await loadRecordedCatalogs();
  });
  after(removeRecordedCatalogs);

  it('asks the viewer for the backup\'s own start LSN and timeline', async () => {
    const shown = JSON.parse(read('lesson', 'show2.json')) as { backups: { id: string; status: string; 'start-lsn': string; 'current-tli': number }[] }[];
    const ok = shown[0]!.backups.find((b) => b.status === 'OK')!;
    const catalog = await find(undefined, (n) => n.id === `catalog:${LESSON}`, 'lesson catalog');
    const instance = await find(catalog, (n) => n.kind === 'instance', 'instance');
    const walk = async (parent: Node): Promise<Node | undefined> => {
      for (const k of await children(parent)) {
        if (k.kind !== 'backup') continue;
        if (k.id.includes(ok.id)) return k;
        const deeper = await walk(k);
        if (deeper) return deeper;
      }
      return undefined;
    };
    const backup = await walk(instance);
    assert.ok(backup, `backup ${ok.id} in the tree`);
    const r = await vscode.commands.executeCommand<Result>('pgBackupStudio.showBackupWal', backup);
    assert.equal(r.ok, false, 'recorded catalogs hold no WAL');
    assert.match(r.message ?? '', new RegExp(`${ok.id}.*${ok['start-lsn'].replace('/', '\\/')}.*timeline ${ok['current-tli']}`));
  });

  it('refuses a node that is not a backup, without running anything', async () => {
    const r = await vscode.commands.executeCommand<Result>('pgBackupStudio.showBackupWal', { kind: 'backup' });
    assert.equal(r.ok, false);
    assert.equal(r.code, 'no-wal');
  });

  it('opens a timeline from its first to its last archived segment', async () => {
    const archive = JSON.parse(read('archive-mode', 'show_archive.json')) as { instance: string }[];
    const walDir = `${ARCHIVE}/wal/${archive[0]!.instance}`;
    const catalog = await find(undefined, (n) => n.id === `catalog:${ARCHIVE}`, 'archive catalog');
    const instance = await find(catalog, (n) => n.kind === 'instance', 'instance');
    const walArchive = await find(instance, (n) => n.kind === 'walArchive', 'WAL archive node');
    const timeline = await find(walArchive, (n) => n.kind === 'timeline', 'timeline node');
    const r = await vscode.commands.executeCommand<Result & { uri?: string }>('pgBackupStudio.openTimelineWal', timeline);
    // The metadata-only catalog has no wal/ folder: the viewer says so, naming where it looked.
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.ok((r.message ?? '').includes(walDir), r.message);
  });
});
