// A server that asks for a password: the live check without one fails as 'auth' (so the editor
// asks once, and only then), with the right one it passes, and with a wrong one it is 'auth' again.
import * as assert from 'node:assert/strict';
import { LiveCheckError, runLiveCheck } from '../../src/core/postgres/liveCheck';
import { useCluster } from '../support/clusters';

describe('live check: password authentication (real PostgreSQL 15)', function () {
  this.timeout(120_000);
  const PASSWORD = "pa ss'wörd";
  const handle = useCluster(15, { hbaLines: ['host all pwuser 127.0.0.1/32 scram-sha-256'] });

  before(async () => {
    await handle.cluster.query("SET password_encryption = 'scram-sha-256'");
    await handle.cluster.query(`CREATE ROLE pwuser LOGIN PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  });

  const target = (password?: string) => ({
    host: '127.0.0.1', port: handle.cluster.port, user: 'pwuser', database: 'postgres', ...(password === undefined ? {} : { password }),
  });

  it('fails as auth when no password is given, and never hangs on a prompt', async () => {
    await assert.rejects(runLiveCheck(target()), (e: unknown) => e instanceof LiveCheckError && e.kind === 'auth');
  });

  it('fails as auth with a wrong password, and keeps the password out of the message', async () => {
    await assert.rejects(runLiveCheck(target('wrong-secret')), (e: unknown) =>
      e instanceof LiveCheckError && e.kind === 'auth' && !e.message.includes('wrong-secret'));
  });

  it('passes with the right password', async () => {
    const r = await runLiveCheck(target(PASSWORD), { role: 'pwuser' });
    assert.equal(r.role, 'pwuser');
  });
});
