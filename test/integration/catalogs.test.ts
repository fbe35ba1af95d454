// The Backups tree in a real extension host, built from the recorded JSON of the two fixture
// catalogs (the lesson's, and the archive-mode one after a data file was corrupted). The
// expectations are read from the fixture JSON itself here, not from the extension's model.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, sleep, waitFor } from './support/host';
import { ARCHIVE, LESSON, loadRecordedCatalogs, readRecorded, removeRecordedCatalogs } from './support/recordedCatalogs';


interface RawBackup { id: string; 'parent-backup-id'?: string; status: string; 'backup-mode': string; wal: string; 'recovery-time'?: string; 'start-time': string }
interface RawTimeline { tli: number; 'min-segno': string; 'max-segno': string; 'n-segments': number; status: string; backups: RawBackup[] }

const read = readRecorded;
const rawShow = (...p: string[]): { instance: string; backups: RawBackup[] }[] => JSON.parse(read(...p)) as { instance: string; backups: RawBackup[] }[];

/** The tree's node objects are opaque to the test; it asks the extension for children and items. */
type Node = { kind: string; id: string };
const children = (n?: Node): Thenable<Node[]> => vscode.commands.executeCommand<Node[]>('pgBackupStudio.catalogs.getChildren', n);
const item = (n: Node): Thenable<vscode.TreeItem> => vscode.commands.executeCommand<vscode.TreeItem>('pgBackupStudio.catalogs.getTreeItem', n);
const label = async (n: Node): Promise<string> => {
  const l = (await item(n)).label;
  return typeof l === 'string' ? l : l?.label ?? '';
};
const tooltipText = async (n: Node): Promise<string> => {
  const t = (await item(n)).tooltip;
  return typeof t === 'string' ? t : t?.value ?? '';
};

async function catalogNode(catalog: string): Promise<Node> {
  const roots = await children();
  const found = roots.find((r) => r.id === `catalog:${catalog}`);
  assert.ok(found, `catalog ${catalog} in the tree (have ${roots.map((r) => r.id).join(', ')})`);
  return found;
}

async function instanceNode(catalog: string, instance: string): Promise<Node> {
  const kids = await children(await catalogNode(catalog));
  const found = kids.find((k) => k.kind === 'instance' && k.id.endsWith(`/i:${instance}`));
  assert.ok(found, `instance ${instance}`);
  return found;
}

/** Backup nodes under a node, as [label id, children ids] pairs, recursively. */
async function backupTree(n: Node): Promise<Map<string, { status: string; kids: string[]; description: string }>> {
  const out = new Map<string, { status: string; kids: string[]; description: string }>();
  const walk = async (parent: Node): Promise<string[]> => {
    const ids: string[] = [];
    for (const k of await children(parent)) {
      if (k.kind !== 'backup') continue;
      const it = await item(k);
      const id = (await label(k)).split(' ')[0]!;
      ids.push(id);
      out.set(id, { status: String(it.contextValue).replace(/^backup\./, ''), kids: await walk(k), description: String(it.description) });
    }
    return ids;
  };
  await walk(n);
  return out;
}

