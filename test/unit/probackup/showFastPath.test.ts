// The one-pass reader of show / show --archive must give what the schema gives, and must hand
// back to the schema (undefined) whatever the schema would refuse.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { backupFromRaw, timelineFromRaw } from '../../../src/core/probackup/backup';
import { fastShow, fastShowArchive } from '../../../src/core/probackup/showFastPath';
import { rawShowArchiveSchema, rawShowSchema } from '../../../src/core/probackup/showSchema';
import { parseProbackupTime } from '../../../src/core/probackup/timestamp';
import { allPbFiles, readPb } from './recorded';

function viaSchemaShow(json: unknown): unknown {
  const r = rawShowSchema.safeParse(json);
  return r.success ? r.data.map((i) => ({ instance: i.instance, backups: i.backups.map((b) => backupFromRaw(i.instance, b)) })) : undefined;
}

function viaSchemaArchive(json: unknown): unknown {
  const r = rawShowArchiveSchema.safeParse(json);
  return r.success ? r.data.map((i) => ({ instance: i.instance, timelines: i.timelines.map((t) => timelineFromRaw(i.instance, t)) })) : undefined;
}

const showFiles = allPbFiles().filter((f) => /(^|\/)show(?!_archive|_config)[^/]*\.json$/.test(f));
const archiveFiles = allPbFiles().filter((f) => /(^|\/)show_archive[^/]*\.json$/.test(f));

/** Values of the kinds a broken or newer pg_probackup might print in place of a field. */
const oddValue = fc.oneof(
  fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer(), fc.double(), fc.constant(-1), fc.constant(2 ** 60),
  fc.string(), fc.constant(''), fc.constant('true'), fc.constant('0/0'), fc.constant('2026-02-31 00:00:00+00'),
  fc.constant('2026-11-24 18:19:07+00'), fc.constant('2026-11-24 18:19:07+05:30'), fc.constant('000000010000000000000001'),
  fc.constant([]), fc.constant({}), fc.constant([{ oid: '1', path: '/x' }]), fc.constant([{ 'begin-segno': 'x' }]),
);

/** A copy of json with the value at one random place (object key or array index, any depth) replaced or removed. */
function mutateAt(json: unknown, pick: number, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(json) as unknown;
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => { slots.push({ parent: v, key: i }); walk(x); });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { slots.push({ parent: v as Record<string, unknown>, key: k }); walk(x); }
  };
  walk(copy);
  const slot = slots[pick % Math.max(1, slots.length)];
  if (!slot) return copy;
  if (remove && !Array.isArray(slot.parent)) delete (slot.parent as Record<string, unknown>)[slot.key as string];
  else (slot.parent as Record<string | number, unknown>)[slot.key] = value;
  return copy;
}

describe('show JSON fast path', () => {
  it('finds the recorded show and show --archive outputs', () => {
    assert.ok(showFiles.length >= 8, showFiles.join());
    assert.ok(archiveFiles.length >= 2, archiveFiles.join());
  });

  it('gives exactly what the schema gives on every recorded output', () => {
    for (const f of showFiles) {
      const json = JSON.parse(readPb(f)) as unknown;
      const fast = fastShow(json);
      assert.ok(fast, `${f}: the fast path refused a real output`);
      assert.deepEqual(fast, viaSchemaShow(json), f);
    }
    for (const f of archiveFiles) {
      const json = JSON.parse(readPb(f)) as unknown;
      const fast = fastShowArchive(json);
      assert.ok(fast, `${f}: the fast path refused a real output`);
      assert.deepEqual(fast, viaSchemaArchive(json), f);
    }
  });

  it('on a mutated output, agrees with the schema or hands it back', () => {
    const shows = showFiles.map((f) => JSON.parse(readPb(f)) as unknown);
    const archives = archiveFiles.map((f) => JSON.parse(readPb(f)) as unknown);
    fc.assert(fc.property(fc.nat(), fc.nat(), oddValue, fc.boolean(), (which, pick, value, remove) => {
      const s = mutateAt(shows[which % shows.length], pick, value, remove);
      const schemaShow = viaSchemaShow(s);
      const fastS = fastShow(s);
      if (schemaShow === undefined) assert.equal(fastS, undefined, 'fast accepted what the schema refuses');
      else if (fastS !== undefined) assert.deepEqual(fastS, schemaShow);
      const a = mutateAt(archives[which % archives.length], pick, value, remove);
      const schemaArchive = viaSchemaArchive(a);
      const fastA = fastShowArchive(a);
      if (schemaArchive === undefined) assert.equal(fastA, undefined, 'fast accepted what the schema refuses');
      else if (fastA !== undefined) assert.deepEqual(fastA, schemaArchive);
    }), { numRuns: 300 });
  });

  it('refuses what is not a list of instances', () => {
    for (const v of [null, {}, 'x', 1, [1], [{ instance: 'main' }], [{ instance: 1, backups: [] }]]) {
      assert.equal(fastShow(v), undefined, JSON.stringify(v));
      assert.equal(fastShowArchive(v), undefined, JSON.stringify(v));
    }
  });

  it('reads a UTC time the same as the general form with an explicit +00:00 offset', () => {
    fc.assert(fc.property(fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), (d) => {
      const iso = d.toISOString();
      const short = `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00`;
      const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
      assert.equal(parseProbackupTime(short)?.getTime(), whole.getTime());
      assert.equal(parseProbackupTime(`${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`)?.getTime(), whole.getTime());
    }), { numRuns: 300 });
    for (const bad of ['2026-02-30 10:00:00+00', '2026-13-01 10:00:00+00', '2026-11-24 24:00:00+00', '2026-11-24 10:60:00+00', '2026-11-24T10:00:00+00', '2026-11-2a 10:00:00+00']) {
      assert.equal(parseProbackupTime(bad), undefined, bad);
    }
  });
});
