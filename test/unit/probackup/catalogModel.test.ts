import * as assert from 'node:assert/strict';
import type { BackupNode } from '../../../src/core/probackup/catalogModel';
import { buildCatalogModel, chainOf, isPinned, isUsableNode, walkNodes } from '../../../src/core/probackup/catalogModel';
import { parseSegmentName, recoverableWindow, segmentName } from '../../../src/core/probackup/recoverableWindow';
import { parseShowArchiveJson, parseShowJson } from '../../../src/core/probackup/showOutput';
import { allPbFiles, readPb } from './recorded';

function shape(nodes: readonly BackupNode[]): unknown[] {
  return nodes.map((n) => (n.children.length ? [n.backup.id, shape(n.children)] : n.backup.id));
}

function model(show: string, archive?: string) {
  const s = parseShowJson(typeof show === 'string' && show.startsWith('[') ? show : readPb(show));
  const a = archive === undefined ? undefined : parseShowArchiveJson(archive.startsWith('[') ? archive : readPb(archive));
  const m = buildCatalogModel(s, a);
  assert.equal(m.instances.length, 1);
  return m.instances[0]!;
}

type Json = Record<string, unknown>;
function archiveWithLost(lost: [string, string][]): string {
  const raw = JSON.parse(readPb('archive-mode/show_archive.json')) as { timelines: Json[] }[];
  raw[0]!.timelines[0]!['lost-segments'] = lost.map(([b, e]) => ({ 'begin-segno': b, 'end-segno': e }));
  raw[0]!.timelines[0]!['status'] = 'DEGRADED';
  return JSON.stringify(raw);
}

describe('catalog model', () => {
  it('nests the lesson backups by parent, newest first', () => {
    const inst = model('lesson/show2.json', 'lesson/show_archive.json');
    assert.equal(inst.instance, 'main');
    assert.deepEqual(shape(inst.chains), [['TP0QW5', ['TP0QW8']], 'TP0QVU', 'TP0QVT']);
    const nodes = [...walkNodes(inst.chains)];
    assert.equal(nodes.find((n) => n.backup.id === 'TP0QW8')?.depth, 1);
    assert.ok(nodes.every((n) => n.orphanedBy === undefined && !n.missingParent));
    assert.deepEqual(chainOf('TP0QW8', inst.byId).map((b) => b.id), ['TP0QW5', 'TP0QW8']);
    assert.equal(inst.archiveKnown, true);
    assert.equal(inst.timelines.length, 0);
  });

  it('shows orphans with the corrupt backup that made them orphans', () => {
    const inst = model('archive-mode/show_after_corrupt.json', 'archive-mode/show_archive.json');
    assert.deepEqual(shape(inst.chains), ['TP0QY8', ['TP0QXY', [['TP0QY6', ['TP0QY9']]]]]);
    const byId = new Map([...walkNodes(inst.chains)].map((n) => [n.backup.id, n]));
    // validate_corrupt.txt: "Backup TP0QY9 is orphaned because his parent TP0QXY has status: CORRUPT"
    assert.deepEqual(byId.get('TP0QY9')?.orphanedBy, { backupId: 'TP0QXY', status: 'CORRUPT' });
    assert.deepEqual(byId.get('TP0QY6')?.orphanedBy, { backupId: 'TP0QXY', status: 'CORRUPT' });
    assert.equal(byId.get('TP0QXY')?.orphanedBy, undefined);
    // "WARNING: Failed to find parent FULL backup for TP0QY8" (delete_dry.txt)
    assert.equal(byId.get('TP0QY8')?.missingParent, true);
    assert.equal(inst.timelines[0]?.tli, 1);
    assert.equal(inst.window, undefined, 'nothing is restorable: CORRUPT, ORPHAN and ERROR only');
  });

  it('marks a chain whose parent was deleted', () => {
    const raw = JSON.parse(readPb('archive-mode/show.json')) as { backups: Json[] }[];
    raw[0]!.backups = raw[0]!.backups.filter((b) => b['id'] !== 'TP0QXY');
    const inst = model(JSON.stringify(raw));
    const byId = new Map([...walkNodes(inst.chains)].map((n) => [n.backup.id, n]));
    assert.equal(byId.get('TP0QY6')?.depth, 0);
    assert.equal(byId.get('TP0QY6')?.missingParent, true);
    assert.deepEqual(byId.get('TP0QY9')?.orphanedBy, { backupId: 'TP0QXY', status: 'MISSING' });
    assert.equal(inst.window, undefined);
    // Their own status may say OK; the chain says they cannot be restored.
    for (const id of ['TP0QY6', 'TP0QY9']) assert.equal(isUsableNode(byId.get(id)!), false, id);
  });

  it('counts a pin only until its expire time', () => {
    const inst = model('archive-mode/show_after_corrupt.json');
    const pinned = [...inst.byId.values()].find((b) => b.expireTime !== undefined)!;
    const at = pinned.expireTime!.getTime();
    assert.equal(isPinned(pinned, new Date(at - 1000)), true);
    assert.equal(isPinned(pinned, new Date(at + 1000)), false);
    const unpinned = [...inst.byId.values()].find((b) => b.expireTime === undefined)!;
    assert.equal(isPinned(unpinned, new Date(0)), false);
  });

  it('survives a parent cycle in a damaged catalog', () => {
    const raw = JSON.parse(readPb('archive-mode/show.json')) as { backups: Json[] }[];
    raw[0]!.backups.find((b) => b['id'] === 'TP0QXY')!['parent-backup-id'] = 'TP0QY9';
    const inst = model(JSON.stringify(raw));
    assert.equal([...walkNodes(inst.chains)].length, 4, 'every backup appears once');
  });

  it('builds and walks a chain of 20,000 incremental backups (deeper than the call stack allows recursion)', () => {
    // The recorded FULL and one of its DELTA backups, the DELTA repeated with new IDs, each the
    // child of the one before.
    const raw = JSON.parse(readPb('lesson/show2.json')) as { backups: Json[] }[];
    const delta = raw[0]!.backups.find((b) => b['backup-mode'] === 'DELTA')!;
    const full = raw[0]!.backups.find((b) => b['id'] === delta['parent-backup-id'])!;
    const n = 20_000;
    const start = Date.parse(String(full['start-time']).replace(' ', 'T').replace(/\+00$/, 'Z'));
    const stamp = (k: number): string => new Date(start + (k + 1) * 60_000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '+00');
    const chain: Json[] = [full];
    for (let k = 0; k < n - 1; k++) {
      chain.push({ ...delta, id: `D${k}`, 'parent-backup-id': k === 0 ? full['id'] : `D${k - 1}`, 'start-time': stamp(k), 'end-time': stamp(k) });
    }
    raw[0]!.backups = chain.reverse(); // newest first, as show prints them
    const inst = model(JSON.stringify(raw));
    const nodes = [...walkNodes(inst.chains)];
    assert.equal(nodes.length, n);
    assert.deepEqual(nodes.slice(0, 3).map((x) => x.backup.id), [full['id'], 'D0', 'D1'], 'parents before children');
    assert.equal(nodes.at(-1)?.depth, n - 1);
    assert.equal(nodes.at(-1)?.backup.id, `D${n - 2}`);
    assert.ok(nodes.every((x) => x.orphanedBy === undefined && !x.missingParent));
    assert.equal(chainOf(`D${n - 2}`, inst.byId).length, n);
  });
});

