// pg_waldump of every major 13–18 against our line parser and the built-in WAL reader, on WAL
// that a server of that major wrote. The record-type tables of the built-in reader are per
// major, and only a real pg_waldump of each major can say they are right.
//
// pg_waldump of a major comes from PG_WALDUMP_<major> (a path to the program), else Debian's
// /usr/lib/postgresql/<major>/bin/pg_waldump; a major without one is skipped, with the reason.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { debianBinDir } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { isExecutableFile } from '../../src/core/process/which';
import { descField, parseDescFields } from '../../src/core/waldump/descFields';
import { recordTypeInfo } from '../../src/core/waldump/rmgrKnowledge';
import { parseWaldumpLine } from '../../src/core/waldump/recordLineParser';
import { parseWaldumpVersion } from '../../src/core/waldump/waldumpDiscovery';
import type { BlockRef, WaldumpLine, WalRecordLine } from '../../src/core/waldump/waldumpLine';
import { readWalFiles } from '../../src/core/waldump/walReaderList';
import type { WalBlockRef, WalRecord } from '../../src/core/waldump/walReaderTypes';
import { installationFor } from '../support/clusters';
import { skipBecause } from '../support/skip';
import { runWalWorkload, walFiles, walWorkloadTypes, WAL_WORKLOAD_SETTINGS } from '../support/walWorkload';

const MAJORS = [13, 14, 15, 16, 17, 18];

/** The pg_waldump to use for a major and where it was found, or undefined. */
function waldumpFor(major: number): { file: string; from: string } | undefined {
  const fromEnv = process.env[`PG_WALDUMP_${major}`];
  if (fromEnv) return { file: fromEnv, from: `PG_WALDUMP_${major}` };
  const debian = path.join(debianBinDir(major), 'pg_waldump');
  return isExecutableFile(debian) ? { file: debian, from: 'Debian' } : undefined;
}


const lines = (text: string): string[] => text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);

const BLCKSZ = 8192;

/**
 * What both sides know of a block reference, as one comparable line. With -b: the hole, and for
 * a compressed image the bytes saved and (15 on) the method; 13 and 14 print no method.
 */
function theirBlock(b: BlockRef, detailed: boolean): string {
  const fpw = b.fpw ? (b.fpwForVerification ? ' FPW for WAL verification' : ' FPW') : '';
  const hole = detailed && b.fpw ? ` hole ${b.holeOffset}+${b.holeLength} saved ${b.compressionSaved} ${b.compressionMethod}` : '';
  return `#${b.id} ${b.spcOid}/${b.dbOid}/${b.relNumber} ${b.fork} ${b.block}${fpw}${hole}`;
}

function ourBlock(b: WalBlockRef, detailed: boolean, major: number): string {
  const img = b.image;
  const fpw = img ? (img.apply ? ' FPW' : ' FPW for WAL verification') : '';
  let hole = '';
  if (detailed && img) {
    const saved = img.compression === 'none' ? '-1 ' : `${BLCKSZ - img.holeLength - img.length} ${major >= 15 ? img.compression : ''}`;
    hole = ` hole ${img.holeOffset}+${img.holeLength} saved ${saved}`;
  }
  return `#${b.id} ${b.spcOid}/${b.dbOid}/${b.relNumber} ${b.forkName} ${b.block}${fpw}${hole}`;
}

/** A record line's fields as both sides know them (the type is compared on its own). */
function theirRecord(r: WalRecordLine, blocks: readonly BlockRef[], detailed: boolean): string[] {
  return [`${r.rmgr} ${r.recLen}/${r.totLen} tx ${r.xid} lsn ${r.lsn} prev ${r.prev}`, ...blocks.map((b) => theirBlock(b, detailed))];
}

function ourRecord(r: WalRecord, detailed: boolean, major: number): string[] {
  return [`${r.rmgr} ${r.recordLength}/${r.totalLength} tx ${r.xid} lsn ${r.lsn} prev ${r.prev}`, ...r.blocks.map((b) => ourBlock(b, detailed, major))];
}

