import * as assert from 'node:assert/strict';
import { checkValue, didYouMean, isIdentifierList, levenshtein, numericValue, parseBool } from '../../../src/core/pgconf/gucValues';
import { availableMajors, paramFacts } from '../../../src/core/pgconf/paramFacts';

describe('parameter facts and values', () => {
  it('bundles facts for every major from 13 to 18, each generated from its own server', () => {
    assert.deepEqual(availableMajors(), [13, 14, 15, 16, 17, 18]);
    for (const m of availableMajors()) {
      const f = paramFacts(m);
      assert.equal(f.exact, true);
      assert.match(f.sourceVersion, new RegExp(`^${m}\\.`));
      assert.ok(f.params.size > 300);
    }
    // Facts that changed between majors.
    assert.equal(paramFacts(13).params.has('archive_library'), false);
    assert.equal(paramFacts(15).params.has('archive_library'), true);
    assert.equal(paramFacts(13).params.get('password_encryption')?.boot, 'md5');
    assert.equal(paramFacts(14).params.get('password_encryption')?.boot, 'scram-sha-256');
    assert.equal(paramFacts(12).exact, false);
  });

  it('reads booleans as the server does', () => {
    for (const t of ['on', 'ON', 't', 'tr', 'TRUE', 'y', 'yes', '1']) assert.equal(parseBool(t), true, t);
    for (const f of ['off', 'of', 'f', 'false', 'n', 'no', '0']) assert.equal(parseBool(f), false, f);
    for (const bad of ['o', '', '2', 'maybe', 'yess']) assert.equal(parseBool(bad), undefined, bad);
  });

  it('converts units to the base unit of the parameter', () => {
    const sb = paramFacts(15).params.get('shared_buffers');
    assert.ok(sb);
    assert.equal(numericValue(sb, '128MB'), 16384);
    assert.equal(numericValue(sb, '1GB'), 131072);
    const ct = paramFacts(15).params.get('checkpoint_timeout');
    assert.ok(ct);
    assert.equal(numericValue(ct, '5min'), 300);
    assert.equal(checkValue(ct, '1d'), undefined, 'the maximum, 86400 s');
    assert.equal(checkValue(ct, '2d')?.kind, 'out-of-range');
    assert.equal(checkValue(ct, '5MB')?.kind, 'bad-unit');
  });

  it('enums take the hidden words of the server\'s option lists, exactly: never boolean prefixes', () => {
    // Server (13-18, postgres -C / set_config): archive_mode = 'tr' fails with
    // 'invalid value for parameter "archive_mode": "tr"'; guc_tables.c and xlog.c list
    // true/false/yes/no/1/0 as hidden entries of these enums.
    const withBooleanWords: [string, number, number][] = [
      ['archive_mode', 13, 18], ['synchronous_commit', 13, 18], ['huge_pages', 13, 18], ['constraint_exclusion', 13, 18], ['backslash_quote', 13, 18],
      ['force_parallel_mode', 13, 15], ['compute_query_id', 14, 18], ['recovery_prefetch', 15, 18], ['wal_compression', 15, 18], ['debug_parallel_query', 16, 18],
    ];
    for (const [name, from, to] of withBooleanWords) {
      for (const major of availableMajors().filter((m) => m >= from && m <= to)) {
        const f = paramFacts(major).params.get(name);
        assert.ok(f, `${name} ${major}`);
        for (const ok of ['true', 'FALSE', 'yes', 'no', '1', '0', 'on', 'off']) assert.equal(checkValue(f, ok), undefined, `${name} ${major} ${ok}`);
        for (const bad of ['tr', 't', 'y', 'ye', 'of', 'f', 'n', 'fals', ' on']) assert.equal(checkValue(f, bad)?.kind, 'bad-enum', `${name} ${major} ${bad}`);
      }
    }
    // wal_compression is a boolean before 15, so prefixes pass there.
    assert.equal(checkValue(paramFacts(14).params.get('wal_compression') ?? assert.fail(), 'tr'), undefined);
  });

  it('client_min_messages takes hidden debug and info; log_min_messages hidden debug; password_encryption on/true/yes/1 on 13 only', () => {
    for (const major of availableMajors()) {
      const p = paramFacts(major).params;
      const cmm = p.get('client_min_messages') ?? assert.fail();
      for (const ok of ['debug', 'INFO', 'Debug']) assert.equal(checkValue(cmm, ok), undefined, `${major} ${ok}`);
      for (const bad of ['fatal', 'panic', 'warn', 'debug6']) assert.equal(checkValue(cmm, bad)?.kind, 'bad-enum', `${major} ${bad}`);
      assert.equal(checkValue(p.get('log_min_messages') ?? assert.fail(), 'debug'), undefined);
      const pe = p.get('password_encryption') ?? assert.fail();
      for (const word of ['on', 'true', 'yes', '1']) assert.equal(checkValue(pe, word) === undefined, major === 13, `${major} ${word}`);
      for (const bad of ['off', 'false', 't']) assert.equal(checkValue(pe, bad)?.kind, 'bad-enum', `${major} ${bad}`);
    }
  });

  it('suggests near names only', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('hots', 'host'), 1, 'a swap of neighbours is one edit');
    assert.equal(didYouMean('max_wal_sender', ['max_wal_senders', 'max_connections']), 'max_wal_senders');
    assert.equal(didYouMean('xyz', ['max_wal_senders']), undefined);
  });

  it('reads search_path as the server splits a list of names (SplitIdentifierString)', () => {
    const fact = paramFacts(15).params.get('search_path');
    assert.ok(fact);
    for (const ok of ['"$user", public', 'public', ' a , b ', '""', '"x""y", z', '']) assert.equal(checkValue(fact, ok), undefined, ok);
    for (const bad of ['public # not a comment', 'a b', 'a,,b', ',a', 'a,', '"unclosed']) assert.deepEqual(checkValue(fact, bad), { kind: 'bad-list' }, bad);
    assert.equal(isIdentifierList('"a, b"'), true, 'a comma inside quotes is part of the name');
  });
});
