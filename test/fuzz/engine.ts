// Runs one fuzz target with fast-check: counts runs, catches what escapes the parser (an
// uncaught exception: fast-check shrinks it and gives a seed and path to replay), and times
// every input against a limit in milliseconds per kilobyte (inputs under 1 kB count as 1 kB).
// An input over the limit is measured twice more and counts only when its best time is over too.
import fc from 'fast-check';
import type { FuzzTarget } from './targets';

export interface SlowInput {
  readonly index: number;
  readonly bytes: number;
  readonly ms: number;
  readonly msPerKb: number;
  readonly input: unknown;
}

export interface TargetReport {
  readonly name: string;
  readonly seed: number;
  readonly runs: number;
  /** 0 or 1: fast-check stops at the first failure. */
  readonly uncaught: number;
  readonly failure?: { readonly seed: number; readonly path: string | undefined; readonly error: string; readonly input: unknown };
  readonly slowest: SlowInput | undefined;
  /** Inputs whose best of three times was over the limit. */
  readonly offenders: readonly SlowInput[];
  readonly elapsedMs: number;
  readonly totalBytes: number;
}

export interface EngineOptions {
  readonly runs: number;
  readonly seed: number;
  readonly limitMsPerKb: number;
  /** Replay a failure: the path fast-check printed for it. */
  readonly path?: string;
}

const perKb = (ms: number, bytes: number): number => ms / Math.max(1, bytes / 1024);

export async function runTarget(t: FuzzTarget, o: EngineOptions): Promise<TargetReport> {
  let runs = 0;
  let totalBytes = 0;
  let slowest: SlowInput | undefined;
  const offenders: SlowInput[] = [];

  const timeOnce = async (input: unknown): Promise<number> => {
    const start = performance.now();
    const r = t.run(input);
    if (t.async) await r;
    return performance.now() - start;
  };
  const observe = async (input: unknown, ms: number): Promise<void> => {
    const bytes = t.size(input);
    totalBytes += bytes;
    let best = ms;
    if (perKb(ms, bytes) > o.limitMsPerKb) {
      for (let k = 0; k < 2 && perKb(best, bytes) > o.limitMsPerKb; k++) best = Math.min(best, await timeOnce(input));
      if (perKb(best, bytes) > o.limitMsPerKb) offenders.push({ index: runs, bytes, ms: best, msPerKb: perKb(best, bytes), input });
    }
    const rate = perKb(best, bytes);
    if (!slowest || rate > slowest.msPerKb) slowest = { index: runs, bytes, ms: best, msPerKb: rate, input };
    runs++;
  };

  const params: fc.Parameters<[unknown]> = {
    numRuns: o.runs,
    seed: o.seed,
    ...(o.path !== undefined ? { path: o.path } : {}),
    ...(t.noShrink ? { endOnFailure: true } : {}),
  };
  const started = performance.now();
  let details: fc.RunDetails<[unknown]>;
  if (t.async) {
    details = await fc.check(fc.asyncProperty(t.arbitrary, async (input) => {
      const ms = await timeOnce(input);
      await observe(input, ms);
    }), params);
  } else {
    // A synchronous property keeps fast-check's overhead per run small; the rare re-measure is sync too.
    details = fc.check(fc.property(t.arbitrary, (input) => {
      const start = performance.now();
      t.run(input);
      const ms = performance.now() - start;
      const bytes = t.size(input);
      totalBytes += bytes;
      let best = ms;
      for (let k = 0; k < 2 && perKb(best, bytes) > o.limitMsPerKb; k++) {
        const s2 = performance.now();
        t.run(input);
        best = Math.min(best, performance.now() - s2);
      }
      const rate = perKb(best, bytes);
      const slow = { index: runs, bytes, ms: best, msPerKb: rate, input };
      if (rate > o.limitMsPerKb) offenders.push(slow);
      if (!slowest || rate > slowest.msPerKb) slowest = slow;
      runs++;
    }), params);
  }
  const elapsedMs = performance.now() - started;
  const failure = details.failed
    ? {
      seed: details.seed,
      path: details.counterexamplePath ?? undefined,
      error: details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance),
      input: details.counterexample?.[0],
    }
    : undefined;
  return {
    name: t.name,
    seed: o.seed,
    runs: details.numRuns,
    uncaught: details.failed ? 1 : 0,
    ...(failure ? { failure } : {}),
    slowest,
    offenders,
    elapsedMs,
    totalBytes,
  };
}

/** A short printable form of an input (text or bytes) for a report. */
export function preview(input: unknown, max = 160): string {
  if (input instanceof Uint8Array) return `<${input.length} bytes>`;
  const s = JSON.stringify(input) ?? String(input);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}