/** Record lines of pg_waldump output, each with the `-b` block lines that follow it. */
interface Dumped {
  readonly record: WalRecordLine;
  readonly blockLines: BlockRef[];
}

interface Parsed {
  readonly records: Dumped[];
  /** The text of every `-b` block line. */
  readonly blockTexts: string[];
  /** Lines that are neither records nor block lines after a record. */
  readonly others: WaldumpLine[];
}

function parseOutput(stdout: string): Parsed {
  const out: Parsed = { records: [], blockTexts: [], others: [] };
  for (const text of lines(stdout)) {
    const parsed = parseWaldumpLine(text);
    const last = out.records.at(-1);
    if (parsed.kind === 'record') out.records.push({ record: parsed, blockLines: [] });
    else if (parsed.kind === 'blockRef' && last) {
      last.blockLines.push(parsed.blockRef);
      out.blockTexts.push(text);
    } else out.others.push(parsed);
  }
  return out;
}

interface Variant {
  readonly name: string;
  readonly settings: (major: number) => Record<string, string | number>;
  readonly initdbArgs: readonly string[];
  /** Block-line endings that some image must show with -b. */
  readonly imageKinds: (major: number) => string[];
}

const VARIANTS: readonly Variant[] = [
  { name: 'default settings', settings: () => ({}), initdbArgs: [], imageKinds: () => ['(FPW); hole'] },
  {
    // Compressed images (13 and 14 print no method), images kept only for checking, data
    // checksums and 1 MB segments, so records cross many segment boundaries.
    name: 'compressed and verification-only images, checksums, 1 MB segments',
    settings: (major) => ({ wal_compression: major >= 15 ? 'pglz' : 'on', wal_consistency_checking: 'heap' }),
    initdbArgs: ['--data-checksums', '--wal-segsize=1'],
    imageKinds: (major) => ['(FPW for WAL verification); hole', major >= 15 ? ', method: pglz' : 'compression saved: '],
  },
];

