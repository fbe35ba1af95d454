import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRecordLine, parseWaldumpLine } from '../../../src/core/waldump/recordLineParser';
import type { BlockRef, WalRecordLine } from '../../../src/core/waldump/waldumpLine';
import { fixturesOf, waldumpFixture } from './waldumpFixtures';

// An independent reading of a record line: split on the literal separators printf puts there.
interface Expected {
  rmgr: string;
  recLen: number;
  totLen: number;
  xid: number;
  lsn: string;
  prev: string;
  type: string;
  desc: string;
  refs: { id: number; triple: string; fork: string | undefined; blk: number; fpw: string | undefined }[];
}

function splitRecord(line: string): Expected {
  const descAt = line.indexOf(', desc: ');
  const head = line.slice(0, descAt);
  const rest = line.slice(descAt + ', desc: '.length);
  const [first = '', tx = '', lsn = '', prev = ''] = head.split(', ');
  const rmgr = first.slice('rmgr: '.length).split(' ')[0] ?? '';
  const [rec = '', tot = ''] = (first.split('): ')[1] ?? '').split('/');
  const parts = rest.split(', blkref #');
  const payload = parts[0] ?? '';
  const type = payload.startsWith('UNKNOWN (') ? payload.slice(0, payload.indexOf(')') + 1) : (payload.split(' ')[0] ?? '');
  const refs = parts.slice(1).map((p) => {
    const words = p.split(' ');
    // "0:", "rel", "1663/5/16396", ["fork", "fsm",] "blk", "8216", ["FPW", ...]
    const hasFork = words[3] === 'fork';
    const blkIdx = hasFork ? 5 : 3;
    const tail = words.slice(blkIdx + 2).join(' ');
    return {
      id: Number((words[0] ?? '').replace(':', '')),
      triple: words[2] ?? '',
      fork: hasFork ? words[4] : undefined,
      blk: Number(words[blkIdx + 1]),
      fpw: tail === '' ? undefined : tail,
    };
  });
  return {
    rmgr, recLen: Number(rec.trim()), totLen: Number(tot.trim()), xid: Number(tx.slice('tx:'.length).trim()),
    lsn: lsn.slice('lsn: '.length), prev: prev.slice('prev '.length), type,
    desc: payload.slice(type.length).replace(/^ /, '').replace(/ +$/, ''), refs,
  };
}

