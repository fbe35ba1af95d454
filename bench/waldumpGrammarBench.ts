// TextMate grammar throughput for pg_waldump output, with the engines VS Code uses.
import { loadGrammar, loadGrammarText } from '../test/unit/grammar/loadGrammar';
import { INITIAL } from 'vscode-textmate';

export async function benchGrammar(lines: readonly string[], maxLines = 200_000): Promise<number> {
  const grammar = await loadGrammar('source.pg-waldump', 'pg-waldump.tmLanguage.json');
  const sample = lines.slice(0, maxLines);
  let stack = INITIAL;
  for (const l of sample.slice(0, 5000)) stack = grammar.tokenizeLine(l, stack).ruleStack; // warm-up
  stack = INITIAL;
  const t0 = process.cpuUsage();
  let tokens = 0;
  for (const l of sample) {
    const r = grammar.tokenizeLine(l, stack);
    stack = r.ruleStack;
    tokens += r.tokens.length;
  }
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  const rate = sample.length / (ms / 1000);
  console.log(`${'TextMate grammar (tokenizeLine)'.padEnd(44)} ${(rate / 1000).toFixed(0)} k lines/s  (${sample.length} lines, ${ms.toFixed(0)} ms CPU, ${tokens} tokens)`);
  // VS Code itself calls tokenizeLine2, which returns packed binary tokens
  stack = INITIAL;
  const t1 = process.cpuUsage();
  for (const l of sample) stack = grammar.tokenizeLine2(l, stack).ruleStack;
  const used2 = process.cpuUsage(t1);
  const ms2 = (used2.user + used2.system) / 1000;
  const rate2 = sample.length / (ms2 / 1000);
  console.log(`${'TextMate grammar (tokenizeLine2, as VS Code)'.padEnd(44)} ${(rate2 / 1000).toFixed(0)} k lines/s  (${sample.length} lines, ${ms2.toFixed(0)} ms CPU)`);
  // the floor: vscode-textmate with a one-pattern grammar that gives each line a single token
  const floor = await loadGrammarText('source.floor', JSON.stringify({ scopeName: 'source.floor', patterns: [{ match: '^.*$', name: 'x' }] }));
  stack = INITIAL;
  const t2 = process.cpuUsage();
  for (const l of sample) stack = floor.tokenizeLine2(l, stack).ruleStack;
  const used3 = process.cpuUsage(t2);
  const rate3 = sample.length / ((used3.user + used3.system) / 1e6);
  console.log(`${'one-pattern grammar (engine floor)'.padEnd(44)} ${(rate3 / 1000).toFixed(0)} k lines/s`);
  return Math.max(rate, rate2);
}
