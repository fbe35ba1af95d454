// Progress of a pg_probackup run from its `--progress` log lines:
//   INFO: Progress: (n/N). Process file "…"   backup, catchup, checkdb
//   INFO: Progress: (n/N). Validate file "…"  validate (also after backup, before restore/merge)
//   INFO: Progress: (n/N). Restore file "…"   restore
//   INFO: Progress: (n/N). Merging file "…"   merge
//   INFO: Progress: (n/N). Delete file "…"    delete (and merge's clean-up)
//   INFO: Thread [t]. Progress: (n/N). Amchecking index '…'   checkdb --amcheck, N per database
// and the count-less `Progress: Backup file "…"` / `Progress: Restore file "…"` that close a
// backup (pg_control) and a restore. A backup prints each counted line twice, and with -j the
// counts of parallel threads arrive out of order, so the tracker only ever moves forward.
import { parseLogLine } from './logLines';

export type ProgressVerb = 'Process' | 'Validate' | 'Restore' | 'Merging' | 'Delete' | 'Backup' | 'Amchecking';

export interface ProgressLine {
  readonly verb: ProgressVerb;
  /** Files done so far and in all; absent on the count-less closing lines. */
  readonly done: number | undefined;
  readonly total: number | undefined;
  readonly file: string;
}

const COUNTED_RE = /^Progress: \((\d+)\/(\d+)\)\. (Process|Validate|Restore|Merging|Delete) file "(.*)"$/;
const CLOSING_RE = /^Progress: (Backup|Restore) file "(.*)"$/;
const AMCHECK_RE = /^Thread \[\d+\]\. Progress: \((\d+)\/(\d+)\)\. Amchecking index '(.*)'$/;

/** One progress line (with or without its `INFO: ` prefix), or undefined. */
export function parseProgressLine(line: string): ProgressLine | undefined {
  const message = parseLogLine(line)?.message ?? line;
  const m = COUNTED_RE.exec(message);
  if (m) {
    const done = Number(m[1]);
    const total = Number(m[2]);
    if (!Number.isSafeInteger(done) || !Number.isSafeInteger(total) || total <= 0 || done > total) return undefined;
    return { verb: m[3] as ProgressVerb, done, total, file: m[4] ?? '' };
  }
  const c = CLOSING_RE.exec(message);
  if (c) return { verb: c[1] as ProgressVerb, done: undefined, total: undefined, file: c[2] ?? '' };
  const a = AMCHECK_RE.exec(message);
  if (a) {
    const done = Number(a[1]);
    const total = Number(a[2]);
    if (!Number.isSafeInteger(done) || !Number.isSafeInteger(total) || total <= 0 || done > total) return undefined;
    return { verb: 'Amchecking', done, total, file: a[3] ?? '' };
  }
  return undefined;
}

/** The command whose run is tracked; it decides how phases share the overall bar. */
export type TrackedCommand = 'backup' | 'restore' | 'validate' | 'merge' | 'delete' | 'checkdb' | 'checkdb-amcheck' | 'amcheck' | 'catchup';

export interface Phase {
  /** What the user reads: "Copying files", "Validating", ... */
  readonly name: string;
  readonly verb: ProgressVerb;
  /** Share of the overall bar, the phases of a command summing to 1. */
  readonly weight: number;
}

