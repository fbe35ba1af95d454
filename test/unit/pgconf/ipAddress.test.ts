import * as assert from 'node:assert/strict';
import { cidrMask, formatIp, hasHostBits, inNetwork, maskLength, networkContains, parseIp } from '../../../src/core/pgconf/ipAddress';

describe('IP addresses of pg_hba.conf', () => {
  it('reads IPv4 in the short forms getaddrinfo accepts, and rejects what it rejects', () => {
    assert.deepEqual(parseIp('127.1')?.bytes, [127, 0, 0, 1]);
    assert.deepEqual(parseIp('255.0.0')?.bytes, [255, 0, 0, 0]);
    assert.deepEqual(parseIp('0x7f.1')?.bytes, [127, 0, 0, 1]);
    assert.deepEqual(parseIp('010.0.0.1')?.bytes, [8, 0, 0, 1]);
    assert.deepEqual(parseIp('3232235777')?.bytes, [192, 168, 1, 1]);
    for (const bad of ['300.1.2.3', '1.2.3.4.5', '08.1.1.1', 'a.b.c.d', '', '1..2']) assert.equal(parseIp(bad), undefined, bad);
  });

  it('reads IPv6 and writes addresses back as inet_ntop does', () => {
    assert.equal(formatIp(parseIp('2001:0db8:0:0:0:0:0:1') ?? { family: 4, bytes: [] }), '2001:db8::1');
    assert.equal(formatIp(parseIp('::1') ?? { family: 4, bytes: [] }), '::1');
    assert.equal(formatIp(parseIp('1:0:2:0:0:3:0:4') ?? { family: 4, bytes: [] }), '1:0:2::3:0:4');
    assert.equal(formatIp(parseIp('::ffff:10.1.2.3') ?? { family: 4, bytes: [] }), '::ffff:10.1.2.3');
    assert.equal(formatIp({ family: 6, bytes: cidrMask('32', 6) ?? [] }), 'ffff:ffff::');
  });

  it('builds CIDR masks and tests networks', () => {
    assert.deepEqual(cidrMask('20', 4), [255, 255, 240, 0]);
    assert.equal(cidrMask('33', 4), undefined);
    assert.equal(cidrMask('', 4), undefined);
    // pg_sockaddr_cidr_mask: strtol(base 10) over the whole text, then 0..32 / 0..128
    // (server 13-18 loads 127.0.0.1/+32, /-0, "/ 32", ::1/+128; refuses /+, /-1, "/32 ").
    assert.deepEqual(cidrMask('+32', 4), [255, 255, 255, 255]);
    assert.deepEqual(cidrMask('-0', 4), [0, 0, 0, 0]);
    assert.deepEqual(cidrMask(' 8', 4), [255, 0, 0, 0]);
    assert.deepEqual(cidrMask('032', 4), [255, 255, 255, 255]);
    assert.equal(cidrMask('+128', 6)?.length, 16);
    for (const bad of ['+', '-1', '32 ', '0x20', '1e1']) assert.equal(cidrMask(bad, 4), undefined, bad);
    assert.equal(maskLength([255, 0, 255, 0]), undefined);
    assert.equal(maskLength([255, 255, 128, 0]), 17);
    const net = parseIp('10.1.0.0');
    const inner = parseIp('10.1.2.0');
    const a = parseIp('10.1.2.3');
    assert.ok(net && inner && a);
    assert.ok(inNetwork(a, net, cidrMask('16', 4) ?? []));
    assert.ok(!inNetwork(a, net, cidrMask('24', 4) ?? []));
    assert.ok(networkContains(net, cidrMask('16', 4) ?? [], inner, cidrMask('24', 4) ?? []));
    assert.ok(!networkContains(inner, cidrMask('24', 4) ?? [], net, cidrMask('16', 4) ?? []));
    assert.ok(hasHostBits(a, cidrMask('24', 4) ?? []));
  });
});
