// Measures the pg_waldump line parser (and, when present, the TextMate grammar) over the
// recorded fixtures concatenated a few times. Prints lines per second; it asserts nothing.
//   npx tsc -p tsconfig.json && node out/bench/waldumpParser.js [rounds]
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseWaldumpLine } from '../src/core/waldump/recordLineParser';
import { parseDescFields } from '../src/core/waldump/descFields';
import { fixture } from '../test/support/paths';
import { benchGrammar } from './waldumpGrammarBench';

const RECORD_REGEX =
  /^rmgr: (\S+)\s+len \(rec\/tot\):\s+(\d+)\/\s*(\d+), tx:\s+(\d+), lsn: ([0-9A-F]+)\/([0-9A-F]+), prev ([0-9A-F]+)\/([0-9A-F]+), desc: (\S+) ?(.*)$/;
const BLKREF_REGEX = /, blkref #(\d+): rel (\d+)\/(\d+)\/(\d+)(?: fork (\w+))? blk (\d+)( FPW(?: for WAL verification)?)?/g;

function loadLines(): string[] {
  const lines: string[] = [];
  for (const dir of ['pg15', 'pg17', 'pg17-from-lesson']) {
    const d = fixture('pg_waldump', dir);
    for (const f of readdirSync(d).sort()) {
      if (!f.startsWith('waldump_') || f.includes('stats') || f.includes('rmgr_list')) continue;
      const text = readFileSync(path.join(d, f), 'utf8');
      for (const l of text.split('\n')) if (l !== '') lines.push(l);
    }
  }
  return lines;
}

function time(label: string, lines: readonly string[], rounds: number, fn: (l: string) => unknown): number {
  let sink = 0;
  for (let w = 0; w < 2; w++) for (const l of lines) if (fn(l)) sink++; // warm-up
  // CPU time of this process, so that other work on a shared machine distorts less
  const t0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const l of lines) if (fn(l)) sink++;
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  const rate = (lines.length * rounds) / (ms / 1000);
  console.log(`${label.padEnd(44)} ${(rate / 1e6).toFixed(2)} M lines/s  (${lines.length * rounds} lines, ${ms.toFixed(0)} ms CPU, sink ${sink})`);
  return rate;
}

function regexParse(l: string): unknown {
  const m = RECORD_REGEX.exec(l);
  if (!m) return undefined;
  const refs: unknown[] = [];
  for (const b of l.matchAll(BLKREF_REGEX)) refs.push({ id: Number(b[1]), spc: Number(b[2]), db: Number(b[3]), rel: Number(b[4]), fork: b[5] ?? 'main', blk: Number(b[6]), fpw: b[7] !== undefined });
  return { rmgr: m[1], rec: Number(m[2]), tot: Number(m[3]), xid: Number(m[4]), lsnHi: parseInt(m[5] ?? '', 16), lsnLo: parseInt(m[6] ?? '', 16), prevHi: parseInt(m[7] ?? '', 16), prevLo: parseInt(m[8] ?? '', 16), type: m[9], desc: m[10], refs };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? '5');
  const lines = loadLines();
  console.log(`${lines.length} fixture lines, ${rounds} rounds`);
  time('plain regex, header fields only', lines, rounds, (l) => RECORD_REGEX.exec(l));
  const regex = time('regex, header + block references', lines, rounds, regexParse);
  const scan = time('scanner: record + blkrefs', lines, rounds, parseWaldumpLine);
  time('scanner + desc fields', lines, rounds, (l) => {
    const r = parseWaldumpLine(l);
    return r.kind === 'record' ? parseDescFields(r.line, r.descStart, r.descEnd).length + 1 : 1;
  });
  console.log(`scanner / regex: ${(scan / regex).toFixed(2)}x`);
  await benchGrammar(lines);
}

void main();
