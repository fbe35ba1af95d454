// The pure parts of the relation name lookup: the words for pg_class.relkind (letters from
// PostgreSQL's pg_class.h) and the least-recently-used cache that bounds the answers kept.
import * as assert from 'node:assert/strict';
import { LruCache, relationKind } from '../../../src/core/postgres/relationNames';

describe('relation names: kinds and cache', () => {
  it('words every relkind, a TOAST index and unlogged relations', () => {
    const cases: [string, string, boolean, string][] = [
      ['r', 'p', false, 'table'],
      ['i', 'p', false, 'index'],
      ['i', 'p', true, 'TOAST index'],
      ['t', 'p', true, 'TOAST table'],
      ['S', 'p', false, 'sequence'],
      ['m', 'p', false, 'materialized view'],
      ['p', 'p', false, 'partitioned table'],
      ['I', 'p', false, 'partitioned index'],
      ['r', 'u', false, 'unlogged table'],
      ['i', 'u', false, 'unlogged index'],
      ['?', 'p', false, 'relation of kind "?"'],
    ];
    for (const [relkind, persistence, ofToast, words] of cases) assert.equal(relationKind(relkind, persistence, ofToast), words);
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const lru = new LruCache<string, number | null>(2);
    lru.set('a', 1);
    lru.set('b', null); // a negative answer is an entry too
    assert.equal(lru.get('a'), 1); // a is now the most recent
    lru.set('c', 3);
    assert.equal(lru.size, 2);
    assert.equal(lru.get('b'), undefined);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.get('c'), 3);
    lru.set('a', 10); // replacing refreshes, and does not grow
    lru.set('d', 4);
    assert.equal(lru.get('c'), undefined);
    assert.equal(lru.get('a'), 10);
    lru.set('d', null);
    assert.equal(lru.get('d'), null);
    lru.clear();
    assert.equal(lru.size, 0);
  });
});
