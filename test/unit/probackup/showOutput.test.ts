import * as assert from 'node:assert/strict';
import { parseShowArchiveJson, parseShowConfigJson, parseShowJson } from '../../../src/core/probackup/showOutput';
import { ProbackupError } from '../../../src/core/probackup/probackupError';
import { formatProbackupTime, parseProbackupTime } from '../../../src/core/probackup/timestamp';
import { allPbFiles, readPb } from './recorded';

type Json = Record<string, unknown>;

/** The same instant through the platform's ISO parser: `2026-11-24 18:19:21+00` → `...T18:19:21+00:00`. */
function viaIso(s: string): number {
  const iso = s.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  return new Date(iso).getTime();
}

function assertProbackupError(fn: () => unknown, code: string): ProbackupError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProbackupError, `expected a ProbackupError, got ${String(e)}`);
    assert.equal(e.code, code);
    return e;
  }
  assert.fail('expected a throw');
}

const jsonFiles = allPbFiles().filter((f) => f.endsWith('.json'));

function kindOf(value: unknown): 'show' | 'archive' | 'config' {
  if (!Array.isArray(value)) return 'config';
  const first = value[0] as Json | undefined;
  return first && 'timelines' in first ? 'archive' : 'show';
}

function checkBackup(b: ReturnType<typeof parseShowJson>[number]['backups'][number], raw: Json, instance: string): void {
  assert.equal(b.id, raw['id']);
  assert.equal(b.instance, instance);
  assert.equal(b.status, raw['status']);
  assert.equal(b.mode, raw['backup-mode']);
  assert.equal(b.walMode, raw['wal']);
  assert.equal(b.parentBackupId, raw['parent-backup-id']);
  assert.equal(b.startTime.getTime(), viaIso(raw['start-time'] as string));
  for (const [key, val] of [['end-time', b.endTime], ['recovery-time', b.recoveryTime], ['expire-time', b.expireTime]] as const) {
    if (raw[key] === undefined) assert.equal(val, undefined, key);
    else assert.equal(val?.getTime(), viaIso(raw[key] as string), key);
  }
  assert.equal(b.fromReplica, raw['from-replica'] === 'true');
  assert.equal(b.dataBytes, raw['data-bytes']);
  assert.equal(b.walBytes, raw['wal-bytes']);
  assert.equal(b.uncompressedBytes, raw['uncompressed-bytes']);
  assert.equal(b.pgdataBytes, raw['pgdata-bytes']);
  assert.equal(b.startLsn, raw['start-lsn']);
  assert.equal(b.stopLsn, raw['stop-lsn']);
  assert.equal(b.timeline, raw['current-tli']);
  assert.equal(b.recoveryXid, raw['recovery-xid']);
  assert.equal(b.compressAlg, raw['compress-alg']);
  assert.equal(b.compressLevel, raw['compress-level']);
  assert.equal(b.serverVersion, raw['server-version']);
  assert.equal(b.programVersion, raw['program-version']);
  assert.equal(b.note, raw['note']);
  assert.equal(b.primaryConninfo, raw['primary_conninfo']);
  // Every key printed by the real program is mapped: nothing is left over as unknown.
  assert.deepEqual(b.extra, {}, `unmapped keys in ${b.id}`);
}

