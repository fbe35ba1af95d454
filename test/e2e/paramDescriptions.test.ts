// The parameter descriptions bundled with the facts against pg_settings of real servers, one
// per major (Debian's binaries where installed, else the embedded packages, as the generator
// uses): every parameter the server lists has the server's category, short_desc and
// extra_desc, on servers of exactly the version the data came from.
import * as assert from 'node:assert/strict';
import { paramFacts } from '../../src/core/pgconf/paramFacts';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

interface SettingText { name: string; category: string; short_desc: string | null; extra_desc: string | null }

for (const major of [13, 14, 15, 16, 17, 18]) {
  describe(`parameter descriptions of PostgreSQL ${major}`, function () {
    this.timeout(60_000);
    const handle = useCluster(major);

    it('equal the category, short_desc and extra_desc of pg_settings', async function () {
      const facts = paramFacts(major);
      const version = (await handle.cluster.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v.split(' ')[0];
      // Another minor release may word a parameter differently; the data names its own.
      if (version !== facts.sourceVersion) skipBecause(this, `the server is ${version ?? '?'}, the facts are from ${facts.sourceVersion} (another minor may word a parameter differently)`);
      const rows = await handle.cluster.query<SettingText>('SELECT name, category, short_desc, extra_desc FROM pg_settings');
      assert.ok(rows.length > 300, `${rows.length} settings`);
      const seen = new Set<string>();
      for (const r of rows) {
        const p = facts.params.get(r.name.toLowerCase());
        assert.ok(p, `${r.name} is in the facts of ${major}`);
        assert.deepEqual(
          { category: p.category, short: p.shortDesc, extra: p.extraDesc },
          { category: r.category, short: r.short_desc ?? '', extra: r.extra_desc === '' ? null : r.extra_desc },
          `${major} ${r.name}`);
        seen.add(p.name);
      }
      assert.equal(seen.size, facts.params.size, 'the facts list no parameter the server lacks');
    });
  });
}
