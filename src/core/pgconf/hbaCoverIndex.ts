// For each pg_hba.conf record, the first earlier record that catches every connection it would
// match (recordCovers), without comparing every pair: a file of 20,000 lines took seconds that
// way, on every edit. Earlier records are indexed three ways, by what a covering record must
// have in common with the later one: its first role (the same name, its group, or `all`), its
// first database (the same name or keyword, or `all`), and its address (a network containing
// the later one's, the same host name or keyword, or `all`). Only the smallest of the three
// candidate lists is checked, in file order, with recordCovers itself deciding.
import type { HbaToken } from './hbaLoader';
import { isDbKeyword, isGroup, recordCovers, simpleToken } from './hbaMatch';
import type { HbaRecord } from './hbaRecord';
import { isKeyword } from './hbaRecord';
import { maskLength } from './ipAddress';
import type { IpAddress } from './ipAddress';

/** Record indexes by key, each list in file order; `wild` holds the records that fit any key. */
class Buckets {
  readonly wild: number[] = [];
  private readonly byKey = new Map<string, number[]>();

  add(key: string, i: number): void {
    const list = this.byKey.get(key);
    if (list === undefined) this.byKey.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  }

  get(key: string): readonly number[] {
    return this.byKey.get(key) ?? [];
  }
}

const NONE: readonly (readonly number[])[] = [];
/** Candidate lists this short are checked as they are, without building the next index's list. */
const FEW = 8;

function roleKey(t: HbaToken): string {
  return isGroup(t) ? `g:${t.text.slice(1)}` : `n:${t.text}`;
}

function dbKey(t: HbaToken): string {
  return isDbKeyword(t) ? `k:${t.text}` : `n:${t.text}`;
}

/** The first `bits` bits of an address, as a key. */
function prefixKey(ip: IpAddress, bits: number): string {
  let key = `${ip.family}/${bits}:`;
  for (let i = 0; i * 8 < bits; i++) {
    const keep = Math.min(8, bits - i * 8);
    key += `${(ip.bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff)}.`;
  }
  return key;
}

/** How many leading one bits a mask has. */
function leadingOnes(mask: readonly number[]): number {
  let n = 0;
  for (const b of mask) {
    for (let k = 7; k >= 0; k--) {
      if (((b >> k) & 1) === 0) return n;
      n++;
    }
  }
  return n;
}

class CoverIndex {
  private readonly roles = new Buckets();
  private readonly dbs = new Buckets();
  private readonly addrs = new Buckets();

  constructor(private readonly major: number) {}

  add(r: HbaRecord, i: number): void {
    if (r.roles.some((t) => isKeyword(t, 'all'))) this.roles.wild.push(i);
    else for (const t of r.roles) if (simpleToken(t, this.major)) this.roles.add(roleKey(t), i);

    if (r.databases.some((t) => isKeyword(t, 'all'))) this.dbs.wild.push(i);
    // `all` does not cover the replication keyword, so that one is indexed too.
    for (const t of r.databases) if (simpleToken(t, this.major) && !isKeyword(t, 'all')) this.dbs.add(dbKey(t), i);

    if (r.conntype === 'local') {
      this.addrs.add('local', i);
      return;
    }
    const a = r.address;
    if (a === undefined) return;
    if (a.kind === 'all') this.addrs.wild.push(i);
    else if (a.kind === 'samehost' || a.kind === 'samenet') this.addrs.add(a.kind, i);
    else if (a.kind === 'hostname') this.addrs.add(`h:${a.name.toLowerCase()}`, i);
    else if (a.kind === 'ip') {
      const bits = maskLength(a.mask);
      // A mask with holes is rare: such a record is a candidate for every address.
      if (bits === undefined) this.addrs.wild.push(i);
      else this.addrs.add(prefixKey(a.ip, bits), i);
    }
  }

  private roleCandidates(r: HbaRecord): readonly (readonly number[])[] {
    const t = r.roles[0];
    if (t === undefined || !simpleToken(t, this.major) || isKeyword(t, 'all')) return [this.roles.wild];
    if (isGroup(t)) return [this.roles.wild, this.roles.get(roleKey(t))];
    // A group line `+r` also matches role r itself.
    return [this.roles.wild, this.roles.get(`n:${t.text}`), this.roles.get(`g:${t.text}`)];
  }

  private dbCandidates(r: HbaRecord): readonly (readonly number[])[] {
    const t = r.databases[0];
    if (t === undefined || !simpleToken(t, this.major)) return NONE;
    if (isKeyword(t, 'replication')) return [this.dbs.get('k:replication')];
    return [this.dbs.wild, this.dbs.get(dbKey(t))];
  }

  private addrCandidates(r: HbaRecord): readonly (readonly number[])[] {
    if (r.conntype === 'local') return [this.addrs.get('local')];
    const a = r.address;
    if (a === undefined) return NONE;
    switch (a.kind) {
      case 'all': return [this.addrs.wild];
      case 'samehost': return [this.addrs.wild, this.addrs.get('samehost'), this.addrs.get('samenet')];
      case 'samenet': return [this.addrs.wild, this.addrs.get('samenet')];
      case 'hostname': return [this.addrs.wild, this.addrs.get(`h:${a.name.toLowerCase()}`)];
      case 'ip': {
        // A network of b bits contains this one when this mask fixes those b bits too and the
        // addresses agree on them.
        const out: (readonly number[])[] = [this.addrs.wild];
        const fixed = leadingOnes(a.mask);
        for (let bits = 0; bits <= fixed; bits++) {
          const list = this.addrs.get(prefixKey(a.ip, bits));
          if (list.length > 0) out.push(list);
        }
        return out;
      }
    }
  }

  /** Indexes, in file order, of the earlier records that may cover `r`: the shortest of the three lists. */
  candidates(r: HbaRecord): number[] {
    let best: readonly (readonly number[])[] = NONE;
    let bestSize = Infinity;
    // The address list costs a lookup per prefix length: it is built only when the others are long.
    const dimensions = [(): readonly (readonly number[])[] => this.roleCandidates(r), (): readonly (readonly number[])[] => this.dbCandidates(r),
      (): readonly (readonly number[])[] => this.addrCandidates(r)];
    for (const dimension of dimensions) {
      const lists = dimension();
      let size = 0;
      for (const l of lists) size += l.length;
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
      if (bestSize <= FEW) break;
    }
    const nonEmpty = best.filter((l) => l.length > 0);
    const merged = nonEmpty.flat();
    return nonEmpty.length > 1 ? merged.sort((x, y) => x - y) : merged;
  }
}

/** For each record, the first earlier one that catches every connection it would match, if any. */
export function firstCoveringRecords(records: readonly HbaRecord[], major: number): (HbaRecord | undefined)[] {
  const index = new CoverIndex(major);
  return records.map((later, j) => {
    let found: HbaRecord | undefined;
    for (const i of index.candidates(later)) {
      const earlier = records[i] as HbaRecord;
      if (recordCovers(earlier, later, major)) {
        found = earlier;
        break;
      }
    }
    index.add(later, j);
    return found;
  });
}
