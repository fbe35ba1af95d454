import * as assert from 'node:assert/strict';
import { parseRecordLine } from '../../../src/core/waldump/recordLineParser';
import { describeRecordType, describeRmgr, recordTypeInfo, recordTypesOf, rmgrInfo, rmgrNames } from '../../../src/core/waldump/rmgrKnowledge';
import { parseWalStats } from '../../../src/core/waldump/statsParser';
import { fixturesOf, waldumpFixture } from './waldumpFixtures';

function majorOf(name: string): number {
  return Number(/^pg(\d+)/.exec(name)?.[1]);
}

describe('rmgr and record type knowledge', () => {
  it('knows every rmgr that --rmgr=list printed, in that order', () => {
    for (const dir of ['pg15', 'pg17']) {
      const listed = waldumpFixture(dir, 'waldump_rmgr_list.txt').lines.filter((l) => l !== '');
      assert.deepEqual(rmgrNames(), listed);
      for (const name of listed) assert.ok(rmgrInfo(name)?.summary, name);
    }
    assert.equal(rmgrInfo('heap2')?.name, 'Heap2');
  });

  it('explains every rmgr/type in the recorded dumps and stats, as present in that major', () => {
    const seen = new Map<string, number>();
    for (const f of fixturesOf('records')) {
      for (const line of f.lines) {
        const r = parseRecordLine(line);
        if (r) seen.set(`${r.rmgr}\t${r.type}\t${majorOf(f.name)}`, 1);
      }
    }
    for (const f of fixturesOf('stats')) {
      for (const row of parseWalStats(f.text).rows) {
        if (row.recordType !== undefined) seen.set(`${row.rmgr}\t${row.recordType}\t${majorOf(f.name)}`, 1);
      }
    }
    assert.ok(seen.size > 40);
    for (const key of seen.keys()) {
      const [rmgr = '', type = '', major = ''] = key.split('\t');
      const hit = recordTypeInfo(rmgr, type, Number(major));
      assert.ok(hit, key);
      assert.equal(hit.inMajor, true, key);
      assert.ok(describeRecordType(rmgr, type, Number(major))?.includes(hit.entry.summary));
    }
  });

  it('notes the Heap2 prune types of 17 and the types they replaced', () => {
    assert.ok(recordTypesOf('Heap2', 16).includes('PRUNE'));
    assert.ok(!recordTypesOf('Heap2', 17).includes('PRUNE'));
    for (const t of ['PRUNE_ON_ACCESS', 'PRUNE_VACUUM_SCAN', 'PRUNE_VACUUM_CLEANUP']) {
      assert.ok(recordTypesOf('Heap2', 17).includes(t));
      assert.ok(!recordTypesOf('Heap2', 16).includes(t));
      assert.equal(recordTypeInfo('Heap2', t, 15)?.inMajor, false);
    }
    assert.ok(recordTypesOf('Heap2', 13).includes('CLEAN'));
    assert.ok(!recordTypesOf('Heap2', 14).includes('CLEAN'));
    assert.ok(recordTypesOf('XLOG', 17).includes('CHECKPOINT_REDO'));
    assert.ok(!recordTypesOf('XLOG', 16).includes('CHECKPOINT_REDO'));
    assert.match(describeRecordType('Heap2', 'PRUNE', 17) ?? '', /Not printed by PostgreSQL 17/);
  });

  it('explains +INIT, unknown types and rmgrs', () => {
    const d = describeRecordType('Heap', 'INSERT+INIT', 15);
    assert.ok(d?.includes('+INIT'));
    assert.equal(recordTypeInfo('Heap', 'INSERT+INIT')?.init, true);
    assert.match(describeRecordType('Heap', 'UNKNOWN (70)') ?? '', /No description/);
    assert.equal(describeRecordType('NoSuchRmgr', 'X'), undefined);
    assert.match(describeRmgr('Btree') ?? '', /B-tree/);
  });
});
