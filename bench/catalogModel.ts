// Parses `show --format=json` (and `show --archive`) for 10,000 backups generated from the
// recorded records, builds the catalog model with its recoverable window, and derives what the
// tree shows for every backup (label, description, tooltip rows' sizes and times). Prints
// milliseconds (best of several rounds, the machine is shared); it asserts nothing.
//   npx tsc -p tsconfig.json && node out/bench/catalogModel.js [backups]
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { walkNodes } from '../src/core/probackup/catalogModel';
import type { BackupNode } from '../src/core/probackup/catalogModel';
import { readCatalogJson } from '../src/core/probackup/catalogReader';
import { formatBytes, formatTime } from '../src/core/probackup/format';
import { fixture } from '../test/support/paths';

type Raw = Record<string, unknown>;
const DIR = fixture('pg_probackup-2.5.16-pg15');
const SEG = 16 * 1024 * 1024;

/** Every backup record of the recorded `show` outputs, by mode. */
function recordedBackups(): { full: Raw[]; incr: Raw[] } {
  const full: Raw[] = [];
  const incr: Raw[] = [];
  for (const sub of readdirSync(DIR)) {
    let names: string[];
    try {
      names = readdirSync(path.join(DIR, sub));
    } catch {
      continue;
    }
    for (const f of names.filter((n) => /^show.*\.json$/.test(n) && !/archive|config/.test(n))) {
      const json = JSON.parse(readFileSync(path.join(DIR, sub, f), 'utf8')) as unknown;
      for (const inst of Array.isArray(json) ? (json as { backups?: Raw[] }[]) : []) {
        for (const b of inst.backups ?? []) (b['backup-mode'] === 'FULL' ? full : incr).push(b);
      }
    }
  }
  return { full, incr };
}

const hex = (n: number): string => n.toString(16).toUpperCase();
const lsn = (v: number): string => `${hex(Math.floor(v / 2 ** 32))}/${hex(v % 2 ** 32)}`;
const segName = (tli: number, segno: number): string =>
  `${hex(tli).padStart(8, '0')}${hex(Math.floor(segno / 256)).padStart(8, '0')}${hex(segno % 256).padStart(8, '0')}`;
