// The rule of pg_probackup's do_retention_purge on verdicts and parent links: an expired backup
// stays when a kept incremental backup whose parent expired descends from it.
import * as assert from 'node:assert/strict';
import type { RetentionVerdict } from '../../../src/core/probackup/logLines';
import { retentionPurge } from '../../../src/core/probackup/retention';

const v = (backupId: string, mode: string, expired: boolean): RetentionVerdict => ({
  backupId, mode, status: 'OK', redundancy: { actual: 1, required: 1 }, window: { actual: '0d', required: '0d' }, expired,
});

describe('retention purge', () => {
  it('keeps the expired chain of a kept incremental backup, and deletes the other expired ones', () => {
    // Newest first, as pg_probackup lists them: F4 kept; F3 <- D3 (pinned) ; F1 <- P1 <- P2 expired.
    const verdicts = [v('F4', 'FULL', false), v('D3', 'DELTA', false), v('F3', 'FULL', true), v('P2', 'PAGE', true), v('P1', 'PAGE', true), v('F1', 'FULL', true)];
    const parent: Record<string, string> = { D3: 'F3', P2: 'P1', P1: 'F1' };
    const plan = retentionPurge(verdicts, (id) => parent[id]);
    assert.deepEqual(plan.deleted, ['P2', 'P1', 'F1']);
    assert.deepEqual(plan.retained, [{ backupId: 'F3', descendant: 'D3' }]);
  });

  it('spares the whole chain above a kept child, and nothing for an orphan whose parent is gone', () => {
    const verdicts = [v('D2', 'DELTA', false), v('D1', 'DELTA', true), v('F1', 'FULL', true), v('O1', 'DELTA', false), v('F0', 'FULL', true)];
    const parent: Record<string, string> = { D2: 'D1', D1: 'F1', O1: 'GONE' };
    const plan = retentionPurge(verdicts, (id) => parent[id]);
    assert.deepEqual(plan.retained.map((r) => r.backupId), ['D1', 'F1']);
    assert.deepEqual(plan.deleted, ['F0']);
  });
});
