import * as assert from 'node:assert/strict';
import { prependHbaLines, renderConfValue, renderSettings, tail } from '../../../src/core/postgres/clusterConfig';

describe('throwaway cluster configuration text', () => {
  it('writes numbers and booleans bare and strings quoted', () => {
    assert.equal(renderConfValue(4), '4');
    assert.equal(renderConfValue(true), 'on');
    assert.equal(renderConfValue(false), 'off');
    assert.equal(renderConfValue('replica'), "'replica'");
    assert.equal(renderConfValue(''), "''");
    assert.throws(() => renderConfValue(Number.NaN));
  });

  it('doubles quotes and backslashes inside strings (the e2e test reads them back from a real server)', () => {
    assert.equal(renderConfValue("it's"), "'it''s'");
    assert.equal(renderConfValue('a\\b'), "'a\\\\b'");
  });

  it('renders one line per setting in the given order, and refuses names that are not identifiers', () => {
    assert.equal(renderSettings({ port: 5433, wal_level: 'replica', 'auto_explain.log_analyze': true }),
      "port = 5433\nwal_level = 'replica'\nauto_explain.log_analyze = on\n");
    assert.throws(() => renderSettings({ 'port = 1\nfsync': 1 }), /not a setting name/);
    assert.throws(() => renderSettings({ '': 1 }), /not a setting name/);
  });

  it('puts hba lines before the existing ones and refuses multi-line entries', () => {
    const base = 'local all all trust\n';
    const out = prependHbaLines(base, ['host all bob 127.0.0.1/32 reject']);
    assert.ok(out.indexOf('bob') < out.indexOf('local all all trust'));
    assert.ok(out.endsWith(base));
    assert.equal(prependHbaLines(base, []), base);
    assert.throws(() => prependHbaLines(base, ['host all all 0.0.0.0/0 trust\nlocal all all trust']), /one line/);
  });

  it('keeps the last lines of a log', () => {
    assert.equal(tail('a\nb\nc\n', 2), 'b\nc');
    assert.equal(tail('only', 5), 'only');
  });
});
