import * as assert from 'node:assert/strict';
import { commandLine, describeEnv, formatBytes, formatTime, shellQuote } from '../../../src/core/probackup/format';
import { run } from '../../../src/core/process/runner';
import { readPb } from './recorded';

describe('format helpers (core/probackup/format)', () => {
  it('prints sizes with 1024-based units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 kB');
    assert.equal(formatBytes(1536), '1.5 kB');
    assert.equal(formatBytes(16 * 1024 * 1024), '16.0 MB');
    assert.equal(formatBytes(150 * 1024 * 1024), '150 MB');
    assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TB');
    assert.equal(formatBytes(-2048), '-2.0 kB');
    assert.equal(formatBytes(undefined), '—');
    assert.equal(formatBytes(Number.NaN), '—');
  });

  it('agrees with the sizes pg_probackup printed for the same backup (lesson show.txt vs show.json)', () => {
    const json = JSON.parse(readPb('lesson/show.json')) as { backups: { id: string; 'data-bytes': number; 'wal-bytes': number }[] }[];
    const b = json[0]!.backups.find((x) => x.id === 'TP0QVU')!;
    const row = readPb('lesson/show.txt').split('\n').find((l) => l.includes('TP0QVU'))!;
    // The table prints whole megabytes: "30MB  16MB".
    const [data, wal] = [...row.matchAll(/(\d+)MB/g)].map((m) => Number(m[1]));
    for (const [bytes, printed] of [[b['data-bytes'], data!], [b['wal-bytes'], wal!]] as const) {
      const ours = /^([\d.]+) MB$/.exec(formatBytes(bytes));
      assert.ok(ours, formatBytes(bytes));
      assert.ok(Math.abs(Number(ours[1]) - printed) <= 0.5, `${formatBytes(bytes)} vs ${printed}MB`);
    }
    assert.equal(formatBytes(b['data-bytes']), '29.6 MB'); // 31001526 / 1048576 = 29.566
  });

  it('prints times in UTC the way pg_probackup does', () => {
    assert.equal(formatTime(new Date(Date.UTC(2026, 10, 24, 18, 19, 7))), '2026-11-24 18:19:07+00');
    // 21:19:07 at +03 is 18:19:07 UTC
    assert.equal(formatTime(new Date('2026-11-24T21:19:07+03:00')), '2026-11-24 18:19:07+00');
    assert.equal(formatTime(undefined), '—');
    const recorded = /"recovery-time": "([^"]+)"/.exec(readPb('lesson/show.json'))![1]!;
    assert.equal(formatTime(new Date(recorded.replace(' ', 'T').replace(/\+00$/, 'Z'))), recorded);
  });

  it('quotes only what a shell would split or expand', () => {
    assert.equal(shellQuote('/usr/bin/pg_probackup'), '/usr/bin/pg_probackup');
    assert.equal(shellQuote('--instance=main'), '--instance=main');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote('$HOME'), "'$HOME'");
  });

  it('gives a command line that bash splits back into the same argv', async () => {
    const args = ['backup', '-B', `/tmp/it's a "catalog"`, '--note=a $note `x` \\ ;|&', '', 'ünï', '*', '~'];
    const line = commandLine({ file: 'printf', args: ['%s\\0', ...args] });
    const r = await run('bash', ['-c', line]);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), args);
  });

  it('never prints the password of the environment', () => {
    const text = describeEnv({ PGPASSWORD: 's3cret', LC_ALL: 'C', GONE: undefined, PGAPPNAME: 'a b' });
    assert.equal(text, "PGPASSWORD=*** LC_ALL=C PGAPPNAME='a b'");
    assert.ok(!text.includes('s3cret'));
    assert.equal(describeEnv(undefined), '');
  });
});
