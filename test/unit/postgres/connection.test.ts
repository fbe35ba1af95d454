import * as assert from 'node:assert/strict';
import { passwordKey } from '../../../src/core/postgres/connection';

describe('where a connection password is kept', () => {
  const prod = { name: 'prod', host: 'db.example.com', port: 5432, user: 'backup' };

  it('is the same key for the same connection', () => {
    assert.equal(passwordKey({ ...prod }), passwordKey(prod));
  });

  it('is another key when a connection of the same name points elsewhere or as someone else', () => {
    const keys = new Set([
      passwordKey(prod),
      passwordKey({ ...prod, host: 'attacker.example.net' }),
      passwordKey({ ...prod, port: 5433 }),
      passwordKey({ ...prod, user: 'postgres' }),
      passwordKey({ ...prod, name: 'prod2' }),
    ]);
    assert.equal(keys.size, 5);
  });

  it('cannot be forged by characters in the name', () => {
    // a name that embeds what would otherwise be a separator and another server
    assert.notEqual(passwordKey({ ...prod, name: 'prod","backup","db.example.com",5432' }), passwordKey(prod));
    assert.notEqual(passwordKey({ name: 'a:b', host: 'c', port: 1, user: 'u' }), passwordKey({ name: 'a', host: 'b:c', port: 1, user: 'u' }));
  });
});