describe('pg_probackup show JSON', () => {
  it('finds the JSON fixtures', () => {
    assert.ok(jsonFiles.length >= 10, `found ${jsonFiles.length}`);
  });

  for (const file of jsonFiles) {
    it(`parses ${file}`, () => {
      const text = readPb(file);
      const raw = JSON.parse(text) as unknown;
      const kind = kindOf(raw);
      if (kind === 'config') {
        const cfg = parseShowConfigJson(text);
        const r = raw as Record<string, string>;
        assert.deepEqual(cfg.raw, r);
        assert.equal(cfg.pgdata, r['pgdata']);
        assert.equal(cfg.xlogSegSize, Number(r['xlog-seg-size']));
        assert.equal(cfg.retentionRedundancy, Number(r['retention-redundancy']));
        assert.equal(cfg.compressLevel, Number(r['compress-level']));
        return;
      }
      if (kind === 'archive') {
        const parsed = parseShowArchiveJson(text);
        const r = raw as { instance: string; timelines: Json[] }[];
        assert.equal(parsed.length, r.length);
        parsed.forEach((inst, i) => {
          const ri = r[i]!;
          assert.equal(inst.instance, ri.instance);
          assert.equal(inst.timelines.length, ri.timelines.length);
          inst.timelines.forEach((t, j) => {
            const rt = ri.timelines[j]!;
            assert.equal(t.tli, rt['tli']);
            assert.equal(t.status, rt['status']);
            assert.equal(t.minSegno, rt['min-segno']);
            assert.equal(t.maxSegno, rt['max-segno']);
            assert.equal(t.segmentCount, rt['n-segments']);
            assert.equal(t.lostSegments.length, (rt['lost-segments'] as unknown[]).length);
            assert.deepEqual(t.extra, {});
            t.backups.forEach((b, k) => checkBackup(b, (rt['backups'] as Json[])[k]!, inst.instance));
          });
        });
        return;
      }
      const parsed = parseShowJson(text);
      const r = raw as { instance: string; backups: Json[] }[];
      assert.equal(parsed.length, r.length);
      parsed.forEach((inst, i) => {
        assert.equal(inst.instance, r[i]!.instance);
        assert.equal(inst.backups.length, r[i]!.backups.length);
        inst.backups.forEach((b, k) => checkBackup(b, r[i]!.backups[k]!, inst.instance));
      });
    });
  }

  it('reads the lesson catalog into typed backups', () => {
    const [main] = parseShowJson(readPb('lesson/show2.json'));
    assert.ok(main);
    assert.equal(main.instance, 'main');
    const byId = new Map(main.backups.map((b) => [b.id, b]));
    const delta = byId.get('TP0QW8')!;
    assert.equal(delta.mode, 'DELTA');
    assert.equal(delta.parentBackupId, 'TP0QW5');
    assert.equal(delta.fromReplica, false);
    assert.equal(delta.recoveryTime?.toISOString(), '2026-11-24T18:19:21.000Z');
    const z = byId.get('TP0QW5')!;
    assert.equal(z.compressAlg, 'zlib');
    assert.equal(z.compressLevel, 6);
    const failed = byId.get('TP0QVT')!;
    assert.equal(failed.status, 'ERROR');
    assert.equal(failed.endTime?.toISOString(), '2026-11-24T18:19:05.000Z');
    assert.equal(failed.recoveryTime, undefined);
    assert.equal(failed.dataBytes, undefined);
  });

  it('keeps the note and the pin of a backup', () => {
    const [node2] = parseShowJson(readPb('archive-mode/show_after_corrupt.json'));
    const b = node2!.backups.find((x) => x.id === 'TP0QY9')!;
    assert.equal(b.note, 'before upgrade');
    assert.equal(b.expireTime?.toISOString(), '2026-12-01T18:20:34.000Z');
    assert.equal(b.status, 'ORPHAN');
  });

  it('keeps unknown keys and unknown statuses instead of failing', () => {
    const raw = JSON.parse(readPb('lesson/show2.json')) as { backups: Json[] }[];
    const b0 = raw[0]!.backups[0]!;
    b0['status'] = 'HIBERNATING';
    b0['future-key'] = { nested: [1, 2] };
    b0['from-replica'] = 'true';
    b0['tablespace_map'] = [{ oid: '16384', path: '/srv/ts1' }];
    b0['external-dirs'] = '/etc/app:/srv/x';
    const [inst] = parseShowJson(JSON.stringify(raw));
    const b = inst!.backups[0]!;
    assert.equal(b.status, 'HIBERNATING');
    assert.deepEqual(b.extra, { 'future-key': { nested: [1, 2] } });
    assert.equal(b.fromReplica, true);
    assert.deepEqual(b.tablespaceMap, [{ oid: '16384', path: '/srv/ts1' }]);
    assert.deepEqual(b.externalDirs, ['/etc/app', '/srv/x']);
  });

  it('reads times with a half-hour or negative offset', () => {
    assert.equal(parseProbackupTime('2026-11-24 23:49:21+05:30')?.toISOString(), '2026-11-24T18:19:21.000Z');
    assert.equal(parseProbackupTime('2026-11-24 15:19:21-03')?.toISOString(), '2026-11-24T18:19:21.000Z');
    assert.equal(parseProbackupTime('2026-11-24 08:49:21-09:30')?.toISOString(), '2026-11-24T18:19:21.000Z');
    assert.equal(parseProbackupTime('2026-02-30 10:00:00+00'), undefined);
    assert.equal(parseProbackupTime('2026-11-24T18:19:21Z'), undefined);
    assert.equal(parseProbackupTime('----'), undefined);
    assert.equal(formatProbackupTime(new Date('2026-11-24T18:19:21Z')), '2026-11-24 18:19:21+00');
    const raw = JSON.parse(readPb('lesson/show2.json')) as { backups: Json[] }[];
    raw[0]!.backups[0]!['recovery-time'] = '2026-11-24 23:49:21+05:30';
    const [inst] = parseShowJson(JSON.stringify(raw));
    assert.equal(inst!.backups[0]!.recoveryTime?.toISOString(), '2026-11-24T18:19:21.000Z');
  });

  it('gives a typed error for empty, non-JSON and truncated output', () => {
    assert.match(assertProbackupError(() => parseShowJson(''), 'invalid-output').message, /printed nothing/);
    assert.match(assertProbackupError(() => parseShowJson('INFO: something'), 'invalid-output').message, /not valid JSON/);
    const text = readPb('lesson/show2.json');
    const e = assertProbackupError(() => parseShowJson(text.slice(0, 1000)), 'invalid-output');
    assert.match(e.message, /cut short/);
    // Every cut of a real output is either invalid JSON or a wrong shape, never a raw SyntaxError.
    for (let cut = 1; cut < text.length - 1; cut += 37) assertProbackupError(() => parseShowJson(text.slice(0, cut)), 'invalid-output');
    assertProbackupError(() => parseShowArchiveJson(readPb('archive-mode/show_archive.json').slice(0, 2000)), 'invalid-output');
    assertProbackupError(() => parseShowConfigJson(readPb('lesson/show_config.json').slice(0, 100)), 'invalid-output');
  });

  it('says where JSON of the wrong shape is wrong', () => {
    const raw = JSON.parse(readPb('lesson/show2.json')) as { backups: Json[] }[];
    raw[0]!.backups[1]!['start-time'] = 'yesterday';
    const e = assertProbackupError(() => parseShowJson(JSON.stringify(raw)), 'invalid-output');
    assert.match(e.message, /0\.backups\.1\.start-time/);
    assertProbackupError(() => parseShowArchiveJson(readPb('lesson/show2.json')), 'invalid-output');
    assertProbackupError(() => parseShowConfigJson('[1,2]'), 'invalid-output');
  });
});
