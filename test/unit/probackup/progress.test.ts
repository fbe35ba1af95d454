import * as assert from 'node:assert/strict';
import type { ProgressState, TrackedCommand } from '../../../src/core/probackup/progress';
import { createProgressTracker, parseProgressLine, phasesOf } from '../../../src/core/probackup/progress';
import { readPb } from './recorded';

function replay(command: TrackedCommand, file: string): { states: ProgressState[]; lines: string[] } {
  const tracker = createProgressTracker(command);
  const lines = readPb(file).split('\n');
  const states: ProgressState[] = [];
  for (const line of lines) {
    const s = tracker.push(line);
    if (s) states.push(s);
  }
  return { states, lines };
}

function assertMonotonic(states: readonly ProgressState[]): void {
  for (let i = 1; i < states.length; i++) {
    assert.ok(states[i]!.fraction >= states[i - 1]!.fraction, `fraction went back at update ${i}`);
    assert.ok(states[i]!.fraction >= 0 && states[i]!.fraction <= 1);
  }
}

describe('pg_probackup progress', () => {
  it('parses the counted and the closing progress lines', () => {
    assert.deepEqual(parseProgressLine('INFO: Progress: (2/1291). Process file "base/1/4153"'), {
      verb: 'Process', done: 2, total: 1291, file: 'base/1/4153',
    });
    assert.deepEqual(parseProgressLine('INFO: Progress: (41/41). Delete file "database/base/1/112"')?.verb, 'Delete');
    assert.deepEqual(parseProgressLine('INFO: Progress: Restore file "global/pg_control"'), {
      verb: 'Restore', done: undefined, total: undefined, file: 'global/pg_control',
    });
    assert.equal(parseProgressLine('INFO: Backup TP0QVU completed'), undefined);
    assert.equal(parseProgressLine('INFO: Progress: (5/4). Process file "x"'), undefined);
  });

  for (const [command, file] of [
    ['backup', 'lesson/backup_ok.txt'],
    ['restore', 'archive-mode/restore.txt'],
    ['merge', 'scram-signals-retention/merge.txt'],
  ] as const) {
    it(`moves forward and reaches 1 on the recorded ${command} (${file})`, () => {
      const { states, lines } = replay(command, file);
      // Every `Progress:` line of the recording is understood.
      const progressLines = lines.filter((l) => l.startsWith('INFO: Progress:'));
      assert.equal(states.length, progressLines.length);
      assertMonotonic(states);
      assert.equal(states[states.length - 1]!.fraction, 1);
      assert.ok(states[0]!.fraction < 0.01, 'starts near 0');
      // The bar is not stuck at 1 long before the end: the first half of the updates stays below 1.
      assert.ok(states[Math.floor(states.length / 2)]!.fraction < 1);
      // Every planned phase shows up by name.
      const names = new Set(states.map((s) => s.phase));
      for (const p of phasesOf(command)) assert.ok(names.has(p.name), `phase ${p.name}`);
    });
  }

  it('counts a backup line printed twice once', () => {
    const { states } = replay('backup', 'lesson/backup_ok.txt');
    const firstTwo = states.slice(0, 2);
    assert.equal(firstTwo[0]!.fraction, firstTwo[1]!.fraction);
    assert.equal(firstTwo[0]!.done, 1);
  });

  it('never reaches 1 on a cancelled backup, until told it completed', () => {
    const tracker = createProgressTracker('backup');
    const states: ProgressState[] = [];
    for (const line of readPb('scram-signals-retention/backup_cancelled.txt').split('\n')) {
      const s = tracker.push(line);
      if (s) states.push(s);
    }
    assertMonotonic(states);
    assert.ok(states.length > 100);
    const last = states[states.length - 1]!;
    assert.ok(last.fraction < 1 && last.fraction > 0.5, `stopped at ${last.fraction}`);
    assert.equal(last.phase, 'Copying files');
    assert.equal(tracker.complete().fraction, 1);
  });

  it('stays monotonic when threads print counts out of order', () => {
    const tracker = createProgressTracker('validate');
    const a = tracker.push('INFO: Progress: (10/100). Validate file "a"')!;
    const b = tracker.push('INFO: Progress: (7/100). Validate file "b"')!;
    assert.equal(a.fraction, 0.1);
    assert.equal(b.fraction, 0.1);
    assert.equal(b.done, 7);
  });
});
