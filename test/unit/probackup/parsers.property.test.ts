// Random and mutated inputs: every parser either returns or throws its typed error, never anything else.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyLog } from '../../../src/core/probackup/errorCodes';
import { logEvents, parseLog } from '../../../src/core/probackup/logLines';
import { ProbackupError } from '../../../src/core/probackup/probackupError';
import { createProgressTracker, parseProgressLine } from '../../../src/core/probackup/progress';
import { parseShowArchiveJson, parseShowConfigJson, parseShowJson } from '../../../src/core/probackup/showOutput';
import { parseProbackupTime } from '../../../src/core/probackup/timestamp';
import { parseProbackupVersion } from '../../../src/core/probackup/version';
import { buildCatalogModel } from '../../../src/core/probackup/catalogModel';
import { readPb } from './recorded';

const RUNS = 150;

function typedOrOk(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof ProbackupError && e.code === 'invalid-output') return true;
    throw e;
  }
}

/** A real output with one mutation: a cut, a removed span, an inserted string, or a changed value. */
function mutated(text: string): fc.Arbitrary<string> {
  const n = text.length;
  return fc.oneof(
    fc.nat(n).map((i) => text.slice(0, i)),
    fc.tuple(fc.nat(n), fc.nat(40)).map(([i, k]) => text.slice(0, i) + text.slice(i + k)),
    fc.tuple(fc.nat(n), fc.string({ maxLength: 12 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(fc.nat(n), fc.constantFrom('null', '-1', '"x"', '[]', '{}', '1e309', 'true', '"2026-13-45 99:99:99+00"')).map(([i, v]) => {
      const colon = text.indexOf(': ', i);
      if (colon < 0) return text;
      const end = text.indexOf(',', colon);
      return end < 0 ? text : text.slice(0, colon + 2) + v + text.slice(end);
    }),
  );
}

describe('parsers under random input', () => {
  for (const [name, parse, file] of [
    ['show', parseShowJson, 'archive-mode/show_after_corrupt.json'],
    ['show --archive', parseShowArchiveJson, 'archive-mode/show_archive.json'],
    ['show-config', parseShowConfigJson, 'lesson/show_config.json'],
  ] as const) {
    it(`${name}: mutated real output gives a result or an invalid-output error`, () => {
      const text = readPb(file);
      fc.assert(fc.property(mutated(text), (t) => typedOrOk(() => parse(t))), { numRuns: RUNS });
    });
    it(`${name}: arbitrary JSON and text give a result or an invalid-output error`, () => {
      fc.assert(fc.property(fc.oneof(fc.json(), fc.string()), (t) => typedOrOk(() => parse(t))), { numRuns: RUNS });
    });
  }

  it('the catalog model accepts whatever show and show --archive parse to', () => {
    const show = readPb('archive-mode/show.json');
    const arch = readPb('archive-mode/show_archive.json');
    fc.assert(fc.property(mutated(show), mutated(arch), (s, a) => {
      let shows, archives;
      try {
        shows = parseShowJson(s);
        archives = parseShowArchiveJson(a);
      } catch (e) {
        if (e instanceof ProbackupError) return true;
        throw e;
      }
      buildCatalogModel(shows, archives);
      return true;
    }), { numRuns: RUNS });
  });

  it('version: any text gives a version or an invalid-output error', () => {
    const real = readPb('archive-mode/version.txt');
    fc.assert(fc.property(fc.oneof(fc.string(), mutated(real)), (t) => typedOrOk(() => parseProbackupVersion(t))), { numRuns: RUNS });
  });

  it('times: any text gives a Date or undefined', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), mutated('2026-11-24 23:49:21+05:30')), (t) => {
      const d = parseProbackupTime(t);
      return d === undefined || !Number.isNaN(d.getTime());
    }), { numRuns: RUNS });
  });

  it('log, errors and progress: any text is read without throwing, the fraction stays in 0..1 and never falls', () => {
    const real = readPb('archive-mode/err_no_server.txt') + readPb('lesson/backup_ok.txt').slice(0, 3000);
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), mutated(real).map((t) => t.slice(0, 400))), { maxLength: 20 }), (lines) => {
      const text = lines.join('\n');
      parseLog(text);
      logEvents(text);
      const c = classifyLog(text);
      assert.equal(typeof c.code, 'string');
      const tracker = createProgressTracker('merge');
      let last = 0;
      for (const l of text.split('\n')) {
        parseProgressLine(l);
        const s = tracker.push(l);
        if (s) {
          assert.ok(s.fraction >= last && s.fraction <= 1);
          last = s.fraction;
        }
      }
      return true;
    }), { numRuns: RUNS });
  });

  it('progress: random counted lines keep the fraction monotonic', () => {
    const line = fc.tuple(fc.constantFrom('Process', 'Validate', 'Restore', 'Merging', 'Delete'), fc.nat(2000), fc.integer({ min: 1, max: 2000 }))
      .map(([v, n, N]) => `INFO: Progress: (${n}/${N}). ${v} file "f"`);
    fc.assert(fc.property(fc.constantFrom('backup', 'restore', 'merge', 'validate', 'delete') , fc.array(line, { maxLength: 50 }), (cmd, lines) => {
      const t = createProgressTracker(cmd);
      let last = 0;
      for (const l of lines) {
        const s = t.push(l);
        if (s) {
          assert.ok(s.fraction >= last && s.fraction <= 1, `${s.fraction} after ${last}`);
          last = s.fraction;
        }
      }
      return true;
    }), { numRuns: RUNS });
  });
});
