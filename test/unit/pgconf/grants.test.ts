import * as assert from 'node:assert/strict';
import { buildGrantScript, buildGrantStatements, quoteIdent } from '../../../src/core/postgres/grants';
import { functionSignature, privilegeCheckQuery, readPrivilegeRows, requiredFunctions } from '../../../src/core/postgres/privileges';
import type { PrivilegeRow } from '../../../src/core/postgres/privileges';

describe('backup role privileges and GRANT script', () => {
  it('names the backup functions of each major as pg_probackup documents them', () => {
    const sigs = (m: number): string[] => requiredFunctions(m).map(functionSignature);
    assert.ok(sigs(14).includes('pg_catalog.pg_start_backup(text, boolean, boolean)'));
    assert.ok(sigs(14).includes('pg_catalog.pg_stop_backup(boolean, boolean)'));
    assert.ok(!sigs(14).some((s) => s.includes('pg_backup_start')));
    assert.ok(sigs(15).includes('pg_catalog.pg_backup_start(text, boolean)'));
    assert.ok(sigs(15).includes('pg_catalog.pg_backup_stop(boolean)'));
    assert.ok(!sigs(17).some((s) => s.includes('pg_start_backup')));
    for (const m of [13, 15, 18]) assert.equal(sigs(m).length, 12);
    assert.ok(sigs(15).includes('pg_catalog.txid_snapshot_xmax(txid_snapshot)'));
  });

  it('checks with parameters only', () => {
    const q = privilegeCheckQuery("x'; DROP ROLE postgres; --", 15);
    assert.ok(!q.text.includes('DROP'));
    assert.match(q.text, /\$1/);
    assert.match(q.text, /\$2/);
    assert.equal(q.values[0], "x'; DROP ROLE postgres; --");
  });

  it('quotes identifiers as quote_ident does', () => {
    assert.equal(quoteIdent('backup'), 'backup');
    assert.equal(quoteIdent('Backup'), '"Backup"');
    assert.equal(quoteIdent('backup user'), '"backup user"');
    assert.equal(quoteIdent('we"ird'), '"we""ird"');
    assert.equal(quoteIdent('user'), '"user"');
    assert.equal(quoteIdent('1st'), '"1st"');
    assert.equal(quoteIdent('_b1'), '_b1');
  });

  it('grants exactly what is missing', () => {
    const rows: PrivilegeRow[] = requiredFunctions(15).map((f, i) => ({
      signature: functionSignature(f), present: true, allowed: i !== 3 && i !== 4,
      superuser: false, replication: false, login: true, catalog_usage: true,
    }));
    const report = readPrivilegeRows(rows, 15);
    assert.deepEqual(buildGrantStatements('Backup', report, { stream: true }), [
      'ALTER ROLE "Backup" WITH REPLICATION;',
      'GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_start(text, boolean) TO "Backup";',
      'GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_stop(boolean) TO "Backup";',
    ]);
    assert.deepEqual(buildGrantStatements('Backup', report, { stream: false }).length, 2);
    assert.equal(buildGrantScript('b', { ...report, missing: [], replication: true }, { stream: true }), '');
  });
});
