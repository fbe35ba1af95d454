// Restore planning over a messy real catalog: pg_probackup 2.5.16 / PostgreSQL 15 output kept in
// test/fixtures/pg_probackup-recorded/messy/ (paths rewritten to /backups and /pg): instance
// `main` with timelines 1 and 2 (TL2 branched at 0/47000278 by a PITR restore in place, TL1 went
// on to segment 0x50), lost segments 0x25 and 0x35 on TL1, a MERGING chain left by a killed merge,
// a CORRUPT PAGE backup with ORPHAN children, and ORPHANs whose parent directory is gone.
// - show_before_retention.json + show_archive_before_retention.json: the catalog at its fullest;
// - show_main_merging_chain.json: the MERGING chain straight after the kill;
// - show_final.json: TPMZPI/TPMZPU, whose parent TPMZJT was deleted;
// - restore_orphan_parent_corrupt_ok.txt: `restore -i TPMZEY` after validate marked its
//   grand-parent TPMZDU CORRUPT for its lost WAL (validate_lostwal_DU.txt): it restores.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Backup } from '../../../src/core/probackup/backup';
import { buildCatalogModel, isUsableNode, walkNodes } from '../../../src/core/probackup/catalogModel';
import type { InstanceModel } from '../../../src/core/probackup/catalogModel';
import { ttlMillis, ttlPinnedUntil } from '../../../src/core/probackup/commandArgs';
import { restoreCommand, validationResults } from '../../../src/core/probackup/dataCommands';
import { describeRangeEnd } from '../../../src/core/probackup/recoverableWindow';
import { planLatestTarget, planLsnTarget, probackupChecksLsnTarget, probackupPick, restorability, restoreChoices, timelineHistory, timelinesReaching } from '../../../src/core/probackup/restorePlan';
import type { PlanInput } from '../../../src/core/probackup/restorePlan';
import { proposeRelocations, recordedLocations, relocationProblems } from '../../../src/core/probackup/restorePreflight';
import { parseShowArchiveJson, parseShowJson } from '../../../src/core/probackup/showOutput';
import { ownFixture } from '../../support/paths';

const messy = (name: string): string => readFileSync(ownFixture('pg_probackup-recorded', 'messy', name), 'utf8');

type Json = Record<string, unknown>;

/** The instance `main` of a show JSON (optionally edited) with the archive of show_archive_before_retention. */
function main(show: string, edit?: (backups: Json[]) => void): InstanceModel {
  const raw = JSON.parse(messy(show)) as { instance: string; backups: Json[] }[];
  for (const i of raw) if (i.instance === 'main') edit?.(i.backups);
  const m = buildCatalogModel(parseShowJson(JSON.stringify(raw)), parseShowArchiveJson(messy('show_archive_before_retention.json')));
  const inst = m.instances.find((i) => i.instance === 'main');
  assert.ok(inst);
  return inst;
}

function input(m: InstanceModel): PlanInput {
  return { backups: [...m.byId.values()], timelines: m.timelines, segmentSize: m.segmentSize, window: m.window };
}

function backup(m: InstanceModel, id: string): Backup {
  const b = m.byId.get(id);
  assert.ok(b, id);
  return b;
}

