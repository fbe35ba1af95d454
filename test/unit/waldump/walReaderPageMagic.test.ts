// Page magic → major version. The values are XLOG_PAGE_MAGIC of each stable branch's
// src/include/access/xlog_internal.h (REL_13_STABLE … REL_18_STABLE).
import * as assert from 'node:assert/strict';
import { classifyMagic, detectWalMagic, majorForMagic } from '../../../src/core/waldump/pageMagic';

describe('WAL page magic', () => {
  const fromSources: [number, number][] = [[0xd106, 13], [0xd10d, 14], [0xd110, 15], [0xd113, 16], [0xd116, 17], [0xd118, 18]];

  it('maps each release magic to its major version', () => {
    for (const [magic, major] of fromSources) assert.equal(majorForMagic(magic), major, magic.toString(16));
  });

  it('reads the magic little-endian from the first two bytes of a page', () => {
    assert.deepEqual(detectWalMagic(Uint8Array.from([0x10, 0xd1, 0x02, 0x00])), { kind: 'known', magic: 0xd110, major: 15 });
    assert.equal(detectWalMagic(Uint8Array.from([0x10])).kind, 'short');
  });

  it('names an unknown magic in hex, as a newer or unknown format', () => {
    const newer = classifyMagic(0xd121);
    assert.equal(newer.kind, 'unknown');
    assert.match(newer.kind === 'unknown' ? newer.message : '', /^newer\/unknown WAL format \(magic 0xD121\)/);
    const old = classifyMagic(0xd101); // PostgreSQL 12
    assert.match(old.kind === 'unknown' ? old.message : '', /magic 0xD101.*12 or older/);
    const junk = classifyMagic(0x1234);
    assert.match(junk.kind === 'unknown' ? junk.message : '', /magic 0x1234/);
    // Magic values between releases (development versions) are not guessed.
    assert.equal(majorForMagic(0xd111), undefined);
  });
});
