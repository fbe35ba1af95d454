// The viewer's pure model: pages over a real dump, pg_waldump-style lines from decoded records,
// pg_waldump arguments and segment choice, outline/folds, hover texts and the stats table.
// Expectations come from the fixture text (regular expressions over it) or from arithmetic.
import * as assert from 'node:assert/strict';
import { parseWaldumpLine } from '../../../src/core/waldump/recordLineParser';
import { parseWalStats } from '../../../src/core/waldump/statsParser';
import { builtinRecordMatches } from '../../../src/core/waldump/viewerBuiltinDump';
import { buildOutline } from '../../../src/core/waldump/viewerOutline';
import { viewerHover } from '../../../src/core/waldump/viewerHover';
import { DumpPager, recordHead } from '../../../src/core/waldump/viewerPaging';
import { filterProblems, segmentsForRange, waldumpArgs } from '../../../src/core/waldump/viewerRange';
import { formatBuiltinRecord } from '../../../src/core/waldump/viewerRecordFormat';
import { sortStatsRows, statsMarkdown } from '../../../src/core/waldump/viewerStatsTable';
import type { WalBlockRef, WalRecord } from '../../../src/core/waldump/walReaderTypes';
import { waldumpFixture } from './waldumpFixtures';

const LINE = /^rmgr: (\S+)\s+len \(rec\/tot\):\s*(\d+)\/\s*(\d+), tx:\s*(\d+), lsn: ([0-9A-F]+)\/([0-9A-F]+), prev ([0-9A-F]+)\/([0-9A-F]+), desc: (\S+) (.*)$/;
const BLK = /^, blkref #(\d+): rel (\d+)\/(\d+)\/(\d+)(?: fork (\w+))? blk (\d+)( FPW)?/;
const lsn = (hi: string, lo: string): bigint => (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
const FORKS = ['main', 'fsm', 'vm', 'init'];

/** A WalRecord rebuilt from a fixture line whose desc is the type alone (plus block references). */
function recordFromLine(line: string): WalRecord | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  let rest = m[10] ?? '';
  const blocks: WalBlockRef[] = [];
  while (rest !== '') {
    const b = BLK.exec(rest);
    if (!b) return undefined; // a desc payload: not a line the built-in reader can print
    const fork = b[5] ?? 'main';
    blocks.push({
      id: Number(b[1]), spcOid: Number(b[2]), dbOid: Number(b[3]), relNumber: Number(b[4]), fork: FORKS.indexOf(fork), forkName: fork,
      block: Number(b[6]), sameRel: false, willInit: false, hasData: false, dataLength: 0,
      ...(b[7] ? { image: { length: 1, holeOffset: 0, holeLength: 0, apply: true, compression: 'none' as const, info: 0 } } : {}),
    });
    rest = rest.slice(b[0].length);
  }
  return {
    lsn: lsn(m[5] ?? '', m[6] ?? ''), endLsn: 0n, prev: lsn(m[7] ?? '', m[8] ?? ''), xid: Number(m[4]), rmid: 0, rmgr: m[1] ?? '',
    info: 0, type: m[9] ?? '', totalLength: Number(m[3]), recordLength: Number(m[2]), fpiLength: 0, crc: 0, blocks, mainDataLength: 0,
  };
}

describe('viewer: built-in records in pg_waldump format', () => {
  it('prints records whose desc is empty exactly as pg_waldump 15 and 17 did', () => {
    let checked = 0;
    for (const [dir, file] of [['pg15', 'waldump_small_all.txt'], ['pg17', 'waldump_seg1_initdb_lesson.txt'], ['pg15', 'waldump_busy.txt']] as const) {
      for (const line of waldumpFixture(dir, file).lines) {
        const r = recordFromLine(line);
        if (!r) continue;
        assert.equal(formatBuiltinRecord(r), line);
        checked++;
      }
    }
    assert.ok(checked > 100, `${checked} lines checked`);
  });

  it('prints lines the record parser reads back', () => {
    const rec: WalRecord = {
      lsn: 0x1_0000_0028n, endLsn: 0n, prev: 0xfffff00n, xid: 4294967295, rmid: 10, rmgr: 'Heap', info: 0, type: 'INSERT+INIT',
      totalLength: 1234567, recordLength: 54, fpiLength: 0, crc: 0, mainDataLength: 0,
      blocks: [{ id: 0, spcOid: 1663, dbOid: 5, relNumber: 16396, fork: 2, forkName: 'vm', block: 7, sameRel: false, willInit: false, hasData: false, dataLength: 0,
        image: { length: 10, holeOffset: 0, holeLength: 0, apply: false, compression: 'none', info: 0 } }],
    };
    const parsed = parseWaldumpLine(formatBuiltinRecord(rec));
    assert.equal(parsed.kind, 'record');
    if (parsed.kind !== 'record') return;
    assert.equal(parsed.lsn, 0x1_0000_0028n);
    assert.equal(parsed.prev, 0xfffff00n);
    assert.equal(parsed.xid, 4294967295);
    assert.equal(parsed.totLen, 1234567);
    assert.equal(parsed.type, 'INSERT+INIT');
    assert.equal(parsed.blockRefs[0]?.fork, 'vm');
    assert.equal(parsed.blockRefs[0]?.fpwForVerification, true);
  });
});

