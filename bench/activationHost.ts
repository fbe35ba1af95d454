// Loaded by the extension host instead of the test suites (scripts/bench.mjs): measures how long
// the extension takes to activate, from inside the host, and writes it where the bench reads it.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'pg-backup-studio.pg-backup-studio';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const wasActive = ext.isActive;
  const t0 = performance.now();
  await ext.activate();
  const activationMs = performance.now() - t0;
  const out = process.env['PGBS_BENCH_OUT'];
  if (out) writeFileSync(out, JSON.stringify({ activationMs, wasActive }));
}
