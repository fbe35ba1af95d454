// The ProbackupError a pg_probackup run (or a builder) must fail with, for tests that expect a refusal.
import * as assert from 'node:assert/strict';
import { ProbackupError } from '../../src/core/probackup/probackupError';

export async function failure(p: Promise<unknown>): Promise<ProbackupError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProbackupError, `a ProbackupError, not ${String(e)}`);
    return e;
  }
  return assert.fail('expected the run to fail');
}

/** The ProbackupError a synchronous call (a parser, a builder) throws. */
export function thrown(fn: () => unknown): ProbackupError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProbackupError, String(e));
    return e;
  }
  return assert.fail('expected a ProbackupError');
}
