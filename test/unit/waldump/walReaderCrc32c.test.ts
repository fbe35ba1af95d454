// CRC-32C against published check values (the CRC catalogue's "123456789" and the iSCSI
// vectors of RFC 3720 appendix B.4), and against a bit-at-a-time reference on random data cut
// at random places, including unaligned views and lengths around the fast paths (WebAssembly
// from 256 bytes on; in JavaScript 16 bytes per step through 32-bit words from 128 bytes on,
// 4 bytes per step below, then single bytes). The JavaScript-only function is checked too: it
// is what runs where WebAssembly is missing.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { CRC32C_INIT, crc32c, crc32cFinish, crc32cLongInputs, crc32cUpdate, crc32cUpdateJs } from '../../../src/core/waldump/crc32c';

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
        fc.uint8Array({ minLength: 0, maxLength: 3000, size: 'max' }), // 'max': the default size stays near 10 bytes
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

  it('uses WebAssembly for long inputs in Node (so the tests below cover both implementations)', () => {
    assert.equal(crc32cLongInputs(), 'webassembly');
  });

  for (const [label, update] of [['crc32cUpdate', crc32cUpdate], ['crc32cUpdateJs', crc32cUpdateJs]] as const) {
    const crc = (buf: Uint8Array, start: number, end: number): number => crc32cFinish(update(CRC32C_INIT, buf, start, end));
    describe(label, () => {
      it('finds "123456789" at every start alignment inside a larger buffer, alone and after other bytes', () => {
        const check = Buffer.from('123456789', 'ascii');
        for (let shift = 0; shift < 16; shift++) {
          const backing = new Uint8Array(shift + check.length + 200).fill(0xa5);
          backing.set(check, shift);
          assert.equal(crc(backing, shift, shift + check.length), 0xe3069283, `at offset ${shift}`);
          // The same bytes fed after a long prefix, through the wide path first.
          const longer = new Uint8Array(shift + 300 + check.length);
          for (let i = 0; i < longer.length; i++) longer[i] = (i * 31 + 7) & 0xff;
          longer.set(check, shift + 300);
          const prefix = update(CRC32C_INIT, longer, shift, shift + 300);
          assert.equal(crc32cFinish(update(prefix, longer, shift + 300, shift + 309)), bitwise(longer.subarray(shift, shift + 309)));
        }
      });

      it('agrees with the bitwise reference for every start offset 0-19 and length 0-300, and long odd lengths', () => {
        const data = new Uint8Array(100_000);
        let x = 0x12345678;
        for (let i = 0; i < data.length; i++) {
          // xorshift32: reproducible pseudo-random bytes.
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          data[i] = x & 0xff;
        }
        for (let start = 0; start < 20; start++) {
          for (let len = 0; len <= 300; len++) {
            assert.equal(crc(data, start, start + len), bitwise(data.subarray(start, start + len)), `start ${start} length ${len}`);
          }
        }
        // Lengths that leave 1-15 bytes after the last 16-byte step, WAL-page-sized runs, and runs
        // longer than the WebAssembly data window (48 KiB), which go through it in pieces.
        for (const len of [8191, 8192, 8193, 16_387, 32_765, 49_152, 49_153, 98_317]) {
          for (const start of [0, 1, 2, 3, 5, 13]) {
            assert.equal(crc(data, start, start + len), bitwise(data.subarray(start, start + len)), `start ${start} length ${len}`);
          }
        }
      });
    });
  }
});