// Weights are rough shares of the time each phase takes in the recorded runs; only their order
// and sum matter for a bar that must never go back.
const PLANS: Readonly<Record<TrackedCommand, readonly Phase[]>> = {
  backup: [
    { name: 'Copying files', verb: 'Process', weight: 0.85 },
    { name: 'Validating', verb: 'Validate', weight: 0.15 },
  ],
  restore: [
    { name: 'Validating', verb: 'Validate', weight: 0.3 },
    { name: 'Restoring files', verb: 'Restore', weight: 0.7 },
  ],
  validate: [{ name: 'Validating', verb: 'Validate', weight: 1 }],
  merge: [
    { name: 'Validating', verb: 'Validate', weight: 0.3 },
    { name: 'Merging files', verb: 'Merging', weight: 0.5 },
    { name: 'Deleting merged backups', verb: 'Delete', weight: 0.05 },
    { name: 'Validating', verb: 'Validate', weight: 0.15 },
  ],
  delete: [{ name: 'Deleting files', verb: 'Delete', weight: 1 }],
  checkdb: [{ name: 'Checking files', verb: 'Process', weight: 1 }],
  // --amcheck: files, then each database's indexes (the count starts again for each database,
  // so the bar holds still until a database passes the point the previous one reached).
  'checkdb-amcheck': [
    { name: 'Checking files', verb: 'Process', weight: 0.6 },
    { name: 'Checking indexes', verb: 'Amchecking', weight: 0.4 },
  ],
  // --amcheck --skip-block-validation: indexes only.
  amcheck: [{ name: 'Checking indexes', verb: 'Amchecking', weight: 1 }],
  catchup: [{ name: 'Copying files', verb: 'Process', weight: 1 }],
};

export function phasesOf(command: TrackedCommand): readonly Phase[] {
  return PLANS[command];
}

export interface ProgressState {
  /** Overall fraction, 0..1, never decreasing. */
  readonly fraction: number;
  /** The phase the last progress line belongs to. */
  readonly phase: string;
  readonly done: number | undefined;
  readonly total: number | undefined;
  readonly file: string | undefined;
}

export interface ProgressTracker {
  /** Feeds one log line; returns the new state when it was a progress line, else undefined. */
  push(line: string): ProgressState | undefined;
  /** Marks the run finished successfully: the fraction becomes 1. */
  complete(): ProgressState;
  readonly state: ProgressState;
}

export function createProgressTracker(command: TrackedCommand): ProgressTracker {
  const plan = PLANS[command];
  let index = 0; // current phase in the plan
  let fraction = 0;
  let state: ProgressState = { fraction: 0, phase: plan[0]?.name ?? '', done: undefined, total: undefined, file: undefined };

  const start = (i: number): number => plan.slice(0, i).reduce((s, p) => s + p.weight, 0);

  // Indexes are counted per database, and how many databases follow is not known: each database
  // gets half of the share the ones before it left, so the bar keeps moving and fills at the end.
  let dbBase = 0;
  let dbSpan = 0;
  let lastIndex = Infinity;
  const amcheckShare = (done: number, total: number): number => {
    if (done <= lastIndex) {
      dbBase += dbSpan;
      dbSpan = (1 - dbBase) / 2;
    }
    lastIndex = done;
    return dbBase + dbSpan * (done / total);
  };

  const advance = (value: number): void => {
    if (value > fraction) fraction = Math.min(1, value);
  };

  return {
    push(line: string): ProgressState | undefined {
      const p = parseProgressLine(line);
      if (!p) return undefined;
      // The closing count-less lines belong to the phase that copies files.
      const verb: ProgressVerb = p.verb === 'Backup' ? 'Process' : p.verb;
      // Move to the first phase at or after the current one that this verb belongs to.
      let i = index;
      while (i < plan.length && plan[i]?.verb !== verb) i++;
      if (i >= plan.length) {
        // A verb of an earlier phase (e.g. validate of each parent before a restore): stay put.
        state = { ...state, done: p.done, total: p.total, file: p.file };
        return state;
      }
      if (i > index) advance(start(i));
      index = i;
      const phase = plan[i];
      if (phase && p.done !== undefined && p.total !== undefined) {
        // The last file of the last phase is the end, whatever rounding the weights leave; but
        // not the last index of one database, when others may follow.
        const end = i === plan.length - 1 && p.done === p.total && verb !== 'Amchecking';
        advance(end ? 1 : start(i) + phase.weight * (verb === 'Amchecking' ? amcheckShare(p.done, p.total) : p.done / p.total));
      }
      state = { fraction, phase: phase?.name ?? state.phase, done: p.done, total: p.total, file: p.file };
      return state;
    },
    complete(): ProgressState {
      fraction = 1;
      state = { ...state, fraction: 1 };
      return state;
    },
    get state(): ProgressState {
      return state;
    },
  };
}