describe('viewer: paging', () => {
  const f = waldumpFixture('pg15', 'waldump_busy.txt');

  function page(limits = { maxRecords: 1000, maxLines: 1e9, maxChars: 1e12 }): { pager: DumpPager; texts: string[] } {
    const texts: string[] = [];
    const pager = new DumpPager({ write: (p, t) => { texts[p] = (texts[p] ?? '') + t; } }, limits);
    for (const l of f.lines) pager.addLine(l);
    pager.end();
    return { pager, texts };
  }

  it('cuts the dump into pages that hold every line once, in order, and break only before a record', () => {
    const { pager, texts } = page();
    const records = f.lines.filter((l) => LINE.test(l)).length;
    assert.equal(pager.recordCount, records);
    assert.equal(pager.pages.length, Math.ceil(records / 1000));
    assert.equal(texts.join(''), `${f.lines.join('\n')}\n`);
    for (const t of texts.slice(1)) assert.ok(t.startsWith('rmgr: '));
    for (const p of pager.pages) assert.ok(p.records <= 1000 && p.complete);
  });

  it('honours the character limit too', () => {
    const { pager, texts } = page({ maxRecords: 1e9, maxLines: 1e9, maxChars: 200_000 });
    assert.ok(pager.pages.length >= Math.floor(f.text.length / 200_000));
    for (const t of texts) assert.ok(t.length < 200_000 + 1000);
  });

  it('finds the page of every record LSN and the end of every committed transaction', () => {
    const { pager, texts } = page();
    const pageLines = texts.map((t) => t.split('\n'));
    for (const line of f.lines) {
      const m = LINE.exec(line);
      if (!m) continue;
      const p = pager.pageOfLsn(lsn(m[5] ?? '', m[6] ?? ''));
      assert.ok(pageLines[p]?.includes(line), `${m[5]}/${m[6]} on page ${p}`);
      if (m[1] === 'Transaction' && m[9] === 'COMMIT') {
        const end = pager.txEnd(Number(m[4]));
        assert.equal(end?.kind, 'COMMIT');
        assert.equal(pageLines[end.page]?.[end.line], line);
      }
    }
    assert.equal(pager.pageOfLsn(0n), -1);
    assert.equal(pager.pageOfLsn(0n, true), 0);
  });

  it('reads xid and LSN heads like the full parser, and nothing from other lines', () => {
    for (const l of waldumpFixture('pg15', 'waldump_bkp_details.txt').lines) {
      const p = parseWaldumpLine(l);
      const h = recordHead(l);
      if (p.kind === 'record') assert.deepEqual(h, { xid: p.xid, lsnHi: p.lsnHi, lsnLo: p.lsnLo });
      else assert.equal(h, undefined);
    }
  });
});

describe('viewer: pg_waldump arguments and segment choice', () => {
  it('builds argv for a file and for a directory range with filters', () => {
    assert.deepEqual(waldumpArgs({ kind: 'file', path: '/w/000000010000000000000003' }), ['/w/000000010000000000000003']);
    assert.deepEqual(
      waldumpArgs({ kind: 'dir', dir: '/w', timeline: 2, startLsn: 0x3000028n, endLsn: 0x4000000n }, { rmgr: 'Heap', xid: 7, fpw: true }, 'record'),
      ['--rmgr=Heap', '--xid=7', '--fpw', '--stats=record', '--start=0/03000028', '--end=0/04000000', '--path=/w', '--timeline=2']);
  });

  it('refuses filters pg_waldump of that major does not know, and malformed ones', () => {
    assert.deepEqual(filterProblems({ relation: '1663/5/16396', block: 3 }, 15), []);
    assert.equal(filterProblems({ fpw: true }, 14).length, 1);
    assert.equal(filterProblems({ block: 3 }, 16).length, 1);
    assert.equal(filterProblems({ relation: 'pgbench_accounts' }, 16).length, 1);
  });

  it('chooses the segments of a range, preferring plain names, and reports gaps', () => {
    const names = ['000000010000000000000003', '000000010000000000000004.gz', '000000010000000000000004.partial',
      '000000010000000000000006', '000000020000000000000005', 'archive_status'];
    const r = segmentsForRange(names, 1, 0x3000028n, 0x6000010n);
    assert.deepEqual(r.files, ['000000010000000000000003', '000000010000000000000004.partial', '000000010000000000000006']);
    assert.deepEqual(r.missing, ['000000010000000000000005']);
    assert.deepEqual(segmentsForRange(names, 1, 0x3000028n, undefined).files, ['000000010000000000000003', '000000010000000000000004.partial']);
    // an end exactly at a segment boundary does not need the next segment
    assert.deepEqual(segmentsForRange(names, 1, 0x3000028n, 0x4000000n).files, ['000000010000000000000003']);
  });
});

