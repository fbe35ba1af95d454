// CRC-32C against published check values (the CRC catalogue's "123456789" and the iSCSI
// vectors of RFC 3720 appendix B.4), and against a bit-at-a-time reference on random data cut
// at random places, including unaligned views and lengths around the 32-bit fast path.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { CRC32C_INIT, crc32c, crc32cFinish, crc32cUpdate } from '../../../src/core/waldump/crc32c';

function bitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(0)), 0);
    // RFC 3720 B.4: 32 bytes of zeros, of 0xFF, ascending 0..31, descending 31..0.
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
    assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });

  it('gives the same value fed in pieces, from any offset and alignment, as a bitwise reference', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.integer({ min: 0, max: 7 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (data, shift, cutsRaw) => {
          // A view that starts `shift` bytes into its ArrayBuffer, so 32-bit alignment varies.
          const backing = new Uint8Array(data.length + shift);
          backing.set(data, shift);
          const view = backing.subarray(shift);
          const cuts = [...new Set(cutsRaw.map((c) => (data.length === 0 ? 0 : c % (data.length + 1))))].sort((a, b) => a - b);
          let c = CRC32C_INIT;
          let from = 0;
          for (const cut of [...cuts, data.length]) {
            c = crc32cUpdate(c, view, from, cut);
            from = cut;
          }
          const want = bitwise(data);
          assert.equal(crc32cFinish(c), want);
          assert.equal(crc32c(view), want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