describe('pg_waldump 13–18 against our parser and the built-in WAL reader (e2e)', function () {
  this.timeout(600_000);

  for (const major of MAJORS) for (const variant of VARIANTS) {
    const found = waldumpFor(major);
    describe(`PostgreSQL ${major} (${variant.name}) with pg_waldump ${major}${found ? ` (${found.from})` : ''}`, () => {
      let cluster: Cluster | undefined;
      let reader: WalRecord[] = [];
      let plain: Parsed = { records: [], blockTexts: [], others: [] };
      let detailed: Parsed = { records: [], blockTexts: [], others: [] };
      let plainStderr = '';

      before(async function () {
        if (!found) skipBecause(this, `no pg_waldump ${major}: set PG_WALDUMP_${major} to one (the PGDG apt repository has postgresql-${major}; Debian 12's own has only 15)`);
        // pg_waldump reads only WAL of its own major, so a wrong program is a setup error, not a skip.
        const version = parseWaldumpVersion((await run(found.file, ['--version'])).stdout);
        assert.equal(version?.major, major, `${found.from} points at a pg_waldump of major ${version?.major ?? '?'}`);
        let inst: PgInstallation;
        try {
          inst = await installationFor(major, 'any');
        } catch (e) {
          skipBecause(this, `no PostgreSQL ${major} server: ${e instanceof Error ? e.message : String(e)}`);
        }
        cluster = await createCluster({
          installation: inst,
          settings: {
            ...WAL_WORKLOAD_SETTINGS,
            ...variant.settings(major),
          },
          initdbArgs: variant.initdbArgs,
        });
        await runWalWorkload(cluster, major);
        await cluster.stop();
        const files = walFiles(cluster);
        const first = files[0];
        const last = files.at(-1);
        assert.ok(first !== undefined && last !== undefined);
        reader = [...readWalFiles(files).records];
        const r = await run(found.file, [first, last]);
        plain = parseOutput(r.stdout);
        plainStderr = r.stderr;
        detailed = parseOutput((await run(found.file, ['-b', first, last])).stdout);
      });

      after(async () => {
        await cluster?.remove();
      });

      it('parses every line of its output as a record, and every record agrees with the built-in reader', () => {
        assert.ok(plain.records.length > 1000, `pg_waldump printed ${plain.records.length} records`);
        assert.deepEqual(plain.others.map((l) => l.line), [], 'lines that are not records');
        for (const text of lines(plainStderr)) {
          const parsed = parseWaldumpLine(text);
          assert.equal(parsed.kind, 'message', `stderr line: ${text}`);
        }
        assert.equal(reader.length, plain.records.length, 'as many records as pg_waldump printed');
        plain.records.forEach((d, i) => {
          assert.deepEqual(theirRecord(d.record, d.record.blockRefs, false), ourRecord(reader[i] as WalRecord, false, major), d.record.line);
        });
      });

      it('names every record type as pg_waldump does', () => {
        const differ = new Map<string, string>();
        plain.records.forEach((d, i) => {
          const ours = reader[i]?.type ?? '(none)';
          if (ours !== d.record.type) differ.set(`${d.record.rmgr}/${d.record.type}`, ours);
        });
        assert.deepEqual([...differ].map(([theirs, ours]) => `${theirs} is ${ours} in the built-in reader`), []);
        // The workload reached these types, so the check above covered them in this major's tables.
        const seen = new Set(plain.records.map((d) => `${d.record.rmgr}/${d.record.type}`));
        const absent = walWorkloadTypes(major).filter((t) => !seen.has(t));
        assert.deepEqual(absent, [], `types printed: ${[...seen].sort().join(' ')}`);
      });

      it('with -b, parses the block lines too, and they agree with the built-in reader (holes included)', () => {
        assert.deepEqual(detailed.others.map((l) => l.line), [], 'lines that are neither records nor block lines');
        assert.equal(detailed.records.length, reader.length);
        detailed.records.forEach((d, i) => {
          assert.equal(d.record.blockRefCount, 0, `-b puts no block reference on the record line: ${d.record.line}`);
          assert.deepEqual(theirRecord(d.record, d.blockLines, true), ourRecord(reader[i] as WalRecord, true, major), d.record.line);
        });
        for (const kind of variant.imageKinds(major)) {
          assert.ok(detailed.blockTexts.some((t) => t.includes(kind)), `some block line has "${kind}"`);
        }
      });

      it('splits the desc of records into the fields that this major prints', () => {
        let inserts = 0;
        for (const { record: r } of plain.records) {
          const fields = parseDescFields(r.line, r.descStart, r.descEnd);
          // Fields lie within the desc, in order: an editor highlights them by these offsets.
          let at = r.descStart;
          for (const f of fields) {
            assert.ok(f.keyStart >= at && f.keyEnd <= f.valueStart && f.valueStart < f.valueEnd && f.valueEnd <= r.descEnd, r.line);
            assert.equal(r.line.slice(f.valueStart, f.valueEnd), f.value, r.line);
            at = f.valueEnd;
          }
          const key = `${r.rmgr}/${r.baseType}`;
          if (key === 'Heap/INSERT') {
            // `off 7 flags 0x00` up to 15, `off: 7, flags: 0x00` from 16
            assert.equal(descField(fields, 'off')?.value, /^off:? (\d+)/.exec(r.desc)?.[1], r.line);
            inserts++;
          } else if (key === 'XLOG/CHECKPOINT_ONLINE' || key === 'XLOG/CHECKPOINT_SHUTDOWN') {
            assert.equal(descField(fields, 'redo')?.value, /^redo ([0-9A-F]+\/[0-9A-F]+);/.exec(r.desc)?.[1], r.line);
          } else if (key === 'Transaction/COMMIT') {
            assert.equal(fields[0]?.kind, 'timestamp', r.line);
          }
        }
        assert.ok(inserts > 100, `${inserts} heap inserts`);
      });

      it('has a hover description for every record type it prints, as a type of this major', () => {
        const missing = new Set<string>();
        for (const d of plain.records) {
          const hit = recordTypeInfo(d.record.rmgr, d.record.type, major);
          if (hit?.inMajor !== true) missing.add(`${d.record.rmgr}/${d.record.type}${hit ? ' (described, but not for this major)' : ''}`);
        }
        assert.deepEqual([...missing], []);
      });
    });
  }
});