describe('viewer: outline and folding', () => {
  it('folds each record with its -b lines and lists the transactions', () => {
    const f = waldumpFixture('pg15', 'waldump_bkp_details.txt');
    const o = buildOutline(f.lines.length, (i) => f.lines[i] ?? '');
    for (const [a, b] of o.folds) {
      assert.ok(f.lines[a]?.startsWith('rmgr: '));
      for (let i = a + 1; i <= b; i++) assert.ok(f.lines[i]?.startsWith('\t'));
      assert.ok(!(f.lines[b + 1] ?? '').startsWith('\t'));
    }
    const tabbed = f.lines.filter((l) => l.startsWith('\t')).length;
    assert.equal(o.folds.reduce((n, [a, b]) => n + b - a, 0), tabbed);
    const xids = new Set(f.lines.map((l) => /, tx:\s+(\d+),/.exec(l)?.[1]).filter((x) => x !== undefined && x !== '0').map(Number));
    assert.deepEqual(new Set(o.sections.flatMap((s) => s.transactions.map((t) => t.xid))), xids);
    const t2050 = o.sections.flatMap((s) => s.transactions).find((t) => t.xid === 2050);
    assert.equal(t2050?.end, 'COMMIT');
  });

  it('opens a section at each checkpoint', () => {
    const f = waldumpFixture('pg17', 'waldump_seg1_initdb_lesson.txt');
    const o = buildOutline(f.lines.length, (i) => f.lines[i] ?? '');
    const checkpoints = f.lines.filter((l) => /desc: CHECKPOINT_(ONLINE|SHUTDOWN) /.test(l)).length;
    assert.ok(checkpoints > 0);
    assert.equal(o.sections.filter((s) => s.checkpoint !== undefined).length, checkpoints);
  });
});

