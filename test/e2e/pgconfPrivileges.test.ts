// The backup role's privileges against real servers of each major: the check query finds
// what a fresh role lacks, the GRANT script gives exactly that, and afterwards nothing is
// missing. quoteIdent is compared with the server's quote_ident on every keyword and on
// awkward role names.
import * as assert from 'node:assert/strict';
import { buildGrantScript, buildGrantStatements, quoteIdent } from '../../src/core/postgres/grants';
import type { PrivilegeRow } from '../../src/core/postgres/privileges';
import { functionSignature, privilegeCheckQuery, readPrivilegeRows, requiredFunctions } from '../../src/core/postgres/privileges';
import { useCluster } from '../support/clusters';

const ROLES = ['backup', 'Backup User', 'we"ird', "o'neil", 'select', 'user', '1st', 'ümlaut', 'a$b'];

for (const major of [13, 14, 15, 16, 17, 18]) {
  describe(`backup role privileges on PostgreSQL ${major}`, function () {
    this.timeout(300_000);
    const handle = useCluster(major);

    it('quoteIdent agrees with quote_ident on every keyword and on awkward names', async () => {
      const words = (await handle.cluster.query<{ word: string }>('SELECT word FROM pg_get_keywords()')).map((r) => r.word);
      const names = [...words, ...ROLES, 'abc', 'ABC', 'a_b1', '_x', 'x-y', ''];
      const rows = await handle.cluster.query<{ q: string }>('SELECT quote_ident(n) AS q FROM unnest($1::text[]) WITH ORDINALITY AS t(n, o) ORDER BY o', [names]);
      const server = rows.map((r) => r.q);
      const ours = names.map(quoteIdent);
      // Quoting a word the server would leave bare is harmless (still the same identifier);
      // leaving bare one it quotes is not. Keywords added after this major may be quoted by us.
      for (const [i, n] of names.entries()) {
        if (ours[i] !== server[i]) {
          assert.equal(ours[i], `"${n}"`, `"${n}": server writes ${server[i] ?? ''}, we write ${ours[i] ?? ''}`);
          assert.equal(server[i], n);
        }
      }
      const under = names.filter((n, i) => server[i] !== n && ours[i] === n);
      assert.deepEqual(under, []);
    });

    it('finds what a fresh role lacks, grants exactly that, and then finds nothing missing', async () => {
      const c = handle.cluster;
      const required = requiredFunctions(major);
      for (const role of ROLES) {
        await c.query(`CREATE ROLE ${quoteIdent(role)} LOGIN`);
        const q = privilegeCheckQuery(role, major);
        if (/[ "']/.test(role)) assert.ok(!q.text.includes(role), 'the role name travels as a parameter, never in the SQL text');
        const before = readPrivilegeRows(await c.query<PrivilegeRow>(q.text, [...q.values]), major);
        assert.equal(before.roleExists, true);
        assert.deepEqual(before.absent, [], `every required function exists on ${major}`);
        // PUBLIC may execute some of them by default; the rest is missing.
        const publicRows = await c.query<{ sig: string; pub: boolean }>(
          "SELECT s AS sig, has_function_privilege('public', to_regprocedure(s), 'EXECUTE') AS pub FROM unnest($1::text[]) AS s",
          [required.map(functionSignature)]);
        const expectedMissing = publicRows.filter((r) => !r.pub).map((r) => r.sig);
        assert.deepEqual(before.missing.map(functionSignature), expectedMissing);
        const statements = buildGrantStatements(role, before, { stream: true });
        assert.ok(statements.includes(`ALTER ROLE ${quoteIdent(role)} WITH REPLICATION;`));
        const script = buildGrantScript(role, before, { stream: true });
        const client = await c.connect();
        try {
          await client.query(script);
        } finally {
          await client.end();
        }
        const after = readPrivilegeRows(await c.query<PrivilegeRow>(q.text, [...q.values]), major);
        assert.deepEqual(after.missing, []);
        assert.equal(after.replication, true);
        assert.deepEqual(buildGrantStatements(role, after, { stream: true }), []);
      }
    });

    it('reports a missing role as such and scripts its creation', async () => {
      const q = privilegeCheckQuery('no such role', major);
      const report = readPrivilegeRows(await handle.cluster.query<PrivilegeRow>(q.text, [...q.values]), major);
      assert.equal(report.roleExists, false);
      assert.match(buildGrantScript('no such role', report, { stream: true }), /^BEGIN;\nCREATE ROLE "no such role" WITH LOGIN REPLICATION;/);
    });
  });
}
