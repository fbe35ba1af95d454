// Lints a 10,000-line postgresql.conf tree with 50 included files (the checker issue's measure:
// target < 50 ms), and a pg_hba.conf of 1,000 and of 20,000 lines (the search for shadowed
// lines compared every pair of lines once: 20,000 took seconds), through the same core entry point the
// editor uses. Files are served from memory, as the editor serves unsaved buffers. Prints
// numbers; asserts nothing.
import { checkReadiness } from '../src/core/pgconf/readiness';
import { overlayConfReader } from '../src/core/pgconf/confReaders';
import { paramFacts } from '../src/core/pgconf/paramFacts';

const MAJOR = 17;
const ROOT = '/bench/data';

/** Lines of a generated pg_hba.conf; with `mixed`, one line in three is for all roles or all databases, and some for wider networks. */
function hbaLine(i: number, mixed: boolean): string {
  const net = `10.${(i >> 8) & 255}.${i & 255}.0/24`;
  if (!mixed || i % 3 === 0) return `host  db${i}  user${i}  ${net}  scram-sha-256`;
  if (i % 3 === 1) return `hostssl  db${i % 50}  all  ${net}  scram-sha-256`;
  return `host  all  user${i % 70}  10.${(i >> 8) & 255}.0.0/16  scram-sha-256`;
}

function buildTree(totalLines: number, includes: number, hbaLines: number, mixed = false): Map<string, string> {
  const names = [...paramFacts(MAJOR).params.keys()];
  const files = new Map<string, string>();
  const perFile = Math.floor(totalLines / (includes + 1));
  let n = 0;
  const body = (count: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < count; i++, n++) {
      const name = names[n % names.length]!;
      // A mix of the shapes real files have: comments, quoted values, units, both separators.
      if (i % 5 === 0) out.push(`# ${name}: a comment line ${n}`);
      else if (i % 5 === 1) out.push(`${name} = 'value ${n}'   # trailing comment`);
      else if (i % 5 === 2) out.push(`${name} = ${n % 1000}MB`);
      else if (i % 5 === 3) out.push(`${name} ${n % 97}`);
      else out.push('');
    }
    return out;
  };
  const main = body(perFile);
  for (let k = 0; k < includes; k++) {
    const file = `conf.d/${String(k).padStart(2, '0')}.conf`;
    main.push(`include '${file}'`);
    files.set(`${ROOT}/${file}`, body(perFile).join('\n'));
  }
  main.push("wal_level = replica", 'max_wal_senders = 4');
  files.set(`${ROOT}/postgresql.conf`, main.join('\n'));
  const hba: string[] = [];
  for (let i = 0; i < hbaLines; i++) hba.push(hbaLine(i, mixed));
  hba.push('host replication backup_user 127.0.0.1/32 scram-sha-256');
  files.set(`${ROOT}/pg_hba.conf`, hba.join('\n'));
  return files;
}

async function measure(label: string, files: Map<string, string>, rounds: number): Promise<void> {
  const reader = overlayConfReader(files);
  const options = { configFile: `${ROOT}/postgresql.conf`, major: MAJOR, walMode: 'stream' as const, backupRole: 'backup_user', clientAddress: '127.0.0.1' };
  let findings = 0;
  for (let i = 0; i < 3; i++) findings = (await checkReadiness(reader, options)).findings.length; // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await checkReadiness(reader, options);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const lines = [...files.values()].reduce((s, t) => s + t.split('\n').length, 0);
  console.log(`pgconf lint, ${label}: ${lines} lines in ${files.size} files, median ${times[times.length >> 1]!.toFixed(1)} ms (target < 50 ms), ${findings} findings`);
}

async function main(): Promise<void> {
  await measure('10,000-line postgresql.conf with 50 includes + 100-line pg_hba.conf', buildTree(10_000, 50, 100), 15);
  await measure('same with a 1,000-line pg_hba.conf', buildTree(10_000, 50, 1_000), 5);
  await measure('same with a 20,000-line pg_hba.conf, a third of its lines for all roles or databases', buildTree(10_000, 50, 20_000, true), 3);
}

void main();
