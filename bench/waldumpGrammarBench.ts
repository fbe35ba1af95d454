// TextMate grammar throughput for pg_waldump output, with the engines VS Code uses. Each measure
// is the best CPU time of `repeats` passes (the machine may be shared with other work).
import type { IGrammar } from 'vscode-textmate';
import { INITIAL } from 'vscode-textmate';
import { waldumpGrammar } from '../scripts/gen-waldump-grammar';
import { loadGrammar, loadGrammarText } from '../test/unit/grammar/loadGrammar';

function bestMs(repeats: number, pass: () => void): number {
  let best = Infinity;
  for (let k = 0; k < repeats; k++) {
    const t0 = process.cpuUsage();
    pass();
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function report(label: string, lines: number, ms: number, extra = ''): number {
  const rate = lines / (ms / 1000);
  console.log(`${label.padEnd(44)} ${(rate / 1000).toFixed(0)} k lines/s  (${lines} lines, best ${ms.toFixed(0)} ms CPU${extra})`);
  return rate;
}

/** Tokenizes the lines in order with tokenizeLine2 (packed tokens, as VS Code does). */
function passBinary(grammar: IGrammar, lines: readonly string[]): void {
  let stack = INITIAL;
  for (const l of lines) stack = grammar.tokenizeLine2(l, stack).ruleStack;
}

export async function benchGrammar(lines: readonly string[], maxLines = 200_000, repeats = 3): Promise<number> {
  const grammar = await loadGrammar('source.pg-waldump', 'pg-waldump.tmLanguage.json');
  const sample = lines.slice(0, maxLines);
  passBinary(grammar, sample.slice(0, 5000)); // warm-up
  let tokens = 0;
  const ms = bestMs(repeats, () => {
    let stack = INITIAL;
    tokens = 0;
    for (const l of sample) {
      const r = grammar.tokenizeLine(l, stack);
      stack = r.ruleStack;
      tokens += r.tokens.length;
    }
  });
  const rate = report('TextMate grammar (tokenizeLine)', sample.length, ms, `, ${tokens} tokens`);
  const rate2 = report('TextMate grammar (tokenizeLine2, as VS Code)', sample.length, bestMs(repeats, () => passBinary(grammar, sample)));
  // the floor: vscode-textmate with a one-pattern grammar that gives each line a single token
  const floor = await loadGrammarText('source.floor', JSON.stringify({ scopeName: 'source.floor', patterns: [{ match: '^.*$', name: 'x' }] }));
  passBinary(floor, sample.slice(0, 5000));
  const floorRate = report('one-pattern grammar (engine floor)', sample.length, bestMs(repeats, () => passBinary(floor, sample)));
  // a bound: the grammar with its one-match rule cut to the record header (7 of the ~13 scopes a
  // record line needs on average, no desc or block references), every other line as before
  const g = waldumpGrammar();
  const header = g.repository['record'];
  const headerOnly = { ...g, repository: { ...g.repository, 'record-line': { match: `${header?.begin ?? ''}.*$`, captures: header?.beginCaptures ?? {} } } };
  const bound = await loadGrammarText('source.pg-waldump', JSON.stringify(headerOnly));
  passBinary(bound, sample.slice(0, 5000));
  report('bound: header scopes only', sample.length, bestMs(repeats, () => passBinary(bound, sample)));
  console.log(`${'grammar (tokenizeLine2) / engine floor'.padEnd(44)} ${((100 * rate2) / floorRate).toFixed(0)} %`);
  return Math.max(rate, rate2);
}
