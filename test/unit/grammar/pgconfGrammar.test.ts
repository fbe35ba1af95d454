// The TextMate grammars of postgresql.conf and pg_hba.conf, run by vscode-textmate with the
// oniguruma engine VS Code uses: specific tokens get the expected scopes.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { repoRoot } from '../../support/paths';

let registry: vsctm.Registry | undefined;

function getRegistry(): vsctm.Registry {
  if (registry) return registry;
  const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  const files: Record<string, string> = {
    'source.postgresql-conf': 'postgresql-conf.tmLanguage.json',
    'source.pg-hba': 'pg-hba.tmLanguage.json',
  };
  registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scope) => {
      const f = files[scope];
      if (f === undefined) return null;
      const p = path.join(repoRoot, 'syntaxes', f);
      return vsctm.parseRawGrammar(readFileSync(p, 'utf8'), p);
    },
  });
  return registry;
}

interface Tok { text: string; scopes: string[] }

async function tokenize(scope: string, text: string): Promise<Tok[][]> {
  const grammar = await getRegistry().loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope} loads`);
  let state = vsctm.INITIAL;
  const out: Tok[][] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    state = r.ruleStack;
  }
  return out;
}

/** The innermost scope of the token whose text is `text` on line `line`. */
function scopeOf(lines: Tok[][], line: number, text: string): string {
  const t = lines[line]?.find((x) => x.text === text);
  assert.ok(t, `token "${text}" on line ${line}: ${JSON.stringify(lines[line]?.map((x) => x.text))}`);
  return t.scopes[t.scopes.length - 1] ?? '';
}

function scopesOf(lines: Tok[][], line: number, text: string): string[] {
  return lines[line]?.find((x) => x.text === text)?.scopes ?? [];
}

describe('postgresql.conf grammar', () => {
  it('scopes names, operators, numbers with units, strings, escapes, booleans and comments', async () => {
    const l = await tokenize('source.postgresql-conf', [
      "wal_level = replica   # minimal, replica, or logical",
      "shared_buffers = 128MB",
      "archive_command = 'pg_probackup archive-push -B ''/b'' --wal-file-path=%p\\n'",
      "ptrack.map_size 64",
      "fsync = off",
      "include_dir 'conf.d'",
      "#max_wal_senders = 10",
    ].join('\n'));
    assert.equal(scopeOf(l, 0, 'wal_level'), 'variable.other.property.postgresql-conf');
    assert.equal(scopeOf(l, 0, '='), 'keyword.operator.assignment.postgresql-conf');
    assert.equal(scopeOf(l, 0, 'replica'), 'string.unquoted.postgresql-conf');
    assert.equal(scopeOf(l, 0, '#'), 'punctuation.definition.comment.postgresql-conf');
    assert.ok(scopesOf(l, 0, ' minimal, replica, or logical').includes('comment.line.number-sign.postgresql-conf'));
    assert.equal(scopeOf(l, 1, '128'), 'constant.numeric.postgresql-conf');
    assert.equal(scopeOf(l, 1, 'MB'), 'keyword.other.unit.postgresql-conf');
    assert.equal(scopeOf(l, 2, "''"), 'constant.character.escape.postgresql-conf');
    assert.equal(scopeOf(l, 2, '\\n'), 'constant.character.escape.postgresql-conf');
    assert.ok(scopesOf(l, 2, ' --wal-file-path=%p').includes('string.quoted.single.postgresql-conf'));
    assert.equal(scopeOf(l, 3, 'ptrack'), 'variable.other.property.postgresql-conf');
    assert.equal(scopeOf(l, 3, '.'), 'punctuation.separator.namespace.postgresql-conf');
    assert.equal(scopeOf(l, 3, '64'), 'constant.numeric.postgresql-conf');
    assert.equal(scopeOf(l, 4, 'off'), 'constant.language.boolean.postgresql-conf');
    assert.equal(scopeOf(l, 5, 'include_dir'), 'keyword.control.import.postgresql-conf');
    assert.ok(scopesOf(l, 6, 'max_wal_senders = 10').includes('comment.line.number-sign.postgresql-conf'));
  });
});

describe('pg_hba.conf grammar', () => {
  it('scopes connection types, keywords, quoted names, groups, files, addresses, methods and options', async () => {
    const l = await tokenize('source.pg-hba', [
      'local   replication   all                 peer',
      'host    "all",db1     +admins,@users.txt  10.0.0.0/8     scram-sha-256',
      'hostssl all           /^b.*$              ::1/128        cert clientcert=verify-full',
      'host    all           all                 192.168.0.1 255.255.255.0 md5 \\',
      'include_if_exists hba.d/extra.conf',
      '# TYPE DATABASE USER ADDRESS METHOD',
    ].join('\n'));
    assert.equal(scopeOf(l, 0, 'local'), 'storage.type.connection.pg-hba');
    assert.equal(scopeOf(l, 0, 'replication'), 'constant.language.keyword.pg-hba');
    assert.equal(scopeOf(l, 0, 'all'), 'constant.language.keyword.pg-hba');
    assert.equal(scopeOf(l, 0, 'peer'), 'support.constant.auth-method.pg-hba');
    assert.equal(scopeOf(l, 1, 'all'), 'string.quoted.double.pg-hba', 'a quoted keyword is a plain name');
    assert.equal(scopeOf(l, 1, ','), 'punctuation.separator.list.pg-hba');
    assert.equal(scopeOf(l, 1, '+'), 'keyword.operator.group.pg-hba');
    assert.equal(scopeOf(l, 1, 'admins'), 'variable.other.group.pg-hba');
    assert.equal(scopeOf(l, 1, '@'), 'keyword.operator.include.pg-hba');
    assert.equal(scopeOf(l, 1, 'users.txt'), 'string.unquoted.path.pg-hba');
    assert.equal(scopeOf(l, 1, '10.0.0.0'), 'constant.numeric.ip-address.pg-hba');
    assert.equal(scopeOf(l, 1, '8'), 'constant.numeric.cidr.pg-hba');
    assert.equal(scopeOf(l, 1, 'scram-sha-256'), 'support.constant.auth-method.pg-hba');
    assert.equal(scopeOf(l, 2, 'hostssl'), 'storage.type.connection.pg-hba');
    assert.equal(scopeOf(l, 2, '^b.*$'), 'string.regexp.pg-hba');
    assert.equal(scopeOf(l, 2, '::1'), 'constant.numeric.ip-address.pg-hba');
    assert.equal(scopeOf(l, 2, 'clientcert'), 'variable.parameter.option.pg-hba');
    assert.equal(scopeOf(l, 2, 'verify-full'), 'string.unquoted.value.pg-hba');
    assert.equal(scopeOf(l, 3, '255.255.255.0'), 'constant.numeric.ip-address.pg-hba');
    assert.equal(scopeOf(l, 3, '\\'), 'constant.character.escape.line-continuation.pg-hba');
    assert.equal(scopeOf(l, 4, 'include_if_exists'), 'keyword.control.import.pg-hba');
    assert.equal(scopeOf(l, 4, 'hba.d/extra.conf'), 'string.unquoted.path.pg-hba');
    assert.ok(scopesOf(l, 5, ' TYPE DATABASE USER ADDRESS METHOD').includes('comment.line.number-sign.pg-hba'));
  });
});
