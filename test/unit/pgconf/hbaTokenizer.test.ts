import * as assert from 'node:assert/strict';
import { overlayConfReader } from '../../../src/core/pgconf/confReaders';
import { lexHba } from '../../../src/core/pgconf/hbaLexer';
import { loadHba, loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import type { HbaFileSet } from '../../../src/core/pgconf/hbaLoader';

const HBA = '/srv/pg/data/pg_hba.conf';

/** Fields as lists of token texts, quoted tokens shown as "text". */
function fields(set: HbaFileSet): string[][][] {
  return set.lines.map((l) => l.fields.map((f) => f.map((t) => (t.quoted ? `"${t.text}"` : t.text))));
}
function load(files: Record<string, string>, major = 17): Promise<HbaFileSet> {
  return loadHba(overlayConfReader(new Map(Object.entries(files))), HBA, { major });
}

describe('pg_hba.conf tokenizer', () => {
  it('splits fields on blanks and lists on commas, skipping comments and blank lines', async () => {
    const s = await loadHbaText(HBA, '# TYPE DATABASE USER ADDRESS METHOD\n\nhost  db1,db2\tu1, u2  10.0.0.0/8  md5  # note\n');
    assert.deepEqual(fields(s), [[['host'], ['db1', 'db2'], ['u1', 'u2'], ['10.0.0.0/8'], ['md5']]]);
    assert.equal(s.lines[0]?.line, 2);
  });

  it('starts a new field when a comma follows a blank', async () => {
    const s = await loadHbaText(HBA, 'host all a ,b 127.0.0.1/32 trust\n');
    assert.deepEqual(fields(s), [[['host'], ['all'], ['a'], ['b'], ['127.0.0.1/32'], ['trust']]]);
  });

  it('keeps blanks, commas and # inside double quotes, "" is a quote, and marks the token quoted', async () => {
    const s = await loadHbaText(HBA, 'host "all" "a b,c#d",x""y,"q""r" all trust\n');
    assert.deepEqual(fields(s), [[['host'], ['"all"'], ['"a b,c#d"', 'xy', '"q"r"'], ['all'], ['trust']]]);
  });

  it('continues a line ending in a backslash (PostgreSQL 14+), even inside quotes, keeping physical positions', async () => {
    const s = await loadHbaText(HBA, 'host all \\\nbackup 127.0.0.1/32 \\\n  scram-sha-256\nlocal all all peer\n', { major: 15 });
    assert.deepEqual(fields(s), [[['host'], ['all'], ['backup'], ['127.0.0.1/32'], ['scram-sha-256']], [['local'], ['all'], ['all'], ['peer']]]);
    const method = s.lines[0]?.fields[4]?.[0];
    assert.deepEqual(method?.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 15 } });
    assert.equal(s.lines[1]?.line, 3);
    const quoted = await loadHbaText(HBA, 'host all "a\\\nb" all trust\n', { major: 15 });
    assert.deepEqual(fields(quoted), [[['host'], ['all'], ['"ab"'], ['all'], ['trust']]]);
  });

  it('joins a line continued over thousands of physical lines, each token at its own physical place', async () => {
    const n = 30_000;
    const text = `host all ${Array.from({ length: n }, (_, i) => `u${i},\\`).join('\n')}\nlast 127.0.0.1/32 trust\n`;
    const s = await loadHbaText(HBA, text, { major: 16 });
    assert.equal(s.lines.length, 1);
    const roles = s.lines[0]?.fields[2] ?? [];
    assert.equal(roles.length, n + 1);
    assert.deepEqual(roles[12_345]?.range, { start: { line: 12_345, character: 0 }, end: { line: 12_345, character: 'u12345'.length } });
    assert.deepEqual(s.lines[0]?.fields[4]?.[0]?.range, { start: { line: n, character: 'last 127.0.0.1/32 '.length }, end: { line: n, character: 'last 127.0.0.1/32 trust'.length } });
  });

  it('does not continue lines before PostgreSQL 14', async () => {
    const s = await loadHbaText(HBA, 'host all all \\\n127.0.0.1/32 trust\n', { major: 13 });
    assert.deepEqual(fields(s), [[['host'], ['all'], ['all'], ['\\']], [['127.0.0.1/32'], ['trust']]]);
  });

  it('expands @file into the tokens of all its lines, relative to the including file, but not "@file"', async () => {
    const s = await load({
      [HBA]: 'host all @users.txt,extra 10.0.0.0/8 md5\nhost all "@users.txt" 10.0.0.0/8 md5\nhost all @"users.txt" all md5\n',
      '/srv/pg/data/users.txt': '# backup roles\nalice, bob\ncarol "dave x"\n',
    });
    assert.deepEqual(fields(s)[0]?.[2], ['alice', 'bob', 'carol', '"dave x"', 'extra']);
    assert.deepEqual(fields(s)[1]?.[2], ['"@users.txt"']);
    assert.deepEqual(fields(s)[2]?.[2], ['alice', 'bob', 'carol', '"dave x"']);
    assert.equal(s.lines[0]?.fields[2]?.[0]?.file, '/srv/pg/data/users.txt');
  });

  it('turns a missing @file into an error on that line', async () => {
    const s = await load({ [HBA]: 'host all @nope 10.0.0.0/8 md5\n' });
    assert.match(s.lines[0]?.error?.message ?? '', /could not open file "\/srv\/pg\/data\/nope"/);
  });

  it('reads include, include_if_exists and include_dir lines in place (PostgreSQL 16+)', async () => {
    const s = await load({
      [HBA]: 'local all all peer\ninclude hba.d/a.conf\ninclude_if_exists missing.conf\ninclude_dir hba.d\nhost all all all reject\n',
      '/srv/pg/data/hba.d/a.conf': 'host a a all md5\n',
      '/srv/pg/data/hba.d/b.conf': 'host b b all md5\n',
      '/srv/pg/data/hba.d/.skip.conf': 'host skip skip all md5\n',
      '/srv/pg/data/hba.d/c.txt': 'host txt txt all md5\n',
    });
    assert.deepEqual(s.lines.map((l) => l.fields[1]?.[0]?.text), ['all', 'a', 'a', 'b', 'all']);
    assert.equal(s.lines[1]?.file, '/srv/pg/data/hba.d/a.conf');
    assert.ok(s.lines.every((l) => l.error === undefined));
  });

  it('reports a missing include, and leaves include lines as plain lines before 16', async () => {
    const s = await load({ [HBA]: 'include nope.conf\n' });
    assert.match(s.lines[0]?.error?.message ?? '', /could not open file/);
    const old = await load({ [HBA]: 'include nope.conf\n' }, 15);
    assert.equal(old.lines[0]?.error, undefined);
    assert.deepEqual(fields(old), [[['include'], ['nope.conf']]]);
  });

  it('detects @file cycles and depth instead of recursing forever', async () => {
    const s = await load({ [HBA]: 'host all @a all md5\n', '/srv/pg/data/a': '@b\n', '/srv/pg/data/b': '@a\n' });
    assert.ok(s.lines[0]?.error);
  });

  it('lexes a single buffer without throwing on an unclosed quote', () => {
    const lines = lexHba('host all "unterminated all trust\n');
    assert.deepEqual(lines[0]?.fields.map((f) => f.map((t) => t.text)), [['host'], ['all'], ['unterminated all trust']]);
  });
});
