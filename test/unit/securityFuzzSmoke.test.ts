// The fuzz targets of `npm run fuzz`, a few hundred inputs in all: every parser returns or
// throws its typed error on mutated real output and random text, and stays under the time limit.
// (The WAL reader target needs real segments from a cluster: test/e2e/securityFuzzWal.test.ts.)
import * as assert from 'node:assert/strict';
import { loadCorpus } from '../fuzz/corpus';
import { preview, runTarget } from '../fuzz/engine';
import { buildTargets } from '../fuzz/targets';

const RUNS_PER_TARGET = 30;
const LIMIT_MS_PER_KB = 100;
// A fixed seed per day: reproducible within a day, new inputs across days.
const SEED = Number(process.env['PGBS_FUZZ_SEED'] ?? Math.floor(Date.now() / 86_400_000));

describe('security: fuzz smoke (every parser, mutated real output and random text)', function () {
  this.timeout(60_000);
  const corpus = loadCorpus();

  it('has real inputs for every kind of output', () => {
    for (const [k, v] of Object.entries(corpus)) assert.ok((v as readonly unknown[]).length > 0, `${k} is empty`);
  });

  for (const target of buildTargets(loadCorpus())) {
    it(`${target.name}: no uncaught exception, under ${LIMIT_MS_PER_KB} ms/kB`, async () => {
      const r = await runTarget(target, { runs: RUNS_PER_TARGET, seed: SEED, limitMsPerKb: LIMIT_MS_PER_KB });
      assert.equal(r.runs, RUNS_PER_TARGET);
      assert.equal(r.uncaught, 0, r.failure ? `seed ${r.failure.seed} path ${r.failure.path ?? ''}: ${r.failure.error}\ninput: ${preview(r.failure.input)}` : '');
      assert.deepEqual(r.offenders.map((o) => `${o.msPerKb.toFixed(1)} ms/kB: ${preview(o.input)}`), []);
    });
  }
});
