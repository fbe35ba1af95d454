// Which pg_probackup runs for an instance of a given major. The locator tests use the real
// binary named by PG_PROBACKUP through symbolic links with other names (a misnamed or a
// versioned install), and are skipped without it.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nameMajorMismatch, pickForMajor, versionCommand } from '../../../src/core/probackup/discovery';
import type { ProbackupBinary } from '../../../src/core/probackup/discovery';
import { ProbackupLocator, majorOf } from '../../../src/core/probackup/probackupLocator';
import { parseProbackupVersion } from '../../../src/core/probackup/version';
import { runInvocation } from '../../../src/core/process/runner';
import { skipBecause } from '../../support/skip';
import { readPb } from './recorded';

const bin = (p: string, line: string): ProbackupBinary => ({ path: p, version: parseProbackupVersion(line) });

describe('pg_probackup per major', () => {
  it('prefers the binary named for the major over a plain one built for the same major', () => {
    const recorded15 = readPb('archive-mode/version.txt'); // pg_probackup 2.5.16 (PostgreSQL 15.x)
    const found = [bin('/a/pg_probackup', recorded15), bin('/b/pg_probackup-16', 'pg_probackup 2.5.16 (PostgreSQL 16.4)'), bin('/b/pg_probackup-15', recorded15)];
    assert.equal(pickForMajor(found, 15)?.path, '/b/pg_probackup-15');
    assert.equal(pickForMajor(found, 16)?.path, '/b/pg_probackup-16');
    assert.equal(pickForMajor([found[0]!], 15)?.path, '/a/pg_probackup', 'a plain one when nothing is named for 15');
    assert.equal(pickForMajor(found, 14), undefined);
  });

  it('never takes a binary for another major because of its name', () => {
    const misnamed = bin('/x/pg_probackup-16', readPb('archive-mode/version.txt'));
    assert.equal(pickForMajor([misnamed], 16), undefined);
    assert.equal(pickForMajor([misnamed], 15)?.path, '/x/pg_probackup-16');
    assert.match(nameMajorMismatch(misnamed) ?? '', /named for PostgreSQL 16 but reports PostgreSQL 15/);
    assert.equal(nameMajorMismatch(bin('/x/pg_probackup', readPb('archive-mode/version.txt'))), undefined);
    assert.equal(nameMajorMismatch(bin('/x/pg_probackup-15', readPb('archive-mode/version.txt'))), undefined);
  });

  it('reads the major of a server-version field', () => {
    assert.equal(majorOf('15'), 15);
    assert.equal(majorOf('15.4'), 15);
    assert.equal(majorOf('9.6'), 9.6);
    assert.equal(majorOf('9.6.24'), 9.6);
    assert.equal(majorOf('banana'), undefined);
    assert.equal(majorOf(undefined), undefined);
  });

  it('with nothing on PATH and no setting, says so and names the setting', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'pgbs-nopb-'));
    try {
      const pick = await new ProbackupLocator(() => undefined, () => empty).pick(15);
      assert.equal(pick.ok, false);
      assert.ok(!pick.ok && pick.reason === 'none' && /pgBackupStudio\.probackup\.path/.test(pick.message), JSON.stringify(pick));
      const wrong = await new ProbackupLocator(() => path.join(empty, 'pg_probackup')).pick(15);
      assert.ok(!wrong.ok && wrong.reason === 'none' && wrong.message.includes(path.join(empty, 'pg_probackup')), JSON.stringify(wrong));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe('with the real binary (PG_PROBACKUP)', () => {
    const real = process.env['PG_PROBACKUP'];
    let dir: string;
    let major: number;

    before(async function () {
      if (!real) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup binary');
      major = (await runInvocation(versionCommand(real))).server.major;
      dir = mkdtempSync(path.join(os.tmpdir(), 'pgbs-pbmajor-'));
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('refuses an instance of another major, saying which majors it has', async () => {
      const d = path.join(dir, 'only');
      mkdirSync(d);
      symlinkSync(real!, path.join(d, 'pg_probackup'));
      const other = major + 1;
      const pick = await new ProbackupLocator(() => undefined, () => d).pick(other);
      assert.ok(!pick.ok && pick.reason === 'wrong-major', JSON.stringify(pick));
      assert.ok(!pick.ok && pick.message.includes(`PostgreSQL ${other}`) && pick.message.includes(`(PostgreSQL ${major})`), pick.ok ? '' : pick.message);
    });

    it('prefers pg_probackup-<major> found later on PATH over a plain pg_probackup', async () => {
      const a = path.join(dir, 'a');
      const b = path.join(dir, 'b');
      mkdirSync(a);
      mkdirSync(b);
      symlinkSync(real!, path.join(a, 'pg_probackup'));
      symlinkSync(real!, path.join(b, `pg_probackup-${major}`));
      const pick = await new ProbackupLocator(() => undefined, () => [a, b].join(path.delimiter)).pick(major);
      assert.ok(pick.ok, JSON.stringify(pick));
      assert.equal(pick.ok && pick.binary.path, path.join(b, `pg_probackup-${major}`));
      assert.equal(pick.ok && pick.warning, undefined);
    });

    it('uses a binary named for another major only for the major it reports, with a warning', async () => {
      const d = path.join(dir, 'misnamed');
      mkdirSync(d);
      symlinkSync(real!, path.join(d, `pg_probackup-${major + 1}`));
      const loc = new ProbackupLocator(() => undefined, () => d);
      const named = await loc.pick(major + 1);
      assert.ok(!named.ok && named.reason === 'wrong-major', JSON.stringify(named));
      const fit = await loc.pick(major);
      assert.ok(fit.ok, JSON.stringify(fit));
      assert.match(fit.ok ? fit.warning ?? '' : '', new RegExp(`named for PostgreSQL ${major + 1} but reports PostgreSQL ${major}`));
    });
  });
});
