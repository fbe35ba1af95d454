// Numeric IP addresses and masks as pg_hba.conf uses them: parse IPv4 and IPv6 text into
// bytes, build a mask from a CIDR length, test containment.
import { readdirSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: readonly number[];
}

/**
 * Parses a numeric address as glibc's getaddrinfo(AI_NUMERICHOST) does: IPv4 in inet_aton's
 * forms (1 to 4 parts, each decimal, 0x hex or 0-led octal, the last filling the remaining
 * bytes, e.g. 127.1 or 255.0.0), or IPv6 with an optional %zone that __inet6_scopeid_pton
 * accepts (see zoneAccepted). `isInterface` tells whether a network interface of that name
 * exists (default: on this machine, where the checked server is taken to run).
 */
export function parseIp(text: string, isInterface: (name: string) => boolean = isLocalInterface): IpAddress | undefined {
  const v4 = parseInetAton(text);
  if (v4 !== undefined) return { family: 4, bytes: v4 };
  const percent = text.indexOf('%');
  const zoneless = percent >= 0 ? text.slice(0, percent) : text;
  if (!isIPv6(zoneless)) return undefined;
  const ip: IpAddress = { family: 6, bytes: ipv6Bytes(zoneless) };
  if (percent >= 0 && !zoneAccepted(ip, text.slice(percent + 1), isInterface)) return undefined;
  return ip;
}

/**
 * glibc's __inet6_scopeid_pton: a zone of decimal digits (at most 2^32-1) goes with any
 * address; a name only with a link-local unicast or a node- or link-local multicast address,
 * and only when if_nametoindex finds the interface. Otherwise getaddrinfo answers EAI_NONAME,
 * and the server takes the text for a host name (so "fe80::1%eth9/64" is "host name and
 * CIDR mask", and "::1%lo" a host name).
 */
function zoneAccepted(ip: IpAddress, zone: string, isInterface: (name: string) => boolean): boolean {
  const [b0 = 0, b1 = 0] = ip.bytes;
  const linkLocal = (b0 === 0xfe && (b1 & 0xc0) === 0x80) || (b0 === 0xff && ((b1 & 0x0f) === 1 || (b1 & 0x0f) === 2));
  if (linkLocal && zone !== '' && isInterface(zone)) return true;
  return /^[0-9]+$/.test(zone) && Number(zone) <= 0xffffffff;
}

/**
 * Whether this machine has a network interface of that name, as if_nametoindex finds it:
 * on Linux every interface has an entry in /sys/class/net, with an address or not; elsewhere
 * only interfaces with an address are known (os.networkInterfaces).
 */
export function isLocalInterface(name: string): boolean {
  let names: readonly string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    names = Object.keys(networkInterfaces());
  }
  return names.includes(name);
}

export function parseInetAton(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = p.length === 1 ? 0 : parseInt(p.slice(1), 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = Number(p);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop() ?? 0;
  if (nums.some((n) => n > 255)) return undefined;
  const restBytes = 4 - nums.length;
  if (last >= 2 ** (8 * restBytes)) return undefined;
  const tail: number[] = [];
  let v = last;
  for (let i = 0; i < restBytes; i++) {
    tail.unshift(v % 256);
    v = Math.floor(v / 256);
  }
  return [...nums, ...tail];
}

/** Text of an address as inet_ntop writes it (IPv6: longest run of two or more zero groups as ::). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (ip.family === 4) return b.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  const dotted = (i: number): string => `${b[i] ?? 0}.${b[i + 1] ?? 0}.${b[i + 2] ?? 0}.${b[i + 3] ?? 0}`;
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || (groups[5] === 0 && (groups[6] ?? 0) !== 0))) {
    return `::${groups[5] === 0xffff ? 'ffff:' : ''}${dotted(12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function ipv6Bytes(text: string): number[] {
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = g.split('.').map(Number);
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  const all = dbl >= 0 ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  const bytes: number[] = [];
  for (const g of all) bytes.push((g >> 8) & 0xff, g & 0xff);
  return bytes;
}

/**
 * Mask bytes for a CIDR length, or undefined when the text is not a valid length for the
 * family. As pg_sockaddr_cidr_mask reads it: strtol(base 10) must consume the whole text, so
 * leading whitespace and a sign are allowed ("/+32", "/-0", a quoted "/ 8"), then 0..32 or 0..128.
 */
export function cidrMask(bitsText: string, family: 4 | 6): readonly number[] | undefined {
  if (!/^[ \t\n\v\f\r]*[+-]?\d+$/.test(bitsText)) return undefined;
  const bits = Number(bitsText.trim());
  if (bits < 0) return undefined;
  const total = family === 4 ? 32 : 128;
  if (bits > total) return undefined;
  return maskOfLength(bits, family);
}

export function maskOfLength(bits: number, family: 4 | 6): number[] {
  const n = family === 4 ? 4 : 16;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.max(0, Math.min(8, bits - i * 8));
    out.push(b === 0 ? 0 : (0xff << (8 - b)) & 0xff);
  }
  return out;
}

/** The prefix length of a contiguous mask, or undefined when the mask has holes. */
export function maskLength(mask: readonly number[]): number | undefined {
  let bits = 0;
  let ended = false;
  for (const b of mask) {
    for (let k = 7; k >= 0; k--) {
      const set = (b >> k) & 1;
      if (set && ended) return undefined;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}

export function inNetwork(addr: IpAddress, net: IpAddress, mask: readonly number[]): boolean {
  if (addr.family !== net.family) return false;
  return addr.bytes.every((b, i) => ((b ^ (net.bytes[i] ?? 0)) & (mask[i] ?? 0)) === 0);
}

/** True when the network (net, mask) contains every address of (inner, innerMask). */
export function networkContains(net: IpAddress, mask: readonly number[], inner: IpAddress, innerMask: readonly number[]): boolean {
  if (net.family !== inner.family) return false;
  // Every bit fixed by the outer mask must be fixed by the inner one, with the same value.
  return mask.every((m, i) => (m & ~(innerMask[i] ?? 0)) === 0 && ((net.bytes[i] ?? 0) & m) === ((inner.bytes[i] ?? 0) & m));
}

export function hasHostBits(net: IpAddress, mask: readonly number[]): boolean {
  return net.bytes.some((b, i) => (b & ~(mask[i] ?? 0) & 0xff) !== 0);
}

export function isLoopback(addr: IpAddress): boolean {
  if (addr.family === 4) return addr.bytes[0] === 127;
  return addr.bytes.every((b, i) => (i === 15 ? b === 1 : b === 0));
}
