import * as assert from 'node:assert/strict';
import { lexConf, unquoteConfString } from '../../../src/core/pgconf/confLexer';
import { parseConfText } from '../../../src/core/pgconf/confParser';

/** [name, value] of every statement. */
function pairs(text: string): [string, string][] {
  return parseConfText('/etc/pg/postgresql.conf', text).statements.map((s) => [s.name, s.value]);
}
function errors(text: string): string[] {
  return parseConfText('/etc/pg/postgresql.conf', text).errors.map((e) => e.message);
}

describe('postgresql.conf parser', () => {
  it('reads `name = value` and `name value`, with or without spaces around =', () => {
    assert.deepEqual(pairs('a = 1\nb 2\nc=3\nd =4\n'), [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]);
  });

  it('skips comments and blank lines, and a comment may follow a value', () => {
    assert.deepEqual(pairs('# header\n\n   \nwal_level = replica   # was minimal\n#max_wal_senders = 10\n'), [['wal_level', 'replica']]);
  });

  it('keeps units and signs inside the unquoted number', () => {
    assert.deepEqual(pairs('shared_buffers = 128MB\ncheckpoint_timeout = 5min\nx = -1\ny = +0x1F\nz = .5\nw = 1.5e3\n'),
      [['shared_buffers', '128MB'], ['checkpoint_timeout', '5min'], ['x', '-1'], ['y', '+0x1F'], ['z', '.5'], ['w', '1.5e3']]);
  });

  it('takes unquoted strings with - . _ : / after a letter', () => {
    assert.deepEqual(pairs('log_directory = pg_log/sub-dir\nlisten_addresses = localhost\nsearch_path = a.b.c\n'),
      [['log_directory', 'pg_log/sub-dir'], ['listen_addresses', 'localhost'], ['search_path', 'a.b.c']]);
  });

  it('reads qualified names as names, but not three-part ones', () => {
    assert.deepEqual(pairs('ptrack.map_size = 64\n'), [['ptrack.map_size', '64']]);
    assert.equal(errors('a.b.c = 1\n').length, 1);
  });

  it('resolves quotes: doubled quote, backslash escapes, octal', () => {
    assert.deepEqual(pairs("a = 'it''s'\n"), [['a', "it's"]]);
    assert.deepEqual(pairs("a = 'it\\'s'\n"), [['a', "it's"]]);
    assert.deepEqual(pairs("a = 'tab\\there'\n"), [['a', 'tab\there']]);
    assert.deepEqual(pairs("a = 'c:\\\\dir'\n"), [['a', 'c:\\dir']]);
    assert.deepEqual(pairs("a = '\\101\\x'\n"), [['a', 'Ax']]);
    assert.deepEqual(pairs("a = '#not a comment'\n"), [['a', '#not a comment']]);
    assert.deepEqual(pairs("a = ''\n"), [['a', '']]);
  });

  it('ends a value at an escaped NUL byte, as the server keeps C strings', () => {
    assert.equal(unquoteConfString("'ab\\0cd'"), 'ab');
  });

  it('reports a syntax error for a line that breaks the form, and goes on with the next line', () => {
    const r = parseConfText('/p.conf', "a = 1 2\nb = 'unterminated\nc = 3\n= 4\n1 = 2\nd =\ne = 1e5\nf = 5\n");
    assert.deepEqual(r.statements.map((s) => s.name), ['c', 'f']);
    assert.equal(r.errors.length, 6);
    assert.match(r.errors[0]?.message ?? '', /near token "2"/);
    assert.match(r.errors[4]?.message ?? '', /near end of line/);
    // An unquoted value cannot start with a slash (it is not a letter).
    assert.equal(errors('data_directory = /var/lib/pg\n').length, 1);
  });

  it('treats include, include_if_exists and include_dir as directives, in any case', () => {
    const r = parseConfText('/p.conf', "include 'a.conf'\nINCLUDE_IF_EXISTS = conf/b.conf\nInclude_Dir 'conf.d'\nincluded = 1\n");
    assert.deepEqual(r.statements.map((s) => [s.type, s.type === 'directive' ? s.kind : s.name, s.value]), [
      ['directive', 'include', 'a.conf'],
      ['directive', 'include_if_exists', 'conf/b.conf'],
      ['directive', 'include_dir', 'conf.d'],
      ['setting', 'included', '1'],
    ]);
  });

  it('rejects an unquoted x.y value: it lexes as a qualified name, which is no value', () => {
    assert.equal(errors('include b.conf\n').length, 1);
    assert.deepEqual(pairs('include sub/b.conf\n'), [['include', 'sub/b.conf']]);
  });

  it('gives each statement its file, line and column range', () => {
    const r = parseConfText('/p.conf', "# c\n  wal_level =  'replica'  # x\n");
    const s = r.statements[0];
    assert.ok(s);
    assert.equal(s.file, '/p.conf');
    assert.deepEqual([s.nameToken.line, s.nameToken.start, s.nameToken.end], [1, 2, 11]);
    assert.deepEqual([s.valueToken.start, s.valueToken.end], [15, 24]);
    assert.deepEqual(s.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 24 } });
  });

  it('handles CRLF line ends and a last line without newline', () => {
    assert.deepEqual(pairs('a = 1\r\nb = 2'), [['a', '1'], ['b', '2']]);
  });

  it('lexes by longest match, first rule on ties', () => {
    const kinds = (t: string): string[] => lexConf(t).map((x) => `${x.kind}:${x.text}`);
    assert.deepEqual(kinds('abc'), ['id:abc']);
    assert.deepEqual(kinds('a.b'), ['qualified-id:a.b']);
    assert.deepEqual(kinds('a.b.c'), ['unquoted:a.b.c']);
    assert.deepEqual(kinds('10kB'), ['integer:10kB']);
    assert.deepEqual(kinds('1.5'), ['real:1.5']);
    assert.deepEqual(kinds("'a''b' 'c'"), ["string:'a''b'", "string:'c'"]);
  });
});
