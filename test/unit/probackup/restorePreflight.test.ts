import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSystemIdentifier, restorePreflight } from '../../../src/core/probackup/restorePreflight';

/** A pg_control whose first 8 bytes are this system identifier, little-endian (PostgreSQL's layout on x86). */
function writePgData(dir: string, systemId: bigint): void {
  mkdirSync(path.join(dir, 'global'), { recursive: true });
  const control = Buffer.alloc(8192);
  control.writeBigUInt64LE(systemId, 0);
  writeFileSync(path.join(dir, 'global', 'pg_control'), control);
  writeFileSync(path.join(dir, 'PG_VERSION'), '15\n');
}

describe('restore pre-flight on real directories', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-preflight-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('a missing or empty directory is a plain restore', () => {
    assert.deepEqual(restorePreflight(path.join(tmp, 'new'), '7441'), { kind: 'empty' });
    mkdirSync(path.join(tmp, 'empty'));
    assert.deepEqual(restorePreflight(path.join(tmp, 'empty'), '7441'), { kind: 'empty' });
  });

  it('a file is not a target', () => {
    writeFileSync(path.join(tmp, 'f'), 'x');
    const r = restorePreflight(path.join(tmp, 'f'), undefined);
    assert.equal(r.kind, 'unusable');
  });

  it('a non-empty directory is refused, naming what is in it', () => {
    const d = path.join(tmp, 'junk');
    mkdirSync(d);
    for (const n of ['a.txt', 'b.txt']) writeFileSync(path.join(d, n), '');
    const r = restorePreflight(d, '7441');
    assert.equal(r.kind, 'not-empty');
    assert.ok(r.kind === 'not-empty' && r.reason.includes('a.txt') && r.reason.includes('b.txt') && r.reason.includes('2 entries'), JSON.stringify(r));
  });

  it('the data directory of another cluster is refused with both system identifiers', () => {
    const d = path.join(tmp, 'other');
    writePgData(d, 7441000000000000001n);
    assert.equal(readSystemIdentifier(d), '7441000000000000001');
    const r = restorePreflight(d, '7441000000000000002');
    assert.equal(r.kind, 'not-empty');
    assert.ok(r.kind === 'not-empty' && r.reason.includes('7441000000000000001') && r.reason.includes('7441000000000000002'), JSON.stringify(r));
  });

  it('an older copy of the same instance allows an incremental restore', () => {
    const d = path.join(tmp, 'same');
    writePgData(d, 7441000000000000002n);
    assert.deepEqual(restorePreflight(d, '7441000000000000002'), { kind: 'same-instance', systemIdentifier: '7441000000000000002' });
  });

  it('a directory whose postmaster.pid names a live process is refused as running, even of the same instance', () => {
    const d = path.join(tmp, 'live');
    writePgData(d, 7441000000000000002n);
    writeFileSync(path.join(d, 'postmaster.pid'), `${process.pid}\n${d}\n`);
    assert.deepEqual(restorePreflight(d, '7441000000000000002'), { kind: 'running', pid: process.pid });
  });

  it('a postmaster.pid left by a process that has exited is not a running server', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    const d = path.join(tmp, 'stale');
    writePgData(d, 7441000000000000002n);
    writeFileSync(path.join(d, 'postmaster.pid'), `${pid}\n`);
    assert.equal(restorePreflight(d, '7441000000000000002').kind, 'same-instance');
  });

  it('a short pg_control gives no system identifier', () => {
    const d = path.join(tmp, 'short');
    mkdirSync(path.join(d, 'global'), { recursive: true });
    writeFileSync(path.join(d, 'global', 'pg_control'), Buffer.alloc(4));
    writeFileSync(path.join(d, 'PG_VERSION'), '15\n');
    assert.equal(readSystemIdentifier(d), undefined);
    assert.equal(restorePreflight(d, '1').kind, 'not-empty');
  });
});