describe('catalogs: the Backups tree from recorded catalogs', () => {
  let api: Awaited<ReturnType<typeof activateExtension>>;

  before(async () => {
    api = await activateExtension();
    await loadRecordedCatalogs();
  });

  after(async () => {
    await removeRecordedCatalogs();
  });

  it('nests every incremental backup under its parent, with the status of show', async () => {
    for (const [catalog, file] of [[LESSON, ['lesson', 'show2.json']], [ARCHIVE, ['archive-mode', 'show_after_corrupt.json']]] as const) {
      for (const inst of rawShow(...file)) {
        const tree = await backupTree(await instanceNode(catalog, inst.instance));
        assert.equal(tree.size, inst.backups.length, 'every backup is shown once');
        for (const b of inst.backups) {
          const shown = tree.get(b.id);
          assert.ok(shown, `backup ${b.id}`);
          assert.equal(shown.status, b.status, `${b.id} status`);
          const expectedKids = inst.backups.filter((c) => c['parent-backup-id'] === b.id).map((c) => c.id).sort();
          assert.deepEqual([...shown.kids].sort(), expectedKids, `children of ${b.id}`);
        }
      }
    }
  });

  it('shows CORRUPT, ORPHAN (with the backup that made it so) and ERROR backups of the archive-mode catalog', async () => {
    const backups = rawShow('archive-mode', 'show_after_corrupt.json')[0]!.backups;
    const tree = await backupTree(await instanceNode(ARCHIVE, 'node2'));
    const statuses = new Set([...tree.values()].map((v) => v.status));
    for (const s of ['CORRUPT', 'ORPHAN', 'ERROR']) assert.ok(statuses.has(s), `a ${s} backup is shown`);
    const byId = new Map(backups.map((b) => [b.id, b]));
    for (const b of backups.filter((x) => x.status === 'ORPHAN')) {
      // The cause: the nearest ancestor that is not OK/DONE and not itself an orphan.
      let cur = byId.get(b['parent-backup-id']!);
      while (cur && (cur.status === 'ORPHAN' || cur.status === 'OK')) cur = byId.get(cur['parent-backup-id'] ?? '');
      assert.ok(cur, `the fixture has a broken ancestor for ${b.id}`);
      assert.match(tree.get(b.id)!.description, new RegExp(`${cur.id} is ${cur.status}`), `${b.id} names its cause`);
    }
  });

  it('lists the WAL archive timelines with segments, count, status and dependent backups', async () => {
    const raw = (JSON.parse(read('archive-mode', 'show_archive.json')) as { instance: string; timelines: RawTimeline[] }[])[0]!;
    const kids = await children(await instanceNode(ARCHIVE, 'node2'));
    const wal = kids.find((k) => k.kind === 'walArchive');
    assert.ok(wal, 'a WAL archive node');
    const tlis = await children(wal);
    assert.equal(tlis.length, raw.timelines.length);
    for (const [i, t] of raw.timelines.entries()) {
      const it = await item(tlis[i]!);
      const d = String(it.description);
      for (const part of [t['min-segno'], t['max-segno'], `${t['n-segments']} segments`, t.status]) assert.ok(d.includes(part), `"${d}" shows ${part}`);
      const deps = (await children(tlis[i]!)).filter((k) => k.kind === 'timelineBackup');
      assert.deepEqual(await Promise.all(deps.map(label)), t.backups.map((b) => b.id));
    }
    const lessonWal = (await children(await instanceNode(LESSON, 'main'))).find((k) => k.kind === 'walArchive')!;
    assert.match(String((await item(lessonWal)).description), /empty/, 'the lesson catalog has no archived WAL');
  });

  it('shows the recoverable window: STREAM backups reach only their own recovery time', async () => {
    const backups = rawShow('lesson', 'show2.json')[0]!.backups.filter((b) => b.status === 'OK');
    const times = backups.map((b) => b['recovery-time']!).sort();
    const win = (await children(await instanceNode(LESSON, 'main'))).find((k) => k.kind === 'window')!;
    const it = await item(win);
    assert.equal(it.description, `${times[0]} → ${times[times.length - 1]}`);
    assert.match(await tooltipText(win), /Recoverable window of main/);
    // In the archive-mode catalog every chain is broken (CORRUPT FULL, failed PTRACK): nothing is restorable.
    const broken = (await children(await instanceNode(ARCHIVE, 'node2'))).find((k) => k.kind === 'window')!;
    assert.equal((await item(broken)).description, 'nothing restorable');
  });

  it('puts every field in a backup tooltip (LSNs, sizes with units, versions, note, pin)', async () => {
    const tree = await children(await instanceNode(ARCHIVE, 'node2'));
    const full = tree.find((k) => k.kind === 'backup' && k.id.endsWith('/TP0QXY'))!;
    const orphan = (await children((await children(full))[0]!))[0]!;
    const text = await tooltipText(orphan);
    const raw = rawShow('archive-mode', 'show_after_corrupt.json')[0]!.backups.find((b) => b.id === 'TP0QY9') as unknown as Record<string, string>;
    const unescaped = text.replace(/\\(.)/g, '$1');
    for (const key of ['start-lsn', 'stop-lsn', 'note', 'program-version']) assert.ok(unescaped.includes(raw[key]!), `tooltip has ${key} ${raw[key]}`);
    // The recorded pin (expire-time in the fixture) is in the future or the past depending on
    // today's date: the tooltip must say which.
    const expire = raw['expire-time']!;
    const pinned = Date.parse(expire.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')) > Date.now();
    assert.ok(unescaped.includes(pinned ? `Pinned | yes, until ${expire}` : `Pinned | no (the pin expired ${expire})`), `pin of ${expire}`);
    assert.match(unescaped, /Data size \| 110 kB/); // 112924 bytes / 1024 = 110.3, three digits shown
    assert.match(unescaped, /Orphaned by \| TP0QXY, which is CORRUPT/);
  });

  it('shows a clear error item for output that is cut short, never a partial tree', async () => {
    const broken = path.join(os.tmpdir(), 'truncated-catalog');
    const text = read('lesson', 'show2.json');
    await vscode.commands.executeCommand('pgBackupStudio.catalogs.loadJson', { catalog: broken, show: text.slice(0, text.length / 2) });
    const kids = await children(await catalogNode(broken));
    assert.equal(kids.length, 1);
    const it = await item(kids[0]!);
    assert.equal(it.contextValue, 'message.error');
    assert.match(String(it.label), /not valid JSON.*cut short/);
    await vscode.commands.executeCommand('pgBackupStudio.removeCatalog', { catalog: broken });
  });

  it('expands the tree for a screenshot', async () => {
    await vscode.commands.executeCommand('pgBackupStudio.catalogs.focus');
    await waitFor('the catalog view', () => api.catalogView.visible || undefined);
    const view = api.catalogView as vscode.TreeView<Node>;
    for (const [catalog, instance] of [[LESSON, 'main'], [ARCHIVE, 'node2']] as const) {
      const inst = await instanceNode(catalog, instance);
      await view.reveal(inst, { expand: true });
      for (const k of await children(inst)) if (k.kind === 'walArchive') await view.reveal(k, { expand: 2 });
    }
    await sleep(1500);
    assert.ok(await screenshot('catalog-tree') !== '', 'screenshot taken');
  });
});

describe('catalogs: commands and their argument objects', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-cat-'));

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand('pgBackupStudio.catalogs.loadJson', {
      catalog: ARCHIVE, show: read('archive-mode', 'show_after_corrupt.json'), archive: read('archive-mode', 'show_archive.json'),
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('pgBackupStudio.removeCatalog', { catalog: ARCHIVE });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('registers every catalog command the manifest contributes, each with a category and a title', async () => {
    const pkg = vscode.extensions.getExtension('pg-backup-studio.pg-backup-studio')!.packageJSON as { contributes: { commands: { command: string; title: string; category?: string }[] } };
    const ours = ['addCatalog', 'initCatalog', 'removeCatalog', 'addInstance', 'delInstance', 'backup', 'validate', 'showBackup', 'showConfig', 'setConfig',
      'setBackup', 'restore', 'deleteBackup', 'deleteExpired', 'merge', 'checkdb', 'openLog', 'copyCommandLine', 'setProbackupPath', 'refresh'].map((c) => `pgBackupStudio.${c}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ours) {
      assert.ok(registered.has(id), `${id} is registered`);
      const c = pkg.contributes.commands.find((x) => x.command === id);
      assert.ok(c?.category && c.title && !c.title.startsWith('%'), `${id} has a category and a localized title`);
    }
  });

  it('addCatalog refuses a folder without backups/ and wal/, adds a real layout, and removeCatalog takes it out', async () => {
    const notCatalog = path.join(tmp, 'plain');
    mkdirSync(notCatalog);
    const refused = await vscode.commands.executeCommand<{ ok: boolean; code: string }>('pgBackupStudio.addCatalog', { catalog: notCatalog });
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'not-a-catalog');
    const missing = await vscode.commands.executeCommand<{ ok: boolean; code: string }>('pgBackupStudio.addCatalog', { catalog: path.join(tmp, 'nope') });
    assert.equal(missing.code, 'missing');

    const cat = path.join(tmp, 'cat');
    mkdirSync(path.join(cat, 'backups'), { recursive: true });
    mkdirSync(path.join(cat, 'wal'));
    const added = await vscode.commands.executeCommand<{ ok: boolean; added: boolean }>('pgBackupStudio.addCatalog', { catalog: cat });
    assert.deepEqual([added.ok, added.added], [true, true]);
    assert.ok(vscode.workspace.getConfiguration('pgBackupStudio').get<string[]>('catalogs')!.includes(cat));
    const removed = await vscode.commands.executeCommand<{ removed: boolean }>('pgBackupStudio.removeCatalog', { catalog: cat });
    assert.equal(removed.removed, true);
    assert.ok(!vscode.workspace.getConfiguration('pgBackupStudio').get<string[]>('catalogs')!.includes(cat));
  });

  it('showBackup opens a report with the backup\'s fields and its chain', async () => {
    const r = await vscode.commands.executeCommand<{ ok: boolean; markdown: string; status: string; uri: string }>('pgBackupStudio.showBackup', { catalog: ARCHIVE, instance: 'node2', backupId: 'TP0QY9' });
    assert.equal(r.ok, true);
    assert.equal(r.status, 'ORPHAN');
    assert.match(r.markdown, /# Backup TP0QY9/);
    assert.match(r.markdown, /1\. TP0QXY — FULL, CORRUPT[\s\S]*2\. TP0QY6 — PAGE, ORPHAN[\s\S]*3\. TP0QY9 — DELTA, ORPHAN/);
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.toString() === r.uri));
  });

  it('copyCommandLine gives a backup command line like the one that made the backup', async () => {
    const r = await vscode.commands.executeCommand<{ ok: boolean; commandLine: string }>('pgBackupStudio.copyCommandLine', { catalog: ARCHIVE, instance: 'node2', backupId: 'TP0QY9' });
    assert.equal(r.ok, true);
    assert.match(r.commandLine, new RegExp(`backup -B ${ARCHIVE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --instance=node2 -b DELTA --stream .*--pguser=postgres`));
    assert.equal(await vscode.env.clipboard.readText(), r.commandLine);
  });

  it('without a usable pg_probackup, the commands that run it say so before asking anything', async () => {
    const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('pgBackupStudio');
    const saved = cfg().inspect<string>('probackup.path')?.globalValue;
    await cfg().update('probackup.path', path.join(tmp, 'no-such-dir', 'pg_probackup'), vscode.ConfigurationTarget.Global);
    try {
      // interactive: true asks for everything the object leaves out, as the palette does. A
      // command that opened a folder dialog or a quick pick first would not answer in time.
      const base = { interactive: true };
      for (const [command, args] of [
        ['initCatalog', base], ['addInstance', base], ['backup', { ...base, catalog: ARCHIVE, instance: 'node2' }],
        ['merge', { ...base, catalog: ARCHIVE, instance: 'node2' }], ['checkdb', { ...base, catalog: ARCHIVE, instance: 'node2' }],
        ['restore', { ...base, catalog: ARCHIVE, instance: 'node2' }], ['delInstance', { ...base, catalog: ARCHIVE, instance: 'node2' }],
        ['deleteBackup', { ...base, catalog: ARCHIVE, instance: 'node2' }], ['setBackup', { ...base, catalog: ARCHIVE, instance: 'node2' }],
        ['setConfig', { ...base, catalog: ARCHIVE, instance: 'node2' }], ['validate', { ...base, catalog: ARCHIVE, instance: 'node2' }],
      ] as const) {
        const r = await Promise.race([
          vscode.commands.executeCommand<{ ok: boolean; code?: string; message?: string }>(`pgBackupStudio.${command}`, args),
          sleep(8000).then(() => undefined),
        ]);
        if (r === undefined) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        assert.ok(r, `${command} waited for an answer instead of reporting the missing pg_probackup`);
        assert.deepEqual([r.ok, r.code], [false, 'no-binary'], `${command}: ${r.message ?? ''}`);
        assert.match(r.message ?? '', /no-such-dir/);
      }
    } finally {
      await cfg().update('probackup.path', saved, vscode.ConfigurationTarget.Global);
    }
  });

  it('openLog reports a catalog without a log file', async () => {
    const r = await vscode.commands.executeCommand<{ ok: boolean; code: string }>('pgBackupStudio.openLog', { catalog: ARCHIVE });
    assert.deepEqual([r.ok, r.code], [false, 'no-log']);
  });
});
