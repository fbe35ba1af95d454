// `npm run bench`: prints one line per measure, as a size or as a ratio against the raw tool.
// Benchmarks are never tests: nothing here fails on a slow number.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

console.log(`bundle dist/extension.js (minified): ${kib(statSync(path.join(root, 'dist/extension.js')).size)}`);

const vsce = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links',
  '--out', path.join(root, 'dist/pg-backup-studio.vsix')], { cwd: root, encoding: 'utf8' });
if (vsce.status === 0) console.log(`package dist/pg-backup-studio.vsix: ${kib(statSync(path.join(root, 'dist/pg-backup-studio.vsix')).size)} (limit 1536.0 KiB)`);
else console.log(`package: vsce failed: ${vsce.stderr.split('\n')[0]}`);

// Activation, measured inside a real extension host.
const benchOut = path.join(root, 'test-results', 'bench-activation.json');
const host = spawnSync('node', [path.join(root, 'scripts/run-integration.mjs'), '--tests', path.join(root, 'out/bench/activationHost')],
  { cwd: root, encoding: 'utf8', env: { ...process.env, PGBS_BENCH_OUT: benchOut }, timeout: 5 * 60 * 1000 });
if (host.status === 0 && existsSync(benchOut)) {
  const { activationMs, wasActive } = JSON.parse(readFileSync(benchOut, 'utf8'));
  console.log(`activation in the extension host: ${activationMs.toFixed(1)} ms${wasActive ? ' (already active when measured)' : ''}`);
} else {
  console.log(`activation: the host run failed (${(host.stderr || host.stdout).trim().split('\n').slice(-1)[0]})`);
}

// Every other compiled benchmark prints its own lines.
const benchDir = path.join(root, 'out/bench');
for (const file of readdirSync(benchDir).filter((f) => f.endsWith('.js') && !f.endsWith('Host.js')).sort()) {
  const r = spawnSync('node', [path.join(benchDir, file)], { cwd: root, stdio: 'inherit', env: process.env, timeout: 10 * 60 * 1000 });
  if (r.error) console.log(`${file}: ${r.error.message}`);
  else if (r.status !== 0) console.log(`${file}: exited with ${r.status}`);
}
