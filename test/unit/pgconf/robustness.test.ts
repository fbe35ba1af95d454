// Random text never makes the tokenizers or rules throw, and they stay fast.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { overlayConfReader } from '../../../src/core/pgconf/confReaders';
import { checkConf } from '../../../src/core/pgconf/confRules';
import { loadConfTree } from '../../../src/core/pgconf/confTree';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import { checkHba } from '../../../src/core/pgconf/hbaRules';

const pieces = ['=', "'", "''", '\\', '"', '""', '#', ',', '@', '+', '/', ' ', '\t', '\n', '\r\n', '\\\n', 'include', 'include_dir',
  'host', 'local', 'all', 'replication', '127.0.0.1/32', '::1', 'md5', 'trust', 'wal_level', 'minimal', '64MB', '0x', '1e5', '.', 'é', '😀'];
const text = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.array(fc.constantFrom(...pieces), { maxLength: 120 }).map((a) => a.join('')),
);

describe('robustness', () => {
  it('postgresql.conf: any text parses and checks without throwing, quickly', async () => {
    await fc.assert(fc.asyncProperty(text, async (t) => {
      const start = performance.now();
      const tree = await loadConfTree(overlayConfReader(new Map([['/d/postgresql.conf', t], ['/d/x.conf', t]])), '/d/postgresql.conf');
      checkConf(tree, { major: 16, walMode: 'archive', ptrack: true, catalog: '/c', instance: 'i', probackupPath: '/p' });
      assert.ok(performance.now() - start < 200);
    }), { numRuns: 300 });
  });

  it('pg_hba.conf: any text parses and checks without throwing, quickly', async () => {
    await fc.assert(fc.asyncProperty(text, fc.constantFrom(13, 15, 16, 17), async (t, major) => {
      const start = performance.now();
      const set = await loadHbaText('/d/pg_hba.conf', t, { major });
      checkHba(set, { major, backupRole: 'backup', clientAddress: '127.0.0.1', backupDatabase: 'postgres', ssl: false });
      assert.ok(performance.now() - start < 200);
    }), { numRuns: 300 });
  });

  it('a large file stays fast', async () => {
    const big = Array.from({ length: 20000 }, (_, i) => `param_${i % 50} = '${i}' # c\nhost all u${i} 10.${i % 256}.0.0/16 md5`).join('\n');
    const start = performance.now();
    await loadConfTree(overlayConfReader(new Map([['/d/postgresql.conf', big]])), '/d/postgresql.conf');
    const set = await loadHbaText('/d/pg_hba.conf', big.split('\n').filter((l) => l.startsWith('host')).slice(0, 2000).join('\n'));
    checkHba(set, { major: 17 });
    const ms = performance.now() - start;
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  });
});