const time = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00`;

/**
 * `count` backups in chains of one FULL and 0–9 incrementals; times and LSNs grow; a few
 * ERROR, CORRUPT (with ORPHAN children), one RUNNING at the end; pinned and noted ones.
 * Newest first, as pg_probackup prints them. Also a `show --archive` with the backups on
 * one timeline and a lost range.
 */
function generate(count: number): { show: string; archive: string } {
  const { full, incr } = recordedBackups();
  if (full.length === 0 || incr.length === 0) throw new Error(`no recorded backups under ${DIR}`);
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: Raw[] = [];
  let t = Date.UTC(2024, 0, 1);
  let pos = 2 * SEG;
  let parent: string | undefined;
  let left = 0;
  let corrupt = false;
  for (let i = 0; i < count; i++) {
    t += 3600_000 + Math.floor(rnd() * 600_000);
    const id = Math.floor(t / 1000).toString(36).toUpperCase();
    const startFull = left === 0 || parent === undefined;
    const tpl = startFull ? full[i % full.length]! : incr[i % incr.length]!;
    const b: Raw = { ...tpl, id, 'start-time': time(t), 'end-time': time(t + 20_000), 'recovery-time': time(t + 10_000) };
    const start = pos + 40;
    pos += SEG * (1 + Math.floor(rnd() * 3));
    b['start-lsn'] = lsn(start);
    b['stop-lsn'] = lsn(pos - SEG + 0x2000);
    b['current-tli'] = 1;
    b['recovery-xid'] = 700 + i * 13;
    if (startFull) {
      delete b['parent-backup-id'];
      b['backup-mode'] = 'FULL';
      b['parent-tli'] = 0;
      left = Math.floor(rnd() * 10);
      corrupt = false;
    } else {
      b['parent-backup-id'] = parent;
      b['backup-mode'] = ['DELTA', 'PAGE', 'DELTA', 'PTRACK'][i % 4];
      b['parent-tli'] = 1;
      left--;
    }
    const r = rnd();
    if (corrupt) b['status'] = 'ORPHAN';
    else if (r < 0.01) {
      b['status'] = 'CORRUPT';
      corrupt = true;
    } else if (r < 0.03) b['status'] = 'ERROR';
    else b['status'] = r < 0.05 ? 'DONE' : 'OK';
    if (rnd() < 0.05) b['expire-time'] = time(t + 7 * 86_400_000);
    else delete b['expire-time'];
    if (rnd() < 0.1) b['note'] = `nightly ${i}`;
    else delete b['note'];
    if (b['status'] !== 'ERROR') parent = id;
    out.push(b);
  }
  out[out.length - 1]!['status'] = 'RUNNING';
  out.reverse();
  const lastSeg = Math.floor(pos / SEG);
  const lostAt = Math.floor(lastSeg * 0.7);
  const timeline = {
    tli: 1, 'parent-tli': 0, switchpoint: '0/0', 'min-segno': segName(1, 2), 'max-segno': segName(1, lastSeg),
    'n-segments': lastSeg - 1 - 3, size: (lastSeg - 4) * SEG, zratio: 1.0, 'closest-backup-id': '', status: 'DEGRADED',
    'lost-segments': [{ 'begin-segno': segName(1, lostAt), 'end-segno': segName(1, lostAt + 2) }],
    backups: out,
  };
  return {
    show: JSON.stringify([{ instance: 'main', backups: out }], null, 4),
    archive: JSON.stringify([{ instance: 'main', timelines: [timeline] }], null, 4),
  };
}

/** What the tree shows for a backup: the label, the description and the tooltip's sizes and times. */
function itemText(n: BackupNode): number {
  const b = n.backup;
  const label = `${b.id} ${b.mode} ${b.walMode}`;
  const orphan = n.orphanedBy;
  const cause = orphan ? (orphan.status === 'MISSING' ? ` — parent ${orphan.backupId} missing` : ` — parent ${orphan.backupId} is ${orphan.status}`) : '';
  const description = `${formatTime(b.startTime)} · ${b.status}${cause}${b.expireTime !== undefined ? ' · pinned' : ''}`;
  const rows = [
    formatTime(b.endTime), formatTime(b.recoveryTime), formatBytes(b.dataBytes), formatBytes(b.walBytes),
    formatBytes(b.uncompressedBytes), formatBytes(b.pgdataBytes), b.startLsn ?? '', b.stopLsn ?? '',
  ];
  return label.length + description.length + rows.join('|').length;
}

interface Measure {
  readonly wall: number;
  readonly cpu: number;
  readonly items: number;
  readonly backups: number;
  readonly window: string;
}

/** Parse + model + window, then the tree's text for every backup; wall and process CPU milliseconds. */
function once(show: string, archive: string | undefined): Measure {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const read = readCatalogJson(show, archive);
  if (read.kind !== 'ok') throw new Error(`${read.code}: ${read.message}`);
  const t1 = performance.now();
  let chars = 0;
  let backups = 0;
  for (const inst of read.model.instances) {
    for (const n of walkNodes(inst.chains)) {
      chars += itemText(n);
      backups++;
    }
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const w = read.model.instances[0]?.window;
  const window = w ? `from ${w.from.backupId} to ${w.to.kind === 'wal' ? `segment ${w.to.lastSegment}` : `backup end ${w.to.lsn ?? '?'}`}, ${w.ranges.length} restorable ranges` : 'none';
  if (chars === 0) throw new Error('nothing shown');
  return { wall: t2 - t0, cpu: (cpu.user + cpu.system) / 1000, items: t2 - t1, backups, window };
}

function best(rounds: number, show: string, archive: string | undefined): Measure {
  let b: Measure | undefined;
  for (let i = 0; i < rounds; i++) {
    const r = once(show, archive);
    if (!b || r.wall < b.wall) b = r;
  }
  return b!;
}

const count = Number(process.argv[2] ?? 10_000);
const { show, archive } = generate(count);
const rounds = 9;
const mb = (t: string): string => `${(t.length / 1e6).toFixed(1)} MB`;
const plain = best(rounds, show, undefined);
console.log(`catalog model, ${plain.backups} backups (show ${mb(show)} of JSON): parse + model + recoverable window + tree item text `
  + `${plain.wall.toFixed(1)} ms wall (${plain.cpu.toFixed(1)} ms CPU; tree text ${plain.items.toFixed(1)} ms), best of ${rounds}; target < 100 ms`);
const full = best(rounds, show, archive);
console.log(`catalog model with show --archive (+${mb(archive)}, the same backups again under their timeline): `
  + `${full.wall.toFixed(1)} ms wall (${full.cpu.toFixed(1)} ms CPU), best of ${rounds}; window ${full.window}`);