describe('recoverable window', () => {
  it('STREAM backups without an archive: from the oldest valid backup to the newest recovery time', () => {
    const w = model('lesson/show2.json', 'lesson/show_archive.json').window;
    assert.ok(w);
    assert.equal(w.from.backupId, 'TP0QVU');
    assert.equal(w.from.time?.toISOString(), '2026-11-24T18:19:07.000Z');
    assert.deepEqual(w.to, { kind: 'backup', time: new Date('2026-11-24T18:19:21Z'), lsn: '0/6000168' });
    assert.deepEqual(w.ranges.map((r) => r.backup.backupId), ['TP0QVU', 'TP0QW5', 'TP0QW8']);
  });

  it('the same when the archive was not read', () => {
    const w = model('scram-signals-retention/show_after_merge.json').window;
    assert.equal(w?.from.backupId, 'TP0Y57');
    assert.equal(w?.to.kind, 'backup');
  });

  it('an ARCHIVE catalog with a whole archive rolls forward to the last archived segment', () => {
    const w = model('archive-mode/show.json', 'archive-mode/show_archive.json').window;
    assert.ok(w);
    assert.equal(w.from.backupId, 'TP0QXY');
    assert.equal(w.from.time?.toISOString(), '2026-11-24T18:20:23.000Z');
    // show_archive.json: max-segno 00000001000000000000000E, no lost segments; segment 0xE ends at 0/F000000.
    assert.deepEqual(w.to, { kind: 'wal', timeline: 1, lastSegment: '00000001000000000000000E', segmentStartLsn: '0/E000000', lsn: '0/F000000' });
    assert.equal(w.toAtLeast?.toISOString(), '2026-11-24T18:20:34.000Z');
    assert.deepEqual(w.missingWal, []);
  });

  it('lost segments cut the roll-forward of the backups before them', () => {
    const w = model('archive-mode/show.json', archiveWithLost([['000000010000000000000008', '000000010000000000000009']])).window;
    assert.ok(w);
    const full = w.ranges.find((r) => r.backup.backupId === 'TP0QXY');
    assert.deepEqual(full?.end, { kind: 'wal', timeline: 1, lastSegment: '000000010000000000000007', segmentStartLsn: '0/7000000', lsn: '0/8000000' });
    assert.equal(w.to.kind === 'wal' && w.to.lastSegment, '00000001000000000000000E');
  });

  it('an ARCHIVE backup whose own WAL is lost is not restorable; a STREAM child still is', () => {
    const w = model('archive-mode/show.json', archiveWithLost([['00000001000000000000000B', '00000001000000000000000B']])).window;
    assert.ok(w);
    assert.deepEqual(w.missingWal, ['TP0QY6']);
    assert.deepEqual(w.ranges.map((r) => r.backup.backupId), ['TP0QXY', 'TP0QY9']);
  });

  it('an empty archive leaves ARCHIVE backups without their WAL', () => {
    const shows = parseShowJson(readPb('archive-mode/show.json'));
    const w = recoverableWindow(shows[0]!.backups, []);
    assert.deepEqual(w?.missingWal, ['TP0QY6', 'TP0QXY']);
    assert.equal(w?.from.backupId, 'TP0QY9');
  });

  it('follows a child timeline that branches off within the replayable WAL', () => {
    const raw = JSON.parse(readPb('archive-mode/show_archive.json')) as { timelines: Json[] }[];
    const tli1 = raw[0]!.timelines[0]!;
    tli1['max-segno'] = '00000001000000000000000C';
    // A promotion at 0/C800000 starts timeline 2, archived from segment C up to 12.
    const tli2 = {
      ...tli1, tli: 2, 'parent-tli': 1, switchpoint: '0/C800000', 'min-segno': '00000002000000000000000C',
      'max-segno': '000000020000000000000012', backups: [],
    };
    raw[0]!.timelines = [tli2, tli1];
    const w = model('archive-mode/show.json', JSON.stringify(raw)).window;
    assert.deepEqual(w?.to, { kind: 'wal', timeline: 2, lastSegment: '000000020000000000000012', segmentStartLsn: '0/12000000', lsn: '0/13000000' });
    // A branch after the end of what timeline 1 holds is not reachable: the PAGE backup stops at
    // the end of segment C, and the newest point is the STREAM backup's own (0/D000168 > 0/D000000).
    tli2.switchpoint = '0/E800000';
    const w2 = model('archive-mode/show.json', JSON.stringify(raw)).window;
    const page = w2?.ranges.find((r) => r.backup.backupId === 'TP0QY6');
    assert.deepEqual(page?.end, { kind: 'wal', timeline: 1, lastSegment: '00000001000000000000000C', segmentStartLsn: '0/C000000', lsn: '0/D000000' });
    assert.deepEqual(w2?.to, { kind: 'backup', time: new Date('2026-11-24T18:20:34Z'), lsn: '0/D000168' });
  });

  for (const file of allPbFiles().filter((f) => /^scram-signals-retention\/show_.*\.json$/.test(f) && !f.includes('config'))) {
    it(`opens at the oldest OK backup and, with no archive, closes at the newest one (${file})`, () => {
      const raw = JSON.parse(readPb(file)) as { backups: Json[] }[];
      const ok = raw[0]!.backups.filter((b) => b['status'] === 'OK' && b['backup-mode'] === 'FULL');
      const times = ok.map((b) => b['recovery-time'] as string).sort();
      const inst = model(file, '[{"instance":"main","timelines":[]}]');
      assert.equal([...walkNodes(inst.chains)].length, raw[0]!.backups.length, 'every backup once in the tree');
      const w = inst.window;
      assert.ok(w);
      assert.equal(w.from.backupId, ok.find((b) => b['recovery-time'] === times[0])?.['id']);
      assert.equal(w.to.kind, 'backup');
      assert.equal(w.to.kind === 'backup' && w.to.time?.getTime(), new Date(times[times.length - 1]!.replace(' ', 'T').replace(/\+00$/, 'Z')).getTime());
      // RUNNING and ERROR backups never count.
      for (const r of w.ranges) assert.ok(ok.some((b) => b['id'] === r.backup.backupId));
    });
  }

  it('names segments the way the archive does', () => {
    assert.deepEqual(parseSegmentName('00000001000000010000000E'), { tli: 1, segno: 256n + 14n });
    assert.equal(segmentName(1, 256n + 14n), '00000001000000010000000E');
    assert.equal(segmentName(3, 5n, 64 * 1024 * 1024), '000000030000000000000005');
  });
});
