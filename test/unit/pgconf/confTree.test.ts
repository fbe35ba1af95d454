import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsConfReader, overlayConfReader } from '../../../src/core/pgconf/confReaders';
import { loadConfTree } from '../../../src/core/pgconf/confTree';
import type { ConfTree } from '../../../src/core/pgconf/confTree';

const MAIN = '/srv/pg/data/postgresql.conf';

function load(files: Record<string, string>, main = MAIN, options = {}): Promise<ConfTree> {
  return loadConfTree(overlayConfReader(new Map(Object.entries(files))), main, options);
}
const order = (t: ConfTree): string[] => t.settings.map((s) => `${s.name}=${s.value}`);
const codes = (t: ConfTree): string[] => t.findings.map((f) => f.code);

describe('postgresql.conf includes', () => {
  it('reads an include where it stands, relative to the including file', async () => {
    const t = await load({
      [MAIN]: "a = 1\ninclude 'conf/x.conf'\nc = 3\n",
      '/srv/pg/data/conf/x.conf': "b = 2\ninclude 'y.conf'\n",
      '/srv/pg/data/conf/y.conf': 'b2 = 22\n',
    });
    assert.deepEqual(order(t), ['a=1', 'b=2', 'b2=22', 'c=3']);
    assert.equal(t.settings[2]?.file, '/srv/pg/data/conf/y.conf');
    assert.equal(t.settings[2]?.line, 0);
  });

  it('takes absolute include paths as they are', async () => {
    const t = await load({ [MAIN]: "include '/etc/extra.conf'\n", '/etc/extra.conf': 'x = 1\n' });
    assert.deepEqual(order(t), ['x=1']);
  });

  it('reports a missing include as an error on the directive value, and goes on', async () => {
    const t = await load({ [MAIN]: "include 'nope.conf'\nz = 1\n" });
    assert.deepEqual(order(t), ['z=1']);
    const f = t.findings[0];
    assert.equal(f?.code, 'pgconf/include');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /\/srv\/pg\/data\/nope\.conf/);
    assert.deepEqual(f?.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 19 } });
  });

  it('skips a missing include_if_exists without an error', async () => {
    const t = await load({ [MAIN]: "include_if_exists 'nope.conf'\nz = 1\n" });
    assert.deepEqual(order(t), ['z=1']);
    assert.ok(t.findings.every((f) => f.severity !== 'error'));
  });

  it('reads an include_dir: only *.conf not starting with a dot, directories skipped, byte order of names', async () => {
    const dir = '/srv/pg/data/conf.d';
    const t = await load({
      [MAIN]: "include_dir 'conf.d'\n",
      [`${dir}/10.conf`]: 'ten = 1\n',
      [`${dir}/2.conf`]: 'two = 1\n',
      [`${dir}/01.conf`]: 'one = 1\n',
      [`${dir}/B.conf`]: 'upper_b = 1\n',
      [`${dir}/a.conf`]: 'lower_a = 1\n',
      [`${dir}/.hidden.conf`]: 'hidden = 1\n',
      [`${dir}/.conf`]: 'dotconf = 1\n',
      [`${dir}/notes.txt`]: 'txt = 1\n',
      [`${dir}/x.conf.bak`]: 'bak = 1\n',
      [`${dir}/sub.conf/inner.conf`]: 'inner = 1\n',
    });
    assert.deepEqual(order(t), ['one=1', 'ten=1', 'two=1', 'upper_b=1', 'lower_a=1']);
  });

  it('reports a missing include_dir and an empty include name', async () => {
    const t = await load({ [MAIN]: "include_dir 'gone'\ninclude ''\n" });
    assert.deepEqual(codes(t), ['pgconf/include', 'pgconf/include']);
    assert.match(t.findings[1]?.message ?? '', /empty configuration file name/);
  });

  it('stops at nesting depth 10: the 11th nested include fails', async () => {
    const files: Record<string, string> = { [MAIN]: "include 'n1.conf'\n" };
    for (let i = 1; i <= 11; i++) files[`/srv/pg/data/n${i}.conf`] = `v${i} = ${i}\n${i < 11 ? `include 'n${i + 1}.conf'\n` : ''}`;
    const t = await load(files);
    // depth 0 is the main file; n1..n10 are depths 1..10 and are read; n11 is depth 11.
    assert.deepEqual(order(t), Array.from({ length: 10 }, (_, i) => `v${i + 1}=${i + 1}`));
    assert.match(t.findings[0]?.message ?? '', /maximum nesting depth exceeded/);
  });

  it('detects an include cycle instead of recursing', async () => {
    const t = await load({ [MAIN]: "include 'a.conf'\n", '/srv/pg/data/a.conf': "x = 1\ninclude 'b.conf'\n", '/srv/pg/data/b.conf': "include 'a.conf'\n" });
    assert.deepEqual(order(t), ['x=1']);
    assert.deepEqual(codes(t), ['pgconf/include-cycle']);
  });

  it('lets later settings override earlier ones (names compared without case) and reads postgresql.auto.conf last', async () => {
    const t = await load({
      [MAIN]: "Work_Mem = 4MB\ninclude 'late.conf'\nwal_level = minimal\n",
      '/srv/pg/data/late.conf': 'work_mem = 8MB\n',
      '/srv/pg/data/postgresql.auto.conf': "wal_level = 'replica'\n",
    });
    assert.equal(t.effective.get('work_mem')?.value, '8MB');
    assert.equal(t.effective.get('wal_level')?.value, 'replica');
    assert.equal(t.effective.get('wal_level')?.file, '/srv/pg/data/postgresql.auto.conf');
    assert.deepEqual(t.settings.map((s) => s.applied), [false, true, false, true]);
  });

  it('reads postgresql.auto.conf from the data directory when the config lives elsewhere', async () => {
    const t = await load({ '/etc/pg/postgresql.conf': 'a = 1\n', '/var/pg/postgresql.auto.conf': 'a = 2\n' }, '/etc/pg/postgresql.conf', { dataDirectory: '/var/pg' });
    assert.equal(t.effective.get('a')?.value, '2');
  });

  it('prefers an unsaved buffer over the file on disk, through the overlay reader', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgconf-'));
    try {
      mkdirSync(path.join(dir, 'conf.d'));
      writeFileSync(path.join(dir, 'postgresql.conf'), "a = 1\ninclude_dir 'conf.d'\n");
      writeFileSync(path.join(dir, 'conf.d', 'one.conf'), 'b = 1\n');
      const main = path.join(dir, 'postgresql.conf');
      const disk = await loadConfTree(fsConfReader, main);
      assert.deepEqual(order(disk), ['a=1', 'b=1']);
      const unsaved = new Map([[main, "a = 5\ninclude_dir 'conf.d'\n"], [path.join(dir, 'conf.d', 'new.conf'), 'c = 1\n']]);
      const edited = await loadConfTree(overlayConfReader(unsaved, fsConfReader), main);
      assert.deepEqual(order(edited), ['a=5', 'c=1', 'b=1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a reader failure into a finding instead of throwing', async () => {
    const reader = {
      readFile: (f: string): Promise<string | undefined> => (f === MAIN ? Promise.resolve("include 'x.conf'\n") : Promise.reject(new Error('EACCES: permission denied'))),
      readDir: (): Promise<undefined> => Promise.resolve(undefined),
    };
    const t = await loadConfTree(reader, MAIN);
    assert.match(t.findings[0]?.message ?? '', /permission denied/);
  });
});
