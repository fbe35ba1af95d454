// How the live check names what went wrong: the kind a caller can branch on, the server in the
// message, and never the password. The inputs carry the codes Node (errno names) and the server
// (SQLSTATE, from PostgreSQL's errcodes: 28P01 invalid_password, 57014 query_canceled) use.
import * as assert from 'node:assert/strict';
import { LiveCheckError, classifyError } from '../../../src/core/postgres/liveCheck';

const T = { host: 'db.example', port: 5433, user: 'postgres', database: 'postgres', password: 'hunter2' };

function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('live check errors', () => {
  it('classifies by errno and SQLSTATE', () => {
    const cases: [Error, string][] = [
      [nodeError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5433'), 'refused'],
      [nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.example'), 'unreachable'],
      [nodeError('28P01', 'password authentication failed for user "postgres"'), 'auth'],
      [nodeError('57014', 'canceling statement due to statement timeout'), 'timeout'],
      [new Error('Connection terminated due to connection timeout'), 'timeout'],
      [nodeError('42P01', 'relation "x" does not exist'), 'query'],
    ];
    for (const [e, kind] of cases) {
      const got = classifyError(e, T);
      assert.ok(got instanceof LiveCheckError);
      assert.equal(got.kind, kind, e.message);
      assert.match(got.message, /db\.example:5433/);
    }
  });

  it('never repeats the password, even when the driver put it in its message', () => {
    const got = classifyError(new Error('bad startup: password=hunter2 rejected'), T);
    assert.ok(!got.message.includes('hunter2'));
    assert.match(got.message, /\*\*\*/);
  });
});
