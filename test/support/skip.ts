// Skipping with a reason that the report prints: a skipped test is never counted as a pass.
import type Mocha from 'mocha';

/** Marks the running test (or every test of a hook's suite) skipped, with a reason the report prints. */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const target = ctx.currentTest ?? ctx.test;
  if (target) (target as { skipReason?: string }).skipReason = reason;
  // Skipped from a before() hook: every test of the suite is skipped for that reason.
  const suite = (ctx.test as { type?: string } | undefined)?.type === 'hook' ? ctx.test?.parent : undefined;
  if (suite) for (const t of suite.tests) (t as { skipReason?: string }).skipReason ??= reason;
  ctx.skip();
}
