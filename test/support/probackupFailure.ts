// The ProbackupError a pg_probackup run must fail with, for tests that expect a refusal.
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
