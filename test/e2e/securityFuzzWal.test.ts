// The fuzz targets that need a live cluster, a few dozen inputs each: the built-in WAL reader on
// mutated real segments (1 MB segments written by PostgreSQL 15 just now; some mutations keep
// the record checksum right, so the decoder sees them), and postgresql.conf / pg_hba.conf as
// initdb wrote them, mutated.
import * as assert from 'node:assert/strict';
import { loadCorpus } from '../fuzz/corpus';
import { preview, runTarget } from '../fuzz/engine';
import { buildTargets } from '../fuzz/targets';
import { clusterInputs } from '../fuzz/walSegments';
import type { ClusterInputs } from '../fuzz/walSegments';
import { useCluster } from '../support/clusters';

describe('security: fuzz smoke on real WAL and configuration files (e2e)', function () {
  this.timeout(180_000);
  const handle = useCluster(15, { initdbArgs: ['--wal-segsize=1'] });
  let inputs: ClusterInputs;

  before(async () => {
    inputs = await clusterInputs(handle.cluster);
  });

  it('the cluster gave completed segments and its config files', () => {
    assert.ok(inputs.walSegments.length >= 2, `${inputs.walSegments.length} segments`);
    for (const s of inputs.walSegments) assert.equal(s.length, 1024 * 1024);
    assert.match(inputs.confTexts[0] ?? '', /max_connections/);
    assert.match(inputs.hbaTexts[0] ?? '', /^local\s+all/m);
  });

  for (const [name, runs] of [['WAL reader', 60], ['postgresql.conf', 100], ['pg_hba.conf', 100], ['readiness', 60]] as const) {
    it(`${name}: no uncaught exception, under 100 ms/kB`, async () => {
      const targets = buildTargets(loadCorpus(), inputs).filter((t) => t.name.startsWith(name));
      assert.ok(targets.length > 0);
      for (const t of targets) {
        const r = await runTarget(t, { runs, seed: Math.floor(Date.now() / 86_400_000), limitMsPerKb: 100 });
        assert.equal(r.uncaught, 0, r.failure ? `seed ${r.failure.seed} path ${r.failure.path ?? ''}: ${r.failure.error}\ninput: ${preview(r.failure.input)}` : '');
        assert.deepEqual(r.offenders.map((o) => `${o.msPerKb.toFixed(1)} ms/kB: ${preview(o.input)}`), []);
      }
    });
  }
});
