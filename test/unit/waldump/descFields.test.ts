import * as assert from 'node:assert/strict';
import { descField, parseDescFields } from '../../../src/core/waldump/descFields';
import { parseRecordLine } from '../../../src/core/waldump/recordLineParser';
import type { WalRecordLine } from '../../../src/core/waldump/waldumpLine';
import { waldumpFixture } from './waldumpFixtures';

function records(dir: string, file: string): WalRecordLine[] {
  return waldumpFixture(dir, file).lines.flatMap((l) => {
    const r = parseRecordLine(l);
    return r ? [r] : [];
  });
}

function fieldsOf(r: WalRecordLine): ReturnType<typeof parseDescFields> {
  return parseDescFields(r.line, r.descStart, r.descEnd);
}

describe('desc fields', () => {
  const pg15 = records('pg15', 'waldump_small_all.txt');
  const pg17 = records('pg17', 'waldump_seg1_initdb_lesson.txt');

  it('cut keys and values back out of the line at their ranges, for every record', () => {
    for (const r of [...pg15, ...pg17]) {
      for (const f of fieldsOf(r)) {
        assert.equal(r.line.slice(f.keyStart, f.keyEnd), f.key);
        assert.equal(r.line.slice(f.valueStart, f.valueEnd), f.value);
        assert.ok(f.keyStart >= r.descStart && f.valueEnd <= r.descEnd);
        if (f.kind === 'pair') assert.ok(f.key !== '' && f.value !== '', r.line);
      }
    }
  });

  it('reads 16+ `key: value` lists as a split on ", " and ": " reads them', () => {
    let checked = 0;
    for (const r of pg17) {
      const d = r.desc;
      if (!d.includes(': ') || /[[\]{};=]/.test(d) || /^\d/.test(d)) continue;
      const expected = d.split(', ').map((p) => {
        const i = p.indexOf(': ');
        return [p.slice(0, i), p.slice(i + 2)];
      });
      if (expected.some(([k]) => k === undefined || k.includes(' '))) continue;
      assert.deepEqual(fieldsOf(r).map((f) => [f.key, f.value]), expected, r.line);
      checked++;
    }
    assert.ok(checked > 1000, `${checked}`);
  });

  it('reads lists in brackets as one value', () => {
    const r = pg17.find((x) => x.type === 'PRUNE_ON_ACCESS' && x.desc.includes('dead: ['));
    assert.ok(r);
    const dead = descField(fieldsOf(r), 'dead');
    assert.equal(dead?.value, /dead: (\[[^\]]*\])/.exec(r.desc)?.[1]);
  });

  it('reads 13–15 `key value` pairs, multi-word keys and `;` groups', () => {
    let checked = 0;
    for (const r of pg15) {
      const m = /^off (\d+) flags (0x[0-9A-Fa-f]{2})$/.exec(r.desc);
      if (r.rmgr !== 'Heap' || !m) continue;
      assert.deepEqual(fieldsOf(r).map((f) => [f.key, f.value]), [['off', m[1]], ['flags', m[2]]]);
      checked++;
    }
    assert.ok(checked > 100);
    const upd = pg15.find((x) => x.type === 'HOT_UPDATE');
    assert.ok(upd);
    const u = /^off (\d+) xmax (\d+) flags (\S+) ; new off (\d+) xmax (\d+)$/.exec(upd.desc);
    assert.ok(u);
    assert.deepEqual(fieldsOf(upd).map((f) => [f.key, f.value]), [['off', u[1]], ['xmax', u[2]], ['flags', u[3]], ['new off', u[4]], ['xmax', u[5]]]);
    const ckpt = pg15.find((x) => x.type === 'CHECKPOINT_SHUTDOWN');
    assert.ok(ckpt);
    const fields = fieldsOf(ckpt);
    assert.equal(descField(fields, 'redo')?.value, /redo (\S+);/.exec(ckpt.desc)?.[1]);
    assert.equal(descField(fields, 'prev tli')?.value, /prev tli (\d+);/.exec(ckpt.desc)?.[1]);
    assert.equal(descField(fields, 'oldest/newest commit timestamp xid')?.value, /timestamp xid: (\S+);/.exec(ckpt.desc)?.[1]);
  });

  it('reads commit timestamps, key=value settings and flags', () => {
    const commit = pg17.find((x) => x.type === 'COMMIT');
    assert.ok(commit);
    const ts = fieldsOf(commit)[0];
    assert.equal(ts?.kind, 'timestamp');
    assert.equal(ts.value, /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [A-Z]+)/.exec(commit.desc)?.[1]);
    const param = pg15.find((x) => x.type === 'PARAMETER_CHANGE');
    assert.ok(param);
    assert.deepEqual(fieldsOf(param).map((f) => `${f.key}=${f.value}`), param.desc.split(' '));
    const lock = pg15.find((x) => x.rmgr === 'Heap' && x.type === 'LOCK');
    assert.ok(lock);
    const flags = fieldsOf(lock).filter((f) => f.kind === 'flag').map((f) => f.value);
    assert.deepEqual(flags, lock.desc.split(' ').filter((w) => /^[A-Z_]+$/.test(w)));
  });
});