describe('restore planning on a messy real catalog', () => {
  const full = main('show_before_retention.json');

  describe('the end of the window', () => {
    it('is somewhere in the last archived segment, not the LSN where that segment ends', () => {
      const w = full.window;
      assert.ok(w);
      assert.deepEqual(w.to, { kind: 'wal', timeline: 2, lastSegment: '000000020000000000000058', segmentStartLsn: '0/58000000', lsn: '0/59000000' });
      assert.equal(w.toBackupId, 'TPMZJT');
      assert.equal(describeRangeEnd(w.to), 'somewhere in WAL segment 000000020000000000000058 (timeline 2, past 0/58000000, before 0/59000000)');
    });

    it('is reached with --recovery-target=latest on the end\'s timeline, never with the segment end as an LSN', () => {
      const plan = planLatestTarget(input(full), undefined);
      assert.equal(plan.backup?.id, 'TPMZJT');
      assert.equal(plan.pinBackup, true);
      assert.equal(plan.timeline, 2);
      const inv = restoreCommand({ binary: 'pg_probackup', catalog: '/backups', instance: 'main', pgdata: '/pg/r', backupId: plan.backup.id, target: { target: 'latest', timeline: plan.timeline } });
      assert.deepEqual(inv.args.filter((a) => a.startsWith('--recovery-target')), ['--recovery-target=latest', '--recovery-target-timeline=2']);
    });

    it('of a TL1 backup taken after the switch stays on TL1 (pg_probackup\'s default for latest would pick TL2, not its child)', () => {
      const plan = planLatestTarget(input(full), 'TPMZH7');
      assert.equal(plan.timeline, 1);
      assert.equal(plan.end?.kind === 'wal' && plan.end.lastSegment, '000000010000000000000050');
    });
  });

  describe('an LSN on another timeline than the backup\'s', () => {
    it('TL1 backup TPMZGN reaches 0/55000000 only on TL2: the plan passes --recovery-target-timeline=2', () => {
      const gn = backup(full, 'TPMZGN');
      assert.equal(gn.timeline, 1);
      assert.deepEqual(timelinesReaching(gn, '0/55000000', full.timelines, full.segmentSize), [{ timeline: 2, inLastSegment: false }]);
      const plan = planLsnTarget(input(full), 'TPMZGN', '0/55000000');
      assert.equal(plan.timeline, 2);
      assert.equal(plan.backup?.id, 'TPMZGN');
    });

    it('an LSN before the switchpoint stays on the backup\'s own timeline, with no flag', () => {
      const plan = planLsnTarget(input(full), 'TPMZGN', '0/44000000');
      assert.deepEqual(plan.reach, [{ timeline: 1, inLastSegment: false }]);
      assert.equal(plan.timeline, undefined);
    });

    it('an LSN that TL1 has only in its last segment, and TL2 in a complete one, follows TL2 first', () => {
      const plan = planLsnTarget(input(full), 'TPMZGN', '0/50800000');
      assert.deepEqual(plan.reach, [{ timeline: 2, inLastSegment: false }, { timeline: 1, inLastSegment: true }]);
      assert.equal(plan.timeline, 2);
    });

    it('an LSN that both timelines reach in complete segments stays on the backup\'s own (pg_probackup\'s default)', () => {
      const plan = planLsnTarget(input(full), 'TPMZGN', '0/4D000028');
      assert.deepEqual(plan.reach, [{ timeline: 1, inLastSegment: false }, { timeline: 2, inLastSegment: false }]);
      assert.deepEqual([plan.timeline, plan.validateSeparately], [undefined, false]);
    });

    it('validates apart where pg_probackup would check the LSN on TL1 and refuse it: not at a page boundary', () => {
      // validate_wal checks an LSN where a record can start, on the backup's own timeline only.
      assert.equal(probackupChecksLsnTarget('0/55000000'), false);
      assert.equal(probackupChecksLsnTarget('0/55000010'), false, 'inside the page header');
      assert.equal(probackupChecksLsnTarget('0/55000028'), true);
      assert.equal(planLsnTarget(input(full), 'TPMZGN', '0/55000000').validateSeparately, false);
      assert.equal(planLsnTarget(input(full), 'TPMZGN', '0/55000028').validateSeparately, true);
    });

    it('without a backup asked for, pins pg_probackup\'s own pick when it needs the timeline flag', () => {
      // pg_probackup alone takes TPMZJO (TL2, stop 0/540000B8): it reaches 0/55000000 on its own timeline.
      const own = planLsnTarget(input(full), undefined, '0/55000000');
      assert.deepEqual([own.backup?.id, own.pinBackup, own.timeline], ['TPMZJO', false, undefined]);
    });

    it('an LSN past all archived WAL is reached on no timeline', () => {
      assert.deepEqual(planLsnTarget(input(full), 'TPMZGN', '0/5A000000').reach, []);
    });

    it('the history of TL2 is TL2, then TL1 up to the switchpoint', () => {
      assert.deepEqual(timelineHistory(2, full.timelines), [{ tli: 2, end: undefined }, { tli: 1, end: 0x47000278n }]);
    });
  });

  describe('the backup pg_probackup takes without -i', () => {
    // The restores of the recording that named no backup, and the one pg_probackup took.
    it('is the newest OK backup whose own fields satisfy the target', () => {
      const all = [...full.byId.values()];
      assert.equal(probackupPick(all, { lsn: '0/58000000' }, full.timelines)?.id, 'TPMZJO'); // restore_r_d
      assert.equal(probackupPick(all, { lsn: '0/47000278' }, full.timelines)?.id, 'TPMZH0'); // restore_r_lsn
      assert.equal(probackupPick(all, { time: new Date('2026-12-06T18:31:52Z') }, full.timelines)?.id, 'TPMZH0'); // restore_r_time
      assert.equal(probackupPick(all, undefined, full.timelines)?.id, 'TPMZJT');
    });

    it('keeps to the history of a numeric target timeline', () => {
      const all = [...full.byId.values()];
      assert.equal(probackupPick(all, { lsn: '0/55000000', timeline: 1 }, full.timelines)?.id, 'TPMZHB');
      assert.equal(probackupPick(all, { lsn: '0/55000000', timeline: 2 }, full.timelines)?.id, 'TPMZJO');
    });
  });

  describe('which backups the restore picker offers', () => {
    it('hides backups whose parent directory is gone, which the old status filter offered', () => {
      // Before pg_probackup's refused restore marked them ORPHAN, TPMZPI and TPMZPU were OK.
      const m = main('show_final.json', (bs) => {
        for (const b of bs) if (b['id'] === 'TPMZPI' || b['id'] === 'TPMZPU') b['status'] = 'OK';
      });
      const verdicts = new Map(restoreChoices([...m.byId.values()], m.timelines, m.segmentSize).map((c) => [c.backup.id, c.verdict]));
      assert.deepEqual(verdicts.get('TPMZPU'), { kind: 'broken', reason: 'parent TPMZJT is missing from the catalog' });
      assert.deepEqual(verdicts.get('TPMZPI'), { kind: 'broken', reason: 'parent TPMZJT is missing from the catalog' });
      assert.deepEqual(verdicts.get('TPMZJO'), { kind: 'ok' });
      assert.equal(verdicts.get('TPMZ52')?.kind, 'broken', 'DELETING');
    });

    it('hides children of a MERGING chain and of a parent whose data files are corrupt', () => {
      const m = main('show_main_merging_chain.json');
      const byId = m.byId;
      const verdict = (id: string) => restorability(backup(m, id), byId, m.timelines, m.segmentSize);
      assert.deepEqual(verdict('TPMZ4Y'), { kind: 'broken', reason: 'parent TPMZ4R is MERGING' }); // restore_merging_chain: "Backup TPMZ4Y is orphan."
      assert.equal(backup(m, 'TPMZ4Y').status, 'OK', 'the old picker offered it');
      assert.deepEqual(verdict('TPMZ5G'), { kind: 'broken', reason: 'parent TPMZ5B is CORRUPT' });
      assert.deepEqual(verdict('TPMZEN'), { kind: 'broken', reason: 'its status is ERROR' });
    });

    it('offers, with a warning, the child of a parent CORRUPT only for its lost WAL, which pg_probackup restores', () => {
      // validate_lostwal_DU.txt marked TPMZDU CORRUPT: its segment 0x35 is lost.
      assert.deepEqual(validationResults(messy('validate_lostwal_DU.txt')).find((v) => v.backupId === 'TPMZDU')?.result, 'corrupt');
      const m = main('show_main_merging_chain.json', (bs) => {
        for (const b of bs) if (b['id'] === 'TPMZDU') b['status'] = 'CORRUPT';
      });
      const ey = restorability(backup(m, 'TPMZEY'), m.byId, m.timelines, m.segmentSize);
      assert.equal(ey.kind, 'doubtful');
      assert.match(ey.kind === 'doubtful' ? ey.reason : '', /parent TPMZDU is CORRUPT, likely only because the archive lost its WAL/);
      // The model's own verdict hides it; pg_probackup revalidated TPMZDU's data files and restored it.
      const node = [...walkNodes(m.chains)].find((n) => n.backup.id === 'TPMZEY');
      assert.ok(node && !isUsableNode(node));
      assert.match(messy('restore_orphan_parent_corrupt_ok.txt'), /Revalidating backup TPMZDU\nINFO: Backup TPMZDU data files are valid[\s\S]*Restore of backup TPMZEY completed\./);
      // TPMZDU itself needs that WAL: not offered.
      assert.equal(restorability(backup(m, 'TPMZDU'), m.byId, m.timelines, m.segmentSize).kind, 'broken');
    });

    it('hides an OK backup whose own WAL the archive lost', () => {
      assert.deepEqual(restorability(backup(full, 'TPMZDU'), full.byId, full.timelines, full.segmentSize),
        { kind: 'broken', reason: 'WAL it needs (from its start to its stop LSN) is missing from the archive' });
    });
  });

  describe('tablespaces and external directories', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-reloc-'));
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('reads them from show: tablespace_map and external-dirs', () => {
      assert.deepEqual(recordedLocations(backup(full, 'TPMZJT')), [{ kind: 'tablespace', from: '/pg/ts1', to: '/pg/ts1', oid: '16447' }]);
      const m = main('show_main_merging_chain.json');
      assert.deepEqual(recordedLocations(backup(m, 'TPMZ5Y')).map((l) => [l.kind, l.from]), [['external', '/pg/ext1'], ['external', '/pg/ext2']]);
    });

    it('proposes new places beside the target folder, unique by name', () => {
      const m = main('show_main_merging_chain.json');
      const target = path.join(tmp, 'restored');
      assert.deepEqual(proposeRelocations(backup(full, 'TPMZJT'), target).map((l) => l.to), [`${target}_tablespaces/ts1`]);
      assert.deepEqual(proposeRelocations(backup(m, 'TPMZ5Y'), target).map((l) => l.to), [`${target}_external/ext1`, `${target}_external/ext2`]);
      const twin = { ...backup(full, 'TPMZJT'), tablespaceMap: [{ oid: '1', path: '/a/ts' }, { oid: '2', path: '/b/ts' }], externalDirs: ['/c/ts'] };
      assert.deepEqual(proposeRelocations(twin, target).map((l) => l.to), [`${target}_tablespaces/ts`, `${target}_tablespaces/ts_2`, `${target}_external/ts`]);
    });

    it('pre-flights them: empty or missing folders go ahead, anything else is refused with a reason', () => {
      const target = path.join(tmp, 'restored');
      const free = proposeRelocations(backup(full, 'TPMZJT'), target);
      assert.deepEqual(relocationProblems(free, target, false), []);
      mkdirSync(`${target}_tablespaces/ts1`, { recursive: true });
      assert.deepEqual(relocationProblems(free, target, false), [], 'an empty folder is fine');
      writeFileSync(`${target}_tablespaces/ts1/PG_15_202209061`, '');
      const [busy] = relocationProblems(free, target, false);
      assert.match(busy ?? '', /is not empty .*tablespace 16447 \(\/pg\/ts1\) must go to an empty or new folder/);
      assert.equal(relocationProblems(free, target, true).length, 1, 'an incremental restore does not write into a remapped non-empty tablespace');
      const inPlace = recordedLocations(backup(full, 'TPMZJT')).map((l) => ({ ...l, from: `${target}_tablespaces/ts1`, to: `${target}_tablespaces/ts1` }));
      assert.deepEqual(relocationProblems(inPlace, target, true), [], 'in place, -I updates the tablespace it finds');
      assert.equal(relocationProblems(inPlace, target, false).length, 1);
      const inside = [{ kind: 'tablespace' as const, from: '/pg/ts1', to: path.join(target, 'ts1'), oid: '16447' }];
      assert.match(relocationProblems(inside, target, false)[0] ?? '', /overlaps the data folder/);
      const twice = [{ kind: 'external' as const, from: '/pg/ext1', to: `${tmp}/x` }, { kind: 'external' as const, from: '/pg/ext2', to: `${tmp}/x` }];
      assert.match(relocationProblems(twice, target, false)[0] ?? '', /cannot both go to/);
      assert.match(relocationProblems([{ kind: 'external', from: '/pg/ext1', to: 'rel/x' }], target, false)[0] ?? '', /absolute path/);
    });

    it('become -T, --external-mapping and --skip-external-dirs', () => {
      const base = { binary: 'pg_probackup', catalog: '/backups', instance: 'main', pgdata: '/r' };
      const inv = restoreCommand({ ...base, tablespaceMapping: [{ from: '/pg/ts1', to: '/r_ts/a=b' }], externalMapping: [{ from: '/pg/ext1', to: '/r_ext/ext1' }] });
      assert.deepEqual(inv.args.slice(inv.args.indexOf('-T'), inv.args.indexOf('-T') + 3), ['-T', '/pg/ts1=/r_ts/a\\=b', '--external-mapping=/pg/ext1=/r_ext/ext1']);
      assert.ok(restoreCommand({ ...base, skipExternalDirs: true }).args.includes('--skip-external-dirs'));
      assert.throws(() => restoreCommand({ ...base, skipExternalDirs: true, externalMapping: [{ from: '/a', to: '/b' }] }), RangeError);
      assert.throws(() => restoreCommand({ ...base, externalMapping: [{ from: '/a', to: 'b' }] }), /absolute/);
    });
  });

  describe('a TTL pin', () => {
    it('counts from the backup\'s recovery time, as the recorded pins show', () => {
      // TPMZH0 was pinned for 90 minutes, TPMZ52 for 20 days: expire-time = recovery-time + TTL.
      for (const [id, ttl] of [['TPMZH0', '90min'], ['TPMZ52', '20d']] as const) {
        const b = backup(full, id);
        assert.ok(b.recoveryTime && b.expireTime);
        assert.equal(ttlPinnedUntil(b.recoveryTime, ttl)?.getTime(), b.expireTime.getTime(), id);
      }
    });

    it('reads the units pg_probackup takes, and 0 or junk pins nothing', () => {
      assert.equal(ttlMillis('7d'), 7 * 86_400_000);
      assert.equal(ttlMillis('12 h'), 12 * 3_600_000);
      assert.equal(ttlMillis('30min'), 1_800_000);
      assert.equal(ttlMillis('45'), 45_000);
      assert.equal(ttlMillis('7 days'), undefined);
      assert.equal(ttlPinnedUntil(new Date(0), '0'), undefined);
    });
  });
});
