import * as assert from 'node:assert/strict';
import { parseWalStats } from '../../../src/core/waldump/statsParser';
import { fixturesOf } from './waldumpFixtures';

describe('pg_waldump --stats tables', () => {
  const files = fixturesOf('stats');

  it('finds the five stats fixtures of pg15 and pg17', () => {
    assert.equal(files.length, 5);
  });

  for (const f of files) {
    describe(f.name, () => {
      const stats = parseWalStats(f.text);

      it('reads every line: header, one row per table line, the total, pg_waldump messages', () => {
        assert.deepEqual(stats.unparsed, []);
        const tableLines = f.lines.filter((l) => /^\S.*\(\s*\d+\.\d\d\)\s*$/.test(l));
        assert.equal(stats.rows.length, tableLines.length);
        assert.ok(stats.total);
        assert.equal(stats.messages.length, f.lines.filter((l) => l.startsWith('pg_waldump: ')).length);
        const header = /^WAL statistics between (\S+) and (\S+):$/.exec(f.lines[0] ?? '');
        assert.ok(header);
        const toBig = (t: string): bigint => {
          const [hi = '', lo = ''] = t.split('/');
          return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
        };
        assert.equal(stats.startLsn, toBig(header[1] ?? ''));
        assert.equal(stats.endLsn, toBig(header[2] ?? ''));
      });

      it('has totals equal to the sum of the rows', () => {
        const t = stats.total;
        assert.ok(t);
        const sum = (k: 'count' | 'recordSize' | 'fpiSize' | 'combinedSize'): number => stats.rows.reduce((n, r) => n + r[k], 0);
        assert.equal(sum('count'), t.count);
        assert.equal(sum('recordSize'), t.recordSize);
        assert.equal(sum('fpiSize'), t.fpiSize);
        assert.equal(sum('combinedSize'), t.combinedSize);
        assert.equal(t.recordSize + t.fpiSize, t.combinedSize);
        for (const r of stats.rows) {
          assert.equal(r.recordSize + r.fpiSize, r.combinedSize, r.name);
          // percentages are of the column totals, rounded to two places
          if (t.count > 0) assert.ok(Math.abs(r.countPct - (100 * r.count) / t.count) <= 0.005 + 1e-9, r.name);
        }
        assert.ok(Math.abs(t.recordPct + t.fpiPct - 100) <= 0.011);
      });

      it('tells per-rmgr from per-record tables', () => {
        const perRecord = f.name.includes('record') || f.name === 'pg15/waldump_stats.txt';
        // pg15/waldump_stats.txt was recorded with --stats=record: its rows name rmgr/TYPE
        assert.equal(stats.perRecord, f.lines.some((l) => /^\w+\/\S/.test(l)));
        assert.equal(stats.perRecord, perRecord);
        for (const r of stats.rows) {
          assert.equal(r.recordType === undefined, !stats.perRecord);
          assert.equal(stats.perRecord ? `${r.rmgr}/${r.recordType ?? ''}` : r.rmgr, r.name);
        }
      });
    });
  }

  it('reports the end-of-WAL error under the table as information', () => {
    const f = files.find((x) => x.text.includes('pg_waldump: error'));
    assert.ok(f);
    const m = parseWalStats(f.text).messages[0];
    assert.ok(m);
    assert.equal(m.level, 'error');
    assert.equal(m.endOfWal, true);
    assert.equal(m.severity, 'information');
  });
});
