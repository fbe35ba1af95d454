// Measures the pg_waldump line parser (and, when present, the TextMate grammar) over the
// recorded fixtures concatenated a few times. Prints lines per second; it asserts nothing.
//   npx tsc -p tsconfig.json && node out/bench/waldumpParser.js [rounds] [repeats]
// Lines cut from a file with split() are slices of the file's string; an editor or a stream
// reader may hand over slices, joined (rope) strings or flat ones. The scanner is measured on
// both the split lines and flat copies, so that the number is the parser, not string layout.
// Every measure is repeated and the best CPU time is kept (the machine is shared).
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

/** A flat (sequential) copy of a string: neither a slice of a bigger one nor a rope. */
function flat(l: string): string {
  return Buffer.from(l, 'utf8').toString('utf8');
}

let repeats = 3;

/**
 * Times `pass` (one pass over the lines, returning a count) `rounds` times, best of `repeats`.
 * Each measure gets its own pass function, with the parser called directly in it: a shared loop
 * calling `fn(l)` would be a call site that sees every parser, which the compiler cannot
 * inline, so the number would include a generic call per line that real callers do not pay.
 */
function time(label: string, lines: readonly string[], rounds: number, pass: (lines: readonly string[]) => number): number {
  let sink = 0;
  for (let w = 0; w < 3; w++) sink += pass(lines); // warm-up
  // CPU time of this process, so that other work on a shared machine distorts less
  let best = Infinity;
  for (let k = 0; k < repeats; k++) {
    const t0 = process.cpuUsage();
    for (let r = 0; r < rounds; r++) sink += pass(lines);
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  const rate = (lines.length * rounds) / (best / 1000);
  console.log(`${label.padEnd(44)} ${(rate / 1e6).toFixed(2)} M lines/s  (${lines.length * rounds} lines, best ${best.toFixed(0)} ms CPU of ${repeats}, sink ${sink})`);
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
  repeats = Number(process.argv[3] ?? '3');
  const lines = loadLines();
  const flatLines = lines.map(flat);
  console.log(`${lines.length} fixture lines, ${rounds} rounds, best of ${repeats}`);
  time('plain regex, header fields only (flat)', flatLines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) if (RECORD_REGEX.exec(l)) k++;
    return k;
  });
  const regex = time('regex, header + block references (flat)', flatLines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) if (regexParse(l)) k++;
    return k;
  });
  time('scanner: record + blkrefs (split lines)', lines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) if (parseWaldumpLine(l).kind === 'record') k++;
    return k;
  });
  const scan = time('scanner: record + blkrefs (flat)', flatLines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) if (parseWaldumpLine(l).kind === 'record') k++;
    return k;
  });
  time('scanner + blkref objects (flat)', flatLines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) {
      const r = parseWaldumpLine(l);
      k += r.kind === 'record' ? r.blockRefs.length + 1 : 1;
    }
    return k;
  });
  time('scanner + desc fields (flat)', flatLines, rounds, (ls) => {
    let k = 0;
    for (const l of ls) {
      const r = parseWaldumpLine(l);
      k += r.kind === 'record' ? parseDescFields(r.line, r.descStart, r.descEnd).length + 1 : 1;
    }
    return k;
  });
  console.log(`scanner / regex: ${(scan / regex).toFixed(2)}x`);
  await benchGrammar(flatLines);
}

void main();
