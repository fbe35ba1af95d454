import * as assert from 'node:assert/strict';
import { parseWaldumpLine } from '../../../src/core/waldump/recordLineParser';
import { findLsns, parseMessageLine } from '../../../src/core/waldump/waldumpMessageLine';

// Message texts follow pg_waldump's and xlogreader's format strings of 13–18.
describe('pg_waldump messages', () => {
  it('treats the ways a dump reaches the end of the WAL as information', () => {
    for (const line of [
      'pg_waldump: error: error in WAL record at 0/1B88D20: invalid record length at 0/1B89488: wanted 24, got 0',
      'pg_waldump: error: error in WAL record at 0/3000148: invalid record length at 0/3000180: expected at least 24, got 0',
      'pg_waldump: fatal: error in WAL record at 0/1B88D20: invalid record length at 0/1B89488: wanted 24, got 0',
      'pg_waldump: error: could not find a valid record after 0/3000000',
      // pg_waldump 15 reading on into a recycled segment after an XLOG SWITCH (16+ says "WAL segment").
      'pg_waldump: error: error in WAL record at 0/6CB8480: unexpected pageaddr 0/1000000 in log segment 00000001000000000000006D, offset 0',
      'pg_waldump: error: error in WAL record at 0/6CB8480: unexpected pageaddr 0/1000000 in WAL segment 00000001000000000000006D, LSN 0/6D000000, offset 0',
    ]) {
      const m = parseMessageLine(line);
      assert.ok(m, line);
      assert.equal(m.endOfWal, true, line);
      assert.equal(m.severity, 'information', line);
    }
  });

  it('keeps other errors as errors, with their level and LSNs', () => {
    const m = parseWaldumpLine('pg_waldump: error: error in WAL record at 0/1B88D20: invalid resource manager ID 88 at 0/1B89488');
    assert.equal(m.kind, 'message');
    if (m.kind !== 'message') return;
    assert.equal(m.level, 'error');
    assert.equal(m.severity, 'error');
    assert.equal(m.endOfWal, false);
    assert.deepEqual(m.lsns.map((l) => l.text), ['0/1B88D20', '0/1B89488']);
    for (const l of m.lsns) assert.equal(m.line.slice(l.start, l.end), l.text);
    const file = parseMessageLine('pg_waldump: error: could not find file "000000010000000000000009": No such file or directory');
    assert.equal(file?.severity, 'error');
    assert.equal(parseMessageLine('pg_waldump: hint: Try "pg_waldump --help" for more information.')?.severity, 'information');
    assert.equal(parseMessageLine('pg_waldump: warning: something')?.severity, 'warning');
    const info = parseMessageLine('pg_waldump: first record is after 0/3000000, at 0/3000028, skipping over 40 bytes');
    assert.equal(info?.level, 'info');
    assert.equal(parseMessageLine('pg_dump: error: x'), undefined);
  });

  it('finds LSNs as whole words only', () => {
    assert.deepEqual(findLsns('at 0/1B88D20: x 1663/5/16384 and 16/B374D848').map((l) => l.text), ['0/1B88D20', '16/B374D848']);
  });
});
