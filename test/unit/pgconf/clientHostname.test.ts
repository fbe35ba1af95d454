// The client's host name against the system's own resolver: getent(1) asks the same NSS
// sources (/etc/hosts, DNS) as the server's getnameinfo and getaddrinfo.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { confirmedClientHostname } from '../../../src/core/pgconf/clientHostname';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';
import { hostnameIfNeeded } from '../../../src/core/pgconf/readiness';
import { skipBecause } from '../../support/skip';

/** getent hosts KEY: the first name of the first entry, or undefined when there is none. */
function getentName(key: string): { address: string; name: string } | undefined {
  const r = spawnSync('getent', ['hosts', key], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [address, name] = r.stdout.trim().split(/\s+/);
  return address !== undefined && name !== undefined ? { address, name } : undefined;
}

describe('client host name (hba.c check_hostname)', () => {
  it('127.0.0.1 gets the name the system resolver gives it, when that name resolves back', async function () {
    const reverse = getentName('127.0.0.1');
    if (reverse === undefined) skipBecause(this, 'the system resolver knows no name for 127.0.0.1');
    const forward = spawnSync('getent', ['ahosts', reverse.name], { encoding: 'utf8' }).stdout;
    const back = forward.split('\n').some((l) => l.split(/\s+/)[0] === '127.0.0.1');
    const got = await confirmedClientHostname('127.0.0.1');
    assert.equal(got.hostname, back ? reverse.name : undefined, got.why);
  });

  it('an address without a reverse entry has no name, and says so', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, never in a resolver.
    assert.equal(getentName('192.0.2.77'), undefined, 'precondition: the resolver knows no name for it');
    const got = await confirmedClientHostname('192.0.2.77');
    assert.equal(got.hostname, undefined);
    assert.match(got.why ?? '', /reverse lookup of 192\.0\.2\.77 found no name/);
  });

  it('text that is not an IP address has no name', async () => {
    assert.deepEqual(await confirmedClientHostname('local'), { hostname: undefined, why: 'local is not an IP address' });
  });

  it('is looked up only when a line of pg_hba.conf names a host', async () => {
    const asked: string[] = [];
    const resolve = async (a: string) => {
      asked.push(a);
      return { hostname: 'h' };
    };
    const plain = await loadHbaText('/d/pg_hba.conf', 'host all all 127.0.0.1/32 md5\nhost all all samehost md5\n', { major: 15 });
    assert.equal(await hostnameIfNeeded(plain, 15, '127.0.0.1', resolve), undefined);
    const named = await loadHbaText('/d/pg_hba.conf', 'host all all 127.0.0.1/32 md5\nhost replication all localhost md5\n', { major: 15 });
    assert.deepEqual(await hostnameIfNeeded(named, 15, '127.0.0.1', resolve), { hostname: 'h' });
    assert.equal(await hostnameIfNeeded(named, 15, 'local', resolve), undefined);
    assert.deepEqual(asked, ['127.0.0.1']);
  });
});
