// Reads the recorded pg_probackup runs in the shared fixtures as RunResults: pg_probackup logs
// to stderr, and the recorder appended the exit code as a last line `rc=N`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { RunResult } from '../../../src/core/process/runner';
import { fixture } from '../../support/paths';

export const PB_DIR = 'pg_probackup-2.5.16-pg15';

export function pbFixture(...parts: string[]): string {
  return fixture(PB_DIR, ...parts);
}

export function readPb(rel: string): string {
  return readFileSync(pbFixture(rel), 'utf8');
}

/** The exit code the recorder appended, if any. */
export function recordedExitCode(text: string): number | undefined {
  const m = /(?:^|\n)rc=(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A recorded log run as the runner would return it; exitCode from `rc=N`, else the given default. */
export function recordedRun(rel: string, defaultExit = 0): RunResult {
  const text = readPb(rel);
  const rc = recordedExitCode(text);
  const stderr = text.replace(/(?:^|\n)rc=\d+\s*$/, '\n');
  return { file: 'pg_probackup', args: [], exitCode: rc ?? defaultExit, stdout: '', stderr, cancelled: false, durationMs: 0 };
}

/** A recorded JSON output as the stdout of a successful run. */
export function jsonRun(rel: string): RunResult {
  return { file: 'pg_probackup', args: [], exitCode: 0, stdout: readPb(rel), stderr: '', cancelled: false, durationMs: 0 };
}

/** Every file under the pg_probackup fixtures, relative to it, found by walking the directory. */
export function allPbFiles(): string[] {
  const root = pbFixture();
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  // Without the fixtures the suites that use them are skipped (fixtureHooks.ts); loading must not throw.
  if (existsSync(root)) walk(root);
  return out;
}
