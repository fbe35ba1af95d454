// A spec-style mocha reporter for every tier. It writes to stdout, or to the file named by
// PGBS_TEST_REPORT (the extension host has no usable stdout), shows why a test was skipped,
// and leaves a JSON summary in PGBS_TEST_SUMMARY so the test script can add up the tiers.
import { appendFileSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } =
  Mocha.Runner.constants;

interface TierSummary {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

class PgbsReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const reportFile = process.env['PGBS_TEST_REPORT'];
    if (reportFile) writeFileSync(reportFile, '');
    const write = (line: string): void => {
      if (reportFile) appendFileSync(reportFile, line + '\n');
      else process.stdout.write(line + '\n');
    };
    let depth = 0;
    const pad = (): string => '  '.repeat(depth);
    const failures: Array<{ title: string; err: Error }> = [];
    const started = Date.now();
    let passed = 0;
    let skipped = 0;

    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.root) return;
      depth++;
      write(`${pad()}${suite.title}`);
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      if (!suite.root) depth--;
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      passed++;
      const slow = (test.duration ?? 0) > (test.slow() || 75) ? ` (${test.duration} ms)` : '';
      write(`${pad()}  ✔ ${test.title}${slow}`);
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      skipped++;
      const reason = (test as { skipReason?: string }).skipReason;
      write(`${pad()}  - ${test.title} [skipped${reason ? `: ${reason}` : ''}]`);
    });
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
      failures.push({ title: test.fullTitle(), err });
      write(`${pad()}  ✘ ${failures.length}) ${test.title}`);
    });
    runner.once(EVENT_RUN_END, () => {
      failures.forEach((f, i) => {
        write('');
        write(`  ${i + 1}) ${f.title}`);
        write(`     ${(f.err.stack ?? f.err.message).split('\n').join('\n     ')}`);
      });
      const durationMs = Date.now() - started;
      write('');
      write(`  ${passed} passing, ${failures.length} failing, ${skipped} pending (${(durationMs / 1000).toFixed(1)} s)`);
      const summaryFile = process.env['PGBS_TEST_SUMMARY'];
      if (summaryFile) {
        const summary: TierSummary = { passed, failed: failures.length, skipped, durationMs };
        writeFileSync(summaryFile, JSON.stringify(summary));
      }
    });
  }
}

export = PgbsReporter;
