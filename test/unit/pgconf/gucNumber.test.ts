// Numbers of integer and real parameters as the server reads them. Each expectation is what a
// PostgreSQL 13-18 server reported for the value (set_config() then pg_settings.setting, or
// postgres -C with the value in postgresql.conf), unless a comment names the guc.c rule or the
// glibc strtol/strtod result it comes from.
import * as assert from 'node:assert/strict';
import { cAtoi, cStrtod, cStrtol, rint } from '../../../src/core/pgconf/gucNumber';
import { checkValue, numericValue } from '../../../src/core/pgconf/gucValues';
import type { ParamFact } from '../../../src/core/pgconf/paramFacts';
import { availableMajors, paramFacts } from '../../../src/core/pgconf/paramFacts';

function fact(name: string, major = 17): ParamFact {
  const f = paramFacts(major).params.get(name);
  assert.ok(f, name);
  return f;
}

describe('numbers of integer and real parameters', () => {
  it('rounds fractions of integer parameters half to even (rint in parse_int), on every major', () => {
    for (const major of availableMajors()) {
      // Server: max_wal_senders = 0.5 gives 0 ("number of requested standby connections
      // exceeds max_wal_senders (currently 0)"), 1.5 gives 2, 2.5 gives 2.
      assert.equal(numericValue(fact('max_wal_senders', major), '0.5'), 0, `${major}`);
      assert.equal(numericValue(fact('max_wal_senders', major), '1.5'), 2);
      assert.equal(numericValue(fact('max_wal_senders', major), '2.5'), 2);
      assert.equal(numericValue(fact('max_replication_slots', major), '2.5'), 2);
      assert.equal(numericValue(fact('max_replication_slots', major), '3.5'), 4);
      assert.equal(numericValue(fact('work_mem', major), '64.5'), 64);
      assert.equal(numericValue(fact('work_mem', major), '65.5'), 66);
      assert.equal(numericValue(fact('work_mem', major), '100.5kB'), 100);
      // archive_timeout is in s: 2500ms is 2.5 s, which rint makes 2.
      assert.equal(numericValue(fact('archive_timeout', major), '2500ms'), 2);
      assert.equal(numericValue(fact('archive_timeout', major), '3500ms'), 4);
      assert.equal(numericValue(fact('statement_timeout', major), '2500us'), 2);
      assert.equal(numericValue(fact('checkpoint_timeout', major), '30500ms'), 30);
      assert.equal(numericValue(fact('log_rotation_age', major), '150s'), 2, 'min');
    }
  });

  it('rounds a fraction with a unit to the next smaller unit first (convert_to_base_unit)', () => {
    // Server: shared_buffers = '1.1GB' is 144128 pages of 8kB: 1.1 GB = 1126.4 MB -> 1126 MB.
    assert.equal(numericValue(fact('shared_buffers'), '1.1GB'), 144128);
    // 1.3 MB = 1331.2 kB -> 1331 kB = 166.375 pages -> 166.
    assert.equal(numericValue(fact('shared_buffers'), '1.3MB'), 166);
    // 0.1 GB = 102.4 MB -> 102 MB = 13056 pages (server: 13056).
    assert.equal(numericValue(fact('shared_buffers'), '0.1GB'), 13056);
    // 2.5 min = 150 s in ms; 1.0000001 s = 1000.0001 ms -> 1000.
    assert.equal(numericValue(fact('statement_timeout'), '2.5min'), 150000);
    assert.equal(numericValue(fact('statement_timeout'), '1.0000001s'), 1000);
    // Units below the base unit have no smaller unit to round to: 2049B in kB is 2.0009..., then rint.
    assert.equal(numericValue(fact('work_mem'), '2049B'), 2);
    // A real parameter is rounded to the next smaller unit only: vacuum_cost_delay (ms) =
    // 1.0005ms -> rint(1000.5) us = 1000 us (server: 1ms); us is the smallest unit, so 2.5us
    // stays 0.0025 ms (server: 2.5us).
    assert.equal(numericValue(fact('vacuum_cost_delay'), '1.0005ms'), 1);
    assert.equal(numericValue(fact('vacuum_cost_delay'), '2.5us'), 0.0025);
  });

  it('reads integers as strtol does (hex, octal, sign, blanks), then strtod after a point or an exponent', () => {
    const wm = fact('work_mem');
    assert.equal(numericValue(wm, '0x100'), 256);
    assert.equal(numericValue(wm, '010'), 8, 'leading zero: octal');
    assert.equal(numericValue(wm, '0x1.8p10'), 1536, 'strtol stops at ".", strtod reads the hex float');
    assert.equal(numericValue(wm, '1e3'), 1000);
    assert.equal(numericValue(wm, ' 64'), 64);
    assert.equal(numericValue(wm, '64 '), 64);
    assert.equal(numericValue(wm, '1 GB'), 1048576);
    assert.equal(numericValue(wm, '1\tGB'), 1048576);
    assert.equal(numericValue(wm, '+64'), 64);
    assert.equal(numericValue(wm, '.5MB'), 512);
    assert.equal(numericValue(wm, '5.MB'), 5120);
    // Refused by the server: "08" (strtol reads "0", then "8" is no unit), "0x", a unit
    // spelled in another case, one longer than 3 characters, a non-breaking space, a
    // full-width digit, " .5MB" (strtol reads nothing and stops at the blank), 1e400 (ERANGE).
    for (const bad of ['08', '0x', '64kb', '1Mb', '1 MBy', '1\u00a0GB', '１', ' .5MB', '1e400', 'inf', 'nan', '1_000', '1 kB x']) {
      assert.notEqual(checkValue(wm, bad), undefined, JSON.stringify(bad));
    }
    assert.equal(checkValue(wm, '99999999999999999999')?.kind, 'bad-number', 'beyond a 32-bit int: "Value exceeds integer range."');
    assert.equal(checkValue(wm, '1 kB')?.kind, 'out-of-range');
  });

  it('reads reals with strtod only: decimal octal-looking, hex, infinities, and no underflow', () => {
    const rpc = fact('random_page_cost');
    assert.equal(numericValue(rpc, '010'), 10);
    assert.equal(numericValue(rpc, '0x10'), 16);
    assert.equal(numericValue(rpc, '0x1p2'), 4);
    assert.equal(numericValue(rpc, '1e308'), 1e308);
    assert.equal(checkValue(rpc, 'inf')?.kind, 'out-of-range', 'infinity parses, then fails the range');
    for (const bad of ['1e-310', '1e-400', '1e309', 'nan', 'NaN', '4x', '0x', '1_0']) assert.equal(checkValue(rpc, bad)?.kind, 'bad-number', bad);
    assert.equal(numericValue(fact('vacuum_cost_delay'), '0x2'), 2);
  });

  it('ports strtol, strtod, atoi and rint of glibc', () => {
    // Values printed by a C program linked with glibc.
    assert.deepEqual(cStrtol('0xg'), { value: 0, big: 0n, end: 1, erange: false });
    assert.deepEqual(cStrtol('99999999999999999999'), { value: Number(9223372036854775807n), big: 9223372036854775807n, end: 20, erange: true });
    assert.deepEqual(cStrtol('+ 1'), { value: 0, big: 0n, end: 0, erange: false });
    assert.deepEqual(cStrtod('0x.8'), { value: 0.5, end: 4, erange: false });
    assert.deepEqual(cStrtod('0x1p'), { value: 1, end: 3, erange: false });
    assert.deepEqual(cStrtod('1e+'), { value: 1, end: 1, erange: false });
    assert.deepEqual(cStrtod('infinit'), { value: Infinity, end: 3, erange: false });
    assert.equal(cStrtod('nan(abc)').end, 8);
    assert.deepEqual(cStrtod('0x1p-1074'), { value: 5e-324, end: 9, erange: false }, 'an exact subnormal is no underflow');
    assert.equal(cStrtod('4.9406564584124654e-324').erange, true);
    assert.equal(cStrtod('0e-400').erange, false);
    assert.equal(cAtoi('4294967296'), 0);
    assert.equal(cAtoi('99999999999999999999'), -1);
    assert.equal(cAtoi(' +12'), 12);
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(rint), [0, 2, 2, -0, -2, -2, 2, 3]);
  });
});
