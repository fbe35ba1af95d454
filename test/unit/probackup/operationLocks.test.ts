import * as assert from 'node:assert/strict';
import { OperationLocks } from '../../../src/core/probackup/operationLocks';
import type { HeldLock } from '../../../src/core/probackup/operationLocks';

function held(r: HeldLock | { readonly busyWith: string }): HeldLock {
  assert.ok('release' in r, `expected the lock, got busy with ${'busyWith' in r ? r.busyWith : ''}`);
  return r;
}

describe('OperationLocks: one operation per instance', () => {
  it('refuses a second operation on the same instance, naming the first, until it is released', () => {
    const locks = new OperationLocks();
    const key = OperationLocks.key('/srv/cat', 'main');
    const first = held(locks.tryAcquire(key, 'backup FULL'));
    assert.deepEqual(locks.tryAcquire(key, 'validate'), { busyWith: 'backup FULL' });
    assert.equal(locks.busyWith(key), 'backup FULL');
    first.release();
    assert.equal(locks.busyWith(key), undefined);
    held(locks.tryAcquire(key, 'validate'));
  });

  it('lets other instances and other catalogs run at the same time', () => {
    const locks = new OperationLocks();
    held(locks.tryAcquire(OperationLocks.key('/srv/cat', 'main'), 'backup'));
    held(locks.tryAcquire(OperationLocks.key('/srv/cat', 'other'), 'backup'));
    held(locks.tryAcquire(OperationLocks.key('/srv/cat2', 'main'), 'backup'));
  });

  it('makes a catalog-wide operation conflict with every instance of that catalog, both ways', () => {
    const locks = new OperationLocks();
    const whole = held(locks.tryAcquire(OperationLocks.key('/srv/cat', undefined), 'validate catalog'));
    assert.deepEqual(locks.tryAcquire(OperationLocks.key('/srv/cat', 'main'), 'backup'), { busyWith: 'validate catalog' });
    held(locks.tryAcquire(OperationLocks.key('/srv/other', 'main'), 'backup'));
    whole.release();
    held(locks.tryAcquire(OperationLocks.key('/srv/cat', 'main'), 'backup'));
    assert.deepEqual(locks.tryAcquire(OperationLocks.key('/srv/cat', undefined), 'init'), { busyWith: 'backup' });
  });

  it('does not confuse a catalog whose path is a prefix of another', () => {
    const locks = new OperationLocks();
    held(locks.tryAcquire(OperationLocks.key('/srv/cat', undefined), 'validate'));
    held(locks.tryAcquire(OperationLocks.key('/srv/cat2', 'main'), 'backup'));
  });

  it('a stale release does not free a lock taken again by someone else', () => {
    const locks = new OperationLocks();
    const key = OperationLocks.key('/srv/cat', 'main');
    const a = held(locks.tryAcquire(key, 'backup'));
    a.release();
    held(locks.tryAcquire(key, 'merge'));
    a.release(); // twice: must not drop the merge's lock
    assert.equal(locks.busyWith(key), 'merge');
  });
});
