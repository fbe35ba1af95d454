import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { findFreePort, isAddressInUse, isPortFree } from '../../../src/core/postgres/freePort';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('free ports', () => {
  it('finds a port that can really be bound, and sees it taken while someone listens', async () => {
    const port = await findFreePort();
    assert.ok(port > 0 && port < 65536);
    assert.equal(await isPortFree(port), true);
    const server = await listen(port);
    try {
      assert.equal(await isPortFree(port), false);
    } finally {
      await close(server);
    }
    assert.equal(await isPortFree(port), true);
  });

  it('recognises the server log of a port that is taken', () => {
    // Written by PostgreSQL 15.18 when 127.0.0.1:41679 was already bound by another program.
    const log = [
      '2026-11-25 10:42:08.947 UTC [18219] LOG:  starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit',
      '2026-11-25 10:42:08.947 UTC [18219] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
      '2026-11-25 10:42:08.947 UTC [18219] HINT:  Is another postmaster already running on port 41679? If not, wait a few seconds and retry.',
      '2026-11-25 10:42:08.947 UTC [18219] WARNING:  could not create listen socket for "127.0.0.1"',
      '2026-11-25 10:42:08.947 UTC [18219] FATAL:  could not create any TCP/IP sockets',
      '2026-11-25 10:42:08.954 UTC [18219] LOG:  database system is shut down',
    ].join('\n');
    assert.equal(isAddressInUse(log), true);
  });

  it('does not take other start failures for a taken port', () => {
    // Written by PostgreSQL 15.18 for `wal_level = 'bogus'` (the data directory path shortened).
    const log = [
      '2026-11-25 10:43:49.669 UTC [19573] LOG:  invalid value for parameter "wal_level": "bogus"',
      '2026-11-25 10:43:49.669 UTC [19573] HINT:  Available values: minimal, replica, logical.',
      '2026-11-25 10:43:49.669 UTC [19573] FATAL:  configuration file "/srv/pg/data/postgresql.conf" contains errors',
    ].join('\n');
    assert.equal(isAddressInUse(log), false);
    assert.equal(isAddressInUse(''), false);
  });
});
