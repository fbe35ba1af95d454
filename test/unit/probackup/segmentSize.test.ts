// The WAL segment size of an instance, and what it changes. Recorded with pg_probackup 2.5.16 on
// PostgreSQL 15 clusters made with `initdb --wal-segsize=1` and `--wal-segsize=64`, archiving
// through archive-push (test/fixtures/pg_probackup-segsize: show, show --archive and show-config
// JSON, and the instances' pg_probackup.conf; paths rewritten to /srv/pgbackup-lab). The 1 MB
// archive lost segments 100-102 and 1C1 (deleted by hand), the 64 MB one lost none.
//
// The expectations come from the archive listing itself: a backup in ARCHIVE mode needs every
// segment from its start LSN to its stop LSN, so it misses WAL exactly when one of those
// segments is outside the timeline's [min-segno, max-segno] or inside a lost interval.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCatalogModel } from '../../../src/core/probackup/catalogModel';
import type { InstanceModel } from '../../../src/core/probackup/catalogModel';
import { instanceSegmentSizes, parseControlFile } from '../../../src/core/probackup/controlFile';
import { parseShowArchiveJson, parseShowJson } from '../../../src/core/probackup/showOutput';
import { isValidSegmentSize } from '../../../src/core/waldump/walSegment';
import { ownFixture } from '../../support/paths';

const read = (name: string): string => readFileSync(ownFixture('pg_probackup-segsize', name), 'utf8');

interface RawBackup { id: string; status: string; wal: string; 'start-lsn': string; 'stop-lsn': string; 'current-tli': number }
interface RawTimeline { tli: number; 'min-segno': string; 'max-segno': string; 'lost-segments': { 'begin-segno': string; 'end-segno': string }[] }

const lsn = (s: string): bigint => {
  const [hi, lo] = s.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
};

/** Segment number of a file name (its timeline is checked by the caller). */
function segno(name: string, segSize: number): bigint {
  return BigInt(`0x${name.slice(8, 16)}`) * (0x1_0000_0000n / BigInt(segSize)) + BigInt(`0x${name.slice(16, 24)}`);
}

/** ARCHIVE backups with status OK whose WAL the listing lacks, by the rule above. */
function lackingWal(show: RawBackup[], timelines: RawTimeline[], segSize: number): string[] {
  const seg = BigInt(segSize);
  return show.filter((b) => b.status === 'OK' && b.wal === 'ARCHIVE').filter((b) => {
    const t = timelines.find((x) => x.tli === b['current-tli']);
    if (!t) return true;
    const min = segno(t['min-segno'], segSize);
    const max = segno(t['max-segno'], segSize);
    for (let s = lsn(b['start-lsn']) / seg; s <= lsn(b['stop-lsn']) / seg; s++) {
      if (s < min || s > max) return true;
      if (t['lost-segments'].some((l) => segno(l['begin-segno'], segSize) <= s && s <= segno(l['end-segno'], segSize))) return true;
    }
    return false;
  }).map((b) => b.id).sort();
}

function instance(name: 'seg1' | 'seg64', sizes?: ReadonlyMap<string, number>): InstanceModel {
  const m = buildCatalogModel(parseShowJson(read(`show_${name}.json`)), parseShowArchiveJson(read(`archive_${name}.json`)), sizes);
  assert.equal(m.instances.length, 1);
  return m.instances[0]!;
}

describe('WAL segment size of an instance', () => {
  for (const name of ['seg1', 'seg64'] as const) {
    const config = JSON.parse(read(`config_${name}.json`)) as { 'xlog-seg-size': string };
    const segSize = Number(config['xlog-seg-size']);

    it(`${name}: pg_probackup.conf gives the size show-config prints (${segSize} bytes)`, () => {
      const conf = parseControlFile(read(`pg_probackup.conf.${name}`));
      assert.equal(Number(conf.get('xlog-seg-size')), segSize);
      assert.ok(isValidSegmentSize(segSize));
    });

    it(`${name}: with that size, exactly the backups whose segments the archive lacks miss WAL`, () => {
      const show = (JSON.parse(read(`show_${name}.json`)) as { backups: RawBackup[] }[])[0]!.backups;
      const timelines = (JSON.parse(read(`archive_${name}.json`)) as { timelines: RawTimeline[] }[])[0]!.timelines;
      const expected = lackingWal(show, timelines, segSize);
      const inst = instance(name, new Map([[name, segSize]]));
      assert.equal(inst.segmentSize, segSize);
      assert.deepEqual([...(inst.window?.missingWal ?? [])].sort(), expected);
      // The window cannot reach past the end of the newest archived segment.
      const newest = timelines.reduce((a, t) => (t.tli > a.tli ? t : a));
      const archiveEnd = (segno(newest['max-segno'], segSize) + 1n) * BigInt(segSize);
      const to = inst.window?.to;
      assert.ok(to, 'a window');
      if (to.kind === 'wal') assert.ok(lsn(to.lsn) <= archiveEnd, `window end ${to.lsn} within the archive`);
      // Read as 16 MB, the same listing gives another answer: the size matters for this catalog.
      assert.notDeepEqual([...(instance(name).window?.missingWal ?? [])].sort(), expected);
    });
  }

  it('reads each instance\'s size from backups/<instance>/pg_probackup.conf, leaving out unreadable and invalid ones', () => {
    const catalog = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-segsize-'));
    try {
      const put = (inst: string, text: string): void => {
        mkdirSync(path.join(catalog, 'backups', inst), { recursive: true });
        writeFileSync(path.join(catalog, 'backups', inst, 'pg_probackup.conf'), text);
      };
      put('one', read('pg_probackup.conf.seg1'));
      put('sixtyfour', read('pg_probackup.conf.seg64'));
      put('odd', 'xlog-seg-size = 3000000\n');
      put('none', '# Backup instance information\npgdata = /srv/x\n');
      const sizes = instanceSegmentSizes(catalog, ['one', 'sixtyfour', 'odd', 'none', 'absent']);
      assert.deepEqual([...sizes.entries()].sort(), [['one', 1024 * 1024], ['sixtyfour', 64 * 1024 * 1024]]);
    } finally {
      rmSync(catalog, { recursive: true, force: true });
    }
  });
});