function lsnOf(text: string): bigint {
  const [hi = '', lo = ''] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

function checkRecord(rec: WalRecordLine, line: string): void {
  const e = splitRecord(line);
  assert.equal(rec.rmgr, e.rmgr);
  assert.equal(rec.recLen, e.recLen);
  assert.equal(rec.totLen, e.totLen);
  assert.equal(rec.xid, e.xid);
  assert.equal(rec.lsnText, e.lsn);
  assert.equal(rec.prevText, e.prev);
  assert.equal(rec.lsn, lsnOf(e.lsn));
  assert.equal(rec.prev, lsnOf(e.prev));
  assert.equal(rec.type, e.type);
  assert.equal(rec.desc, e.desc);
  // column ranges cut the same text back out of the line
  assert.equal(line.slice(6, rec.rmgrEnd), e.rmgr);
  assert.equal(line.slice(rec.recLenStart, rec.recLenEnd), String(e.recLen));
  assert.equal(line.slice(rec.totLenStart, rec.totLenEnd), String(e.totLen));
  assert.equal(line.slice(rec.xidStart, rec.xidEnd), String(e.xid));
  assert.equal(line.slice(rec.typeStart, rec.typeEnd), e.type);
  assert.equal(rec.blockRefs.length, e.refs.length);
  rec.blockRefs.forEach((b: BlockRef, k) => {
    const x = e.refs[k];
    assert.ok(x);
    assert.equal(b.id, x.id);
    assert.equal(`${b.spcOid}/${b.dbOid}/${b.relNumber}`, x.triple);
    assert.equal(line.slice(b.relStart, b.relEnd), x.triple);
    assert.equal(b.fork, x.fork ?? 'main');
    assert.equal(b.forkStart < 0 ? undefined : line.slice(b.forkStart, b.forkEnd), x.fork);
    assert.equal(b.block, x.blk);
    assert.equal(line.slice(b.blkStart, b.blkEnd), String(x.blk));
    assert.equal(b.fpw, x.fpw !== undefined);
    assert.equal(b.fpwStart < 0 ? undefined : line.slice(b.fpwStart, b.fpwEnd), x.fpw);
    assert.ok(line.slice(b.start, b.end).startsWith(`blkref #${x.id}: rel `));
  });
}

describe('pg_waldump record lines', () => {
  const files = fixturesOf('records');

  it('reads every line of every recorded dump, checked against a split on the literal separators', function () {
    this.timeout(60000);
    let records = 0;
    let blockRefLines = 0;
    for (const f of files) {
      f.lines.forEach((line, i) => {
        const r = parseWaldumpLine(line);
        const where = `${f.name}:${i + 1}`;
        if (line.startsWith('rmgr: ') && line.includes(', desc: ')) {
          assert.equal(r.kind, 'record', where);
          if (r.kind === 'record') checkRecord(r, line);
          records++;
        } else if (line.startsWith('\tblkref #')) {
          assert.equal(r.kind, 'blockRef', where);
          blockRefLines++;
        } else if (line.startsWith('pg_waldump: ')) {
          assert.equal(r.kind, 'message', where);
        } else {
          // the lesson's excerpt ends with a record line cut off before `desc:`
          assert.equal(f.name, 'pg17-from-lesson/records.txt', where);
          assert.equal(i, f.lines.length - 1, where);
          assert.equal(r.kind, 'unparsed', where);
        }
      });
    }
    const expectedRecords = files.reduce((n, f) => n + f.lines.filter((l) => l.startsWith('rmgr: ') && l.includes(', desc: ')).length, 0);
    assert.equal(records, expectedRecords);
    assert.ok(records > 80000, `only ${records} records`);
    assert.ok(blockRefLines > 100);
  });

  it('reads the -b block lines: FPW, hole and fork, as the line prints them', () => {
    const re = /^\tblkref #(\d+): rel (\d+)\/(\d+)\/(\d+) fork (\w+) blk (\d+)(?: \((FPW[^)]*)\); hole: offset: (\d+), length: (\d+)(?:, compression saved: (\d+)(?:, method: (\w+))?)?)?$/;
    let fpws = 0;
    for (const f of [waldumpFixture('pg15', 'waldump_bkp_details.txt'), waldumpFixture('pg17', 'waldump_seg1_bkp_details.txt')]) {
      for (const line of f.lines.filter((l) => l.startsWith('\t'))) {
        const m = re.exec(line);
        assert.ok(m, line);
        const r = parseWaldumpLine(line);
        assert.equal(r.kind, 'blockRef');
        if (r.kind !== 'blockRef') continue;
        const b = r.blockRef;
        assert.deepEqual(
          [b.id, b.spcOid, b.dbOid, b.relNumber, b.fork, b.block],
          [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), m[5], Number(m[6])],
        );
        assert.equal(b.fpw, m[7] !== undefined);
        assert.equal(b.holeOffset, m[8] === undefined ? -1 : Number(m[8]));
        assert.equal(b.holeLength, m[9] === undefined ? -1 : Number(m[9]));
        assert.equal(line.slice(b.forkStart, b.forkEnd), m[5]);
        if (b.fpw) {
          fpws++;
          assert.equal(line.slice(b.fpwStart, b.fpwEnd), `(${m[7] ?? ''})`);
        }
      }
    }
    assert.ok(fpws > 10);
  });

  it('keeps record lines of the -b form whole: the desc ends the line, blkrefs come on the next lines', () => {
    const f = waldumpFixture('pg17', 'waldump_seg1_bkp_details.txt');
    const i = f.lines.findIndex((l) => l.includes('desc: FPI ') && f.lines[f.lines.indexOf(l) + 2]?.startsWith('\tblkref #1'));
    assert.ok(i >= 0);
    const rec = parseRecordLine(f.lines[i] ?? '');
    assert.ok(rec);
    assert.equal(rec.type, 'FPI');
    assert.equal(rec.desc, '');
    assert.equal(rec.blockRefs.length, 0);
  });

  it('knows inline FPW in both styles, the fork only when it is not main, and +INIT types', () => {
    const pg15 = waldumpFixture('pg15', 'waldump_heap.txt').lines[0] ?? '';
    const r15 = parseRecordLine(pg15);
    assert.ok(r15);
    assert.equal(r15.type, 'LOCK');
    assert.equal(r15.hasFpw, true);
    const pg17 = waldumpFixture('pg17', 'waldump_seg3_pgbench.txt').lines[0] ?? '';
    const r17 = parseRecordLine(pg17);
    assert.ok(r17);
    assert.equal(r17.rmgr, 'Heap2');
    assert.equal(r17.type, 'VISIBLE');
    assert.deepEqual(r17.blockRefs.map((b) => [b.fork, b.forkStart >= 0, b.block]), [['vm', true, 0], ['main', false, 3261]]);
    const init = parseRecordLine(waldumpFixture('pg17', 'waldump_seg1_heap_n15.txt').lines[2] ?? '');
    assert.equal(init?.type, 'INSERT+INIT');
    assert.equal(init.baseType, 'INSERT');
  });

  it('reads the types pg_waldump 17 introduced for pruning', () => {
    const types = new Set<string>();
    for (const line of waldumpFixture('pg17', 'waldump_seg1_initdb_lesson.txt').lines) {
      const r = parseRecordLine(line);
      if (r?.rmgr === 'Heap2') types.add(r.type);
    }
    for (const t of ['PRUNE_ON_ACCESS', 'PRUNE_VACUUM_SCAN', 'PRUNE_VACUUM_CLEANUP']) assert.ok(types.has(t), t);
    assert.ok(!types.has('PRUNE'));
  });

  it('reads UNKNOWN types, FPW for WAL verification and compressed -b images from the source formats', () => {
    // shapes printed by pg_waldump's format strings that the recorded clusters did not produce
    const unk = parseRecordLine('rmgr: Heap        len (rec/tot):     54/    54, tx:        745, lsn: 0/03000100, prev 0/030000C8, desc: UNKNOWN (70) , blkref #0: rel 1663/5/16407 blk 1 FPW for WAL verification');
    assert.ok(unk);
    assert.equal(unk.type, 'UNKNOWN (70)');
    assert.equal(unk.blockRefs[0]?.fpwForVerification, true);
    const line = '\tblkref #0: rel 1663/5/16384 fork main blk 0 (FPW); hole: offset: 60, length: 7840, compression saved: 120, method: lz4';
    const b = parseWaldumpLine(line);
    assert.equal(b.kind, 'blockRef');
    if (b.kind === 'blockRef') {
      assert.deepEqual([b.blockRef.holeOffset, b.blockRef.holeLength, b.blockRef.compressionSaved, b.blockRef.compressionMethod], [60, 7840, 120, 'lz4']);
    }
    const old = parseWaldumpLine('\tblkref #1: rel 1663/5/16384 fork fsm blk 2 (FPW for WAL verification); hole: offset: 0, length: 0, compression saved: 4000');
    assert.equal(old.kind, 'blockRef');
    if (old.kind === 'blockRef') assert.deepEqual([old.blockRef.fpwForVerification, old.blockRef.compressionSaved, old.blockRef.compressionMethod], [true, 4000, '']);
  });

  it('ignores the CR of CRLF text', () => {
    const f = waldumpFixture('pg17', 'waldump_seg1_bkp_details.txt');
    for (const line of f.lines.slice(0, 20)) {
      const a = parseWaldumpLine(line);
      const b = parseWaldumpLine(`${line}\r`);
      assert.equal(b.kind, a.kind, line);
      if (a.kind === 'record' && b.kind === 'record') {
        assert.equal(b.desc, a.desc);
        assert.deepEqual(b.blockRefs, a.blockRefs);
      }
      if (a.kind === 'blockRef' && b.kind === 'blockRef') assert.deepEqual(b.blockRef, a.blockRef);
    }
    const inline = waldumpFixture('pg15', 'waldump_heap.txt').lines[1] ?? '';
    const r = parseWaldumpLine(`${inline}\r`);
    assert.equal(r.kind, 'record');
    if (r.kind === 'record') assert.equal(r.blockRefs.length, 2);
  });

  it('reads LSNs and numbers wider than their printf fields', () => {
    const r = parseRecordLine('rmgr: Heap        len (rec/tot):    171/12345678, tx: 4294967295, lsn: 1A/0000002A, prev 19/FFFFFFD8, desc: INSERT off: 1, flags: 0x00');
    assert.ok(r);
    assert.equal(r.totLen, 12345678);
    assert.equal(r.xid, 4294967295);
    assert.equal(r.lsn, (0x1an << 32n) + 0x2an);
    assert.equal(r.prev, (0x19n << 32n) + 0xffffffd8n);
  });

  it('keeps malformed and cut lines as unparsed text instead of throwing', () => {
    const line = waldumpFixture('pg15', 'waldump_busy.txt').lines[0] ?? '';
    for (let cut = 0; cut < line.indexOf(', desc: '); cut++) {
      const r = parseWaldumpLine(line.slice(0, cut));
      assert.ok(r.kind === 'unparsed' || r.kind === 'blank', `cut at ${cut}: ${r.kind}`);
    }
    assert.equal(parseWaldumpLine('rmgr: Heap len (rec/tot): x/1, tx: 1, lsn: 0/1, prev 0/0, desc: X').kind, 'unparsed');
    assert.equal(parseWaldumpLine('\tblkref #0: rel 1663/5 fork main blk 0').kind, 'unparsed');
    assert.equal(parseWaldumpLine('something else').kind, 'unparsed');
    assert.equal(parseWaldumpLine('   ').kind, 'blank');
  });

  it('never throws, whatever the line', () => {
    const sample = waldumpFixture('pg17', 'waldump_seg1_heap_n15.txt').lines;
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseWaldumpLine(s);
        parseWaldumpLine(`rmgr: ${s}`);
        parseWaldumpLine(`\t${s}`);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.length - 1 }), fc.nat(400), fc.string({ maxLength: 5 }), (k, cut, junk) => {
        const line = sample[k] ?? '';
        const r = parseWaldumpLine(line.slice(0, cut) + junk + line.slice(cut + junk.length));
        assert.ok(['record', 'unparsed', 'blank', 'blockRef', 'message'].includes(r.kind));
      }),
      { numRuns: 2000 },
    );
  });
});
