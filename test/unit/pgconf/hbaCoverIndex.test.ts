// The indexed search for shadowing lines must find exactly what comparing every earlier line
// with recordCovers finds: the same first covering line for every line of many random files
// built from tokens that overlap in every way (keywords, quoted keywords, groups, regular
// expressions, nested networks, masks with holes, host names in other case).
import * as assert from 'node:assert/strict';
import { firstCoveringRecords } from '../../../src/core/pgconf/hbaCoverIndex';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import { recordCovers } from '../../../src/core/pgconf/hbaMatch';
import type { HbaRecord } from '../../../src/core/pgconf/hbaRecord';
import { parseHbaSet } from '../../../src/core/pgconf/hbaRules';
import { pick, prng } from '../../support/prng';

const CONNTYPES = ['local', 'host', 'host', 'hostssl', 'hostnossl', 'hostgssenc'];
const DBS = ['all', 'replication', '"replication"', 'sameuser', 'samerole', 'db1', 'db2', 'db1,db2', '"all"', '/^db', 'all,replication', 'db2,sameuser'];
const ROLES = ['all', 'backup', '+backup', '+grp', 'other', '"all"', '/^b', 'backup,other', '"+backup"', 'grp'];
const ADDRS = ['all', 'samehost', 'samenet', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.3/32', '10.1.2.3/24', '10.1.2.3 255.255.0.0',
  '10.0.0.0 255.0.255.0', '10.1.0.0 255.255.0.255', '::1/128', '::/0', 'fe80::/10', 'localhost', 'LOCALHOST', '.example.com', '0.0.0.0/0', '127.0.0.1/32'];
const METHODS = ['trust', 'md5', 'reject'];

function randomFile(seed: number, lines: number): string {
  const r = prng(seed);
  let text = '';
  for (let k = 0; k < lines; k++) {
    const type = pick(r, CONNTYPES);
    const addr = type === 'local' ? '' : ` ${pick(r, ADDRS)}`;
    text += `${type} ${pick(r, DBS)} ${pick(r, ROLES)}${addr} ${pick(r, METHODS)}\n`;
  }
  return text;
}

function bruteForce(records: readonly HbaRecord[], major: number): (HbaRecord | undefined)[] {
  return records.map((later, j) => records.slice(0, j).find((earlier) => recordCovers(earlier, later, major)));
}

describe('pg_hba.conf shadowed lines, indexed', () => {
  for (const major of [15, 16]) {
    it(`finds the same first covering line as comparing every pair (PostgreSQL ${major}, 300 random files)`, async () => {
      let covered = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const set = await loadHbaText('/d/pg_hba.conf', randomFile(seed * 7919 + major, 40), { major });
        const { records } = parseHbaSet(set, major);
        const want = bruteForce(records, major).map((r) => r?.line.line);
        const got = firstCoveringRecords(records, major).map((r) => r?.line.line);
        assert.deepEqual(got, want, `seed ${seed}`);
        covered += want.filter((x) => x !== undefined).length;
      }
      // The files overlap enough that many lines are shadowed, and many are not.
      assert.ok(covered > 500, `only ${covered} shadowed lines in all`);
    });
  }
});
