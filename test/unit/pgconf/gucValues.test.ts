import * as assert from 'node:assert/strict';
import { checkValue, didYouMean, levenshtein, numericValue, parseBool } from '../../../src/core/pgconf/gucValues';
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

  it('suggests near names only', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(levenshtein('hots', 'host'), 1, 'a swap of neighbours is one edit');
    assert.equal(didYouMean('max_wal_sender', ['max_wal_senders', 'max_connections']), 'max_wal_senders');
    assert.equal(didYouMean('xyz', ['max_wal_senders']), undefined);
  });
});
