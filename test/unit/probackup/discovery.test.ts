import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ProbackupBinary } from '../../../src/core/probackup/discovery';
import { majorFromName, pickForMajor, probackupCandidates, probeProbackups, versionCommand } from '../../../src/core/probackup/discovery';
import { ProbackupError } from '../../../src/core/probackup/probackupError';
import { parseProbackupVersion } from '../../../src/core/probackup/version';
import { ProcessError } from '../../../src/core/process/runner';
import { readPb } from './recorded';

describe('pg_probackup version', () => {
  it('reads the recorded Debian version line', () => {
    const v = parseProbackupVersion(readPb('archive-mode/version.txt'));
    assert.equal(v.program, '2.5.16');
    assert.deepEqual(v.programParts, [2, 5, 16]);
    assert.equal(v.server.product, 'PostgreSQL');
    assert.equal(v.server.version, '15.20');
    assert.equal(v.server.major, 15);
    assert.equal(v.server.detail, 'Debian 15.20-0+deb12u1');
  });

  it('reads the plain, Postgres Pro and old-major forms', () => {
    const plain = parseProbackupVersion('pg_probackup 2.5.16 (PostgreSQL 15.18)\n');
    assert.equal(plain.server.version, '15.18');
    assert.equal(plain.server.detail, undefined);
    const pro = parseProbackupVersion('pg_probackup 2.5.16 (Postgres Pro 16.4.1 standard)');
    assert.equal(pro.server.product, 'Postgres Pro');
    assert.equal(pro.server.major, 16);
    assert.equal(pro.server.detail, 'standard');
    assert.equal(parseProbackupVersion('pg_probackup 2.5.5 (PostgreSQL 9.6.24)').server.major, 9.6);
    assert.equal(parseProbackupVersion('pg_probackup 2.5.16 (PostgreSQL 17beta2)').server.major, 17);
  });

  it('refuses other text with a typed error', () => {
    for (const text of ['', 'v20.19.0', 'pg_waldump (PostgreSQL) 15.20', 'pg_probackup 2.5 (PostgreSQL 15)x']) {
      assert.throws(() => parseProbackupVersion(text), (e: unknown) => e instanceof ProbackupError && e.code === 'invalid-output', text);
    }
  });
});

describe('pg_probackup discovery', () => {
  const dirs: Record<string, string[]> = {
    '/usr/lib/postgresql/15/bin': ['pg_probackup', 'pg_ctl'],
    '/usr/bin': ['pg_probackup-14', 'pg_probackup-16', 'pg_probackup-16.bak', 'psql', 'pg_probackup-15'],
    '/opt/other': ['pg_probackupX'],
  };
  const listDir = (d: string): string[] => dirs[d] ?? [];
  const isExecutable = (f: string): boolean => !f.endsWith('-14'); // as if pg_probackup-14 had lost its x bit

  it('lists PATH entries named pg_probackup or pg_probackup-<major>, in PATH order', () => {
    const pathEnv = ['/usr/lib/postgresql/15/bin', 'relative/bin', '/usr/bin', '/opt/other', '/usr/bin'].join(path.delimiter);
    assert.deepEqual(probackupCandidates({ pathEnv, listDir, isExecutable }), [
      '/usr/lib/postgresql/15/bin/pg_probackup', '/usr/bin/pg_probackup-16', '/usr/bin/pg_probackup-15',
    ]);
  });

  it('takes an explicit setting as the only candidate', () => {
    assert.deepEqual(probackupCandidates({ explicitPath: '/usr/local/pgpro/bin/pg_probackup', pathEnv: '/usr/bin', listDir, isExecutable }), ['/usr/local/pgpro/bin/pg_probackup']);
    assert.deepEqual(probackupCandidates({ explicitPath: '  ', pathEnv: '/usr/bin', listDir, isExecutable }).length, 2);
  });

  it('reads the major a file name promises', () => {
    assert.equal(majorFromName('/usr/bin/pg_probackup-15'), 15);
    assert.equal(majorFromName('/usr/bin/pg_probackup'), undefined);
  });

  it('picks the binary built for a major', () => {
    const bin = (p: string, line: string): ProbackupBinary => ({ path: p, version: parseProbackupVersion(line) });
    const found = [
      bin('/a/pg_probackup', 'pg_probackup 2.5.16 (PostgreSQL 16.4)'),
      bin('/b/pg_probackup-15', readPb('archive-mode/version.txt')),
      bin('/c/pg_probackup-15', 'pg_probackup 2.5.15 (PostgreSQL 15.2)'),
    ];
    assert.equal(pickForMajor(found, 15)?.path, '/b/pg_probackup-15');
    assert.equal(pickForMajor(found, 16)?.path, '/a/pg_probackup');
    assert.equal(pickForMajor(found, 17), undefined);
  });

  it('runs --version through the runner and sorts out what is not pg_probackup', async () => {
    assert.deepEqual(versionCommand('/x/pg_probackup').args, ['--version']);
    // node is a real program that answers --version with something else.
    const res = await probeProbackups([process.execPath, '/nonexistent/pg_probackup']);
    assert.equal(res.found.length, 0);
    assert.equal(res.failed.length, 2);
    const [notPb, missing] = res.failed;
    assert.ok(notPb?.error instanceof ProbackupError && notPb.error.code === 'invalid-output');
    assert.ok(missing?.error instanceof ProcessError && missing.error.code === 'not-found');
  });
});