describe('viewer: hover', () => {
  const line = 'rmgr: Heap        len (rec/tot):     59/  8135, tx:       2052, lsn: 0/09001690, prev 0/09001668, desc: LOCK off 57: xid 2052: flags 0x01 LOCK_ONLY EXCL_LOCK , blkref #0: rel 1663/5/16396 blk 840 FPW';
  const parsed = parseWaldumpLine(line);

  it('places an LSN in its segment file and offset (16 MB segments: name from the high bits, offset from the low 24)', () => {
    const h = viewerHover(parsed, line.indexOf('0/09001668') + 2, { timeline: 3 });
    assert.ok(h);
    assert.match(h.markdown, /000000030000000000000009/);
    assert.match(h.markdown, new RegExp(`offset ${0x001668}\\b`));
    assert.match(h.markdown, /Go to Definition/);
  });

  it('explains FPW on the block reference and links the transaction end', () => {
    const fpw = viewerHover(parsed, line.lastIndexOf('FPW') + 1);
    assert.match(fpw?.markdown ?? '', /full-page image/i);
    const tx = viewerHover(parsed, line.indexOf('2052') + 1, { txEnd: (x) => (x === 2052 ? { kind: 'COMMIT', label: '0/090076E8', target: 'command:x' } : undefined) });
    assert.match(tx?.markdown ?? '', /\[COMMIT at 0\/090076E8\]\(command:x\)/);
    const rmgr = viewerHover(parsed, 7);
    assert.match(rmgr?.markdown ?? '', /\*\*Heap\*\*/);
  });

  it('names the relation of a block reference when names were looked up, and offers a connection when not', () => {
    const at = line.indexOf('1663/5/16396') + 3;
    const named = viewerHover(parsed, at, {
      relationNames: { tablespace: 'pg_default', database: 'postgres', relation: { schema: 'public', name: 'pgbench_accounts_pkey', kind: 'index', owner: 'public.pgbench_accounts' } },
    });
    assert.match(named?.markdown ?? '', /Relation `public\.pgbench_accounts_pkey` \(index of `public\.pgbench_accounts`\), database `postgres`, tablespace `pg_default`\./);
    const offer = viewerHover(parsed, at, { chooseConnection: 'command:pgBackupStudio.waldump.chooseConnection' });
    assert.match(offer?.markdown ?? '', /\[choose a connection\]\(command:pgBackupStudio\.waldump\.chooseConnection\)/);
    // a name with backticks stays one code span; a server's message cannot become a link
    const odd = viewerHover(parsed, at, { relationNames: { database: 'we`ird', problem: 'see [here](command:x)' } });
    assert.match(odd?.markdown ?? '', /database ``we`ird``/);
    assert.ok(!(odd?.markdown ?? '').includes('[here](command:x)'), odd?.markdown);
    assert.match(odd?.markdown ?? '', /Names: see \\\[here\\\]\\\(command:x\\\)\./);
  });

  it('calls the end-of-WAL message information', () => {
    const m = parseWaldumpLine('pg_waldump: error: error in WAL record at 0/9FFE188: invalid record length at 0/9FFE1C0: wanted 24, got 0');
    const h = viewerHover(m, 40);
    assert.match(h?.markdown ?? '', /End of WAL/);
  });
});

describe('viewer: statistics table', () => {
  it('sorts the --stats=record rows by the chosen column', () => {
    const f = waldumpFixture('pg15', 'waldump_busy_stats_record.txt');
    const stats = parseWalStats(f.text);
    const byCombined = sortStatsRows(stats.rows, 'combinedSize');
    for (let i = 1; i < byCombined.length; i++) assert.ok((byCombined[i - 1]?.combinedSize ?? 0) >= (byCombined[i]?.combinedSize ?? 0));
    const md = statsMarkdown(stats, 'count', 'test');
    const tableRows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Type') && !l.startsWith('| **Total'));
    assert.equal(tableRows.length, stats.rows.length);
    const counts = tableRows.map((l) => Number(l.split('|')[2]));
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  });
});

describe('viewer: filters of the built-in reader', () => {
  const block = (over: Partial<WalBlockRef>): WalBlockRef => ({
    id: 0, spcOid: 1663, dbOid: 5, relNumber: 16396, fork: 0, forkName: 'main', block: 8, sameRel: false, willInit: false, hasData: true, dataLength: 10, ...over,
  });
  const rec = (over: Partial<WalRecord>): WalRecord => ({
    lsn: 0x3000028n, endLsn: 0n, prev: 0n, xid: 740, rmid: 10, rmgr: 'Heap', info: 0, type: 'INSERT', totalLength: 80, recordLength: 80,
    fpiLength: 0, crc: 0, blocks: [block({})], mainDataLength: 3, ...over,
  });

  it('keeps what pg_waldump would keep for -r, -x, --relation, --block, --fork and --fpw', () => {
    assert.equal(builtinRecordMatches(rec({}), { rmgr: 'heap' }), true); // pg_waldump matches rmgr names without case
    assert.equal(builtinRecordMatches(rec({}), { rmgr: 'Heap2' }), false);
    assert.equal(builtinRecordMatches(rec({}), { xid: 741 }), false);
    assert.equal(builtinRecordMatches(rec({}), { relation: '1663/5/16396', block: 8 }), true);
    assert.equal(builtinRecordMatches(rec({}), { relation: '1663/5/16396', block: 9 }), false);
    assert.equal(builtinRecordMatches(rec({}), { fork: 'vm' }), false);
    assert.equal(builtinRecordMatches(rec({ blocks: [block({}), block({ id: 1, fork: 2, forkName: 'vm', block: 0 })] }), { fork: 'vm' }), true);
    assert.equal(builtinRecordMatches(rec({}), { fpw: true }), false);
    const image = { length: 100, holeOffset: 0, holeLength: 0, apply: true, compression: 'none' as const, info: 0 };
    assert.equal(builtinRecordMatches(rec({ blocks: [block({ image })] }), { fpw: true }), true);
    // the block conditions hold for one and the same block reference
    assert.equal(builtinRecordMatches(rec({ blocks: [block({ block: 9 }), block({ id: 1, relNumber: 1, block: 8 })] }), { relation: '1663/5/16396', block: 8 }), false);
  });
});
