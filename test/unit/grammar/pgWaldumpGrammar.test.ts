import * as assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { waldumpFixture } from '../waldump/waldumpFixtures';
import type { Token } from './loadGrammar';
import { loadGrammar, tokenizeLines } from './loadGrammar';

function tokens(grammar: IGrammar, line: string): Token[] {
  return tokenizeLines(grammar, [line])[0] ?? [];
}

/** Scopes of the n-th token whose text is exactly `text`. */
function scopesOf(toks: readonly Token[], text: string, n = 0): readonly string[] {
  const hits = toks.filter((t) => t.text === text);
  const t = hits[n];
  assert.ok(t, `no token "${text}" (#${n}) in ${JSON.stringify(toks.map((x) => x.text))}`);
  return t.scopes;
}

function has(scopes: readonly string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`));
}

function line(dir: string, file: string, pred: (l: string) => boolean): string {
  const l = waldumpFixture(dir, file).lines.find(pred);
  assert.ok(l, `${dir}/${file}`);
  return l;
}

describe('pg-waldump TextMate grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadGrammar('source.pg-waldump', 'pg-waldump.tmLanguage.json');
  });

  it('scopes the fixed fields of a record line (17 lesson excerpt)', () => {
    const l = line('pg17-from-lesson', 'records.txt', (x) => x.includes('lsn: 0/010CFEB8'));
    const t = tokens(grammar, l);
    assert.ok(has(scopesOf(t, 'Transaction'), 'entity.name.namespace.rmgr'));
    assert.ok(has(scopesOf(t, '0/010CFEB8'), 'constant.numeric.lsn'));
    assert.ok(has(scopesOf(t, '0/010CED70'), 'constant.numeric.lsn.prev'));
    assert.ok(has(scopesOf(t, 'COMMIT'), 'entity.name.function.record-type'));
    assert.ok(has(scopesOf(t, '3'), 'variable.other.xid'));
    assert.ok(has(scopesOf(t, '98', 0), 'constant.numeric.integer.length.record'));
    assert.ok(has(scopesOf(t, '98', 1), 'constant.numeric.integer.length.total'));
    const ts = /desc: COMMIT (\S+ \S+ \S+);/.exec(l)?.[1] ?? '';
    assert.ok(has(scopesOf(t, ts), 'string.unquoted.timestamp'));
    assert.ok(has(scopesOf(t, 'inval msgs'), 'variable.other.property'));
  });

  it('scopes 15-style desc keys, flags and inline block references with FPW', () => {
    const l = line('pg15', 'waldump_heap.txt', (x) => x.includes('desc: LOCK ') && x.endsWith(' FPW'));
    const t = tokens(grammar, l);
    assert.ok(has(scopesOf(t, 'Heap'), 'entity.name.namespace.rmgr'));
    assert.ok(has(scopesOf(t, 'LOCK'), 'entity.name.function.record-type'));
    assert.ok(has(scopesOf(t, 'off'), 'variable.other.property'));
    assert.ok(has(scopesOf(t, 'flags'), 'variable.other.property'));
    assert.ok(has(scopesOf(t, 'LOCK_ONLY'), 'constant.language.flag'));
    assert.ok(has(scopesOf(t, '0x00'), 'constant.numeric.hex'));
    assert.ok(has(scopesOf(t, 'blkref #0'), 'keyword.other.blkref'));
    const rel = /blkref #0: rel (\S+)/.exec(l)?.[1] ?? '';
    assert.ok(has(scopesOf(t, rel), 'constant.numeric.relfilenode'));
    const blk = /blkref #0: rel \S+ blk (\d+)/.exec(l)?.[1] ?? '';
    assert.ok(has(scopesOf(t, blk), 'constant.numeric.block'));
    assert.ok(has(scopesOf(t, 'FPW'), 'keyword.control.fpw'));
  });

  it('scopes 16+ `key: value` pairs, +INIT, forks and block numbers', () => {
    const v = tokens(grammar, line('pg17', 'waldump_seg3_pgbench.txt', (x) => x.includes('desc: VISIBLE ')));
    assert.ok(has(scopesOf(v, 'snapshotConflictHorizon'), 'variable.other.property'));
    assert.ok(has(scopesOf(v, 'vm'), 'support.constant.fork'));
    const blk = /blk (\d+)$/.exec(v.map((x) => x.text).join(''))?.[1] ?? '';
    assert.ok(has(scopesOf(v, blk), 'constant.numeric.block'));
    const init = tokens(grammar, line('pg17', 'waldump_seg1_heap_n15.txt', (x) => x.includes('INSERT+INIT')));
    assert.ok(has(scopesOf(init, 'INSERT'), 'entity.name.function.record-type'));
    assert.ok(has(scopesOf(init, '+INIT'), 'storage.modifier.init'));
    const upd = tokens(grammar, line('pg17', 'waldump_seg1_heap_n15.txt', (x) => x.includes('desc: UPDATE ')));
    assert.ok(has(scopesOf(upd, 'old_xmax'), 'variable.other.property'));
  });

  it('scopes the -b block lines: FPW, hole and its numbers', () => {
    const f = waldumpFixture('pg17', 'waldump_seg1_bkp_details.txt');
    const at = f.lines.findIndex((x) => x.includes('(FPW); hole'));
    const [rec, blk] = tokenizeLines(grammar, f.lines.slice(at - 1, at + 1));
    assert.ok(rec && blk);
    assert.ok(has(scopesOf(rec, 'XLOG'), 'entity.name.namespace.rmgr'));
    assert.ok(has(scopesOf(blk, 'blkref'), 'keyword.other.blkref'));
    assert.ok(has(scopesOf(blk, 'FPW'), 'keyword.control.fpw'));
    assert.ok(has(scopesOf(blk, 'hole'), 'variable.other.property'));
    const fork = / fork (\w+) /.exec(f.lines[at] ?? '')?.[1] ?? '';
    assert.ok(has(scopesOf(blk, fork), 'support.constant.fork'));
    const hole = /offset: (\d+)/.exec(f.lines[at] ?? '')?.[1] ?? '';
    assert.ok(has(scopesOf(blk, hole), 'constant.numeric'));
  });

  it('tells the end-of-WAL message from real errors', () => {
    const end = line('pg15', 'waldump_stats.txt', (x) => x.startsWith('pg_waldump: '));
    const t = tokens(grammar, end);
    assert.ok(t.every((x) => !has(x.scopes, 'invalid.illegal')));
    assert.ok(t.some((x) => has(x.scopes, 'comment.line.end-of-wal')));
    assert.ok(has(scopesOf(t, '0/1B89488'), 'constant.numeric.lsn'));
    // Reading on into a recycled segment is the end of WAL too.
    const recycled = tokens(grammar, 'pg_waldump: error: error in WAL record at 0/6CB8480: unexpected pageaddr 0/1000000 in log segment 00000001000000000000006D, offset 0');
    assert.ok(recycled.every((x) => !has(x.scopes, 'invalid.illegal')));
    assert.ok(recycled.some((x) => has(x.scopes, 'comment.line.end-of-wal')));
    const err = tokens(grammar, 'pg_waldump: error: could not open file "000000010000000000000009": No such file or directory');
    assert.ok(has(scopesOf(err, 'error'), 'invalid.illegal.error'));
  });

  it('scopes the --stats tables', () => {
    const f = waldumpFixture('pg15', 'waldump_busy_stats_record.txt');
    const [head, , , row] = tokenizeLines(grammar, f.lines.slice(0, 4));
    assert.ok(head && row);
    assert.ok(has(scopesOf(head, '0/90013D8'), 'constant.numeric.lsn'));
    assert.ok(has(scopesOf(row, 'Transaction'), 'entity.name.namespace.rmgr'));
    assert.ok(has(scopesOf(row, 'COMMIT'), 'entity.name.function.record-type'));
  });

  it('scopes every block reference and every desc key of long record lines, not only the first ones', () => {
    // a full-page-image record of initdb with many block references
    const fpi = line('pg17', 'waldump_seg1_initdb_lesson.txt', (x) => x.includes(', blkref #5: '));
    const refs = [...fpi.matchAll(/blkref #(\d+): rel (\S+) blk (\d+)/g)];
    assert.ok(refs.length > 5);
    const t = tokens(grammar, fpi);
    refs.forEach((m, k) => {
      assert.ok(has(scopesOf(t, `blkref #${m[1] ?? ''}`), 'keyword.other.blkref'), `blkref #${k}`);
      assert.ok(t.some((x) => x.text === m[3] && has(x.scopes, 'constant.numeric.block')), `blk of #${k}`);
    });
    assert.equal(t.filter((x) => x.text === 'FPW' && has(x.scopes, 'keyword.control.fpw')).length, (fpi.match(/ FPW/g) ?? []).length);
    // a commit with a long list of invalidation messages: each `catcache N` is a key and its value
    const commit = line('pg15', 'waldump_small_all.txt', (x) => (x.match(/catcache \d+/g) ?? []).length > 20);
    const keys = tokens(grammar, commit).filter((x) => x.text === 'catcache' && has(x.scopes, 'variable.other.property'));
    assert.equal(keys.length, (commit.match(/catcache \d+/g) ?? []).length);
  });

  it('gives every record line of the dumps the rmgr and record type scopes', function () {
    this.timeout(60000);
    for (const [dir, file] of [['pg15', 'waldump_busy.txt'], ['pg17', 'waldump_seg1_initdb_lesson.txt']] as const) {
      const lines = waldumpFixture(dir, file).lines.filter((_, i) => i % 50 === 0);
      tokenizeLines(grammar, lines).forEach((t, i) => {
        const l = lines[i] ?? '';
        const rmgr = /^rmgr: (\S+)/.exec(l)?.[1] ?? '';
        const type = /desc: ([A-Za-z0-9_]+)/.exec(l)?.[1] ?? '';
        assert.ok(has(scopesOf(t, rmgr), 'entity.name.namespace.rmgr'), l);
        assert.ok(has(scopesOf(t, type), 'entity.name.function.record-type'), l);
      });
    }
  });
});
