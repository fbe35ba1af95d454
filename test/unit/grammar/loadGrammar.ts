// Loads a TextMate grammar of this repository with vscode-textmate and the Oniguruma WASM
// build, the same engines VS Code uses, for grammar tests and benchmarks.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { repoRoot } from '../../support/paths';

let onig: Promise<vsctm.IOnigLib> | undefined;

function onigLib(): Promise<vsctm.IOnigLib> {
  if (!onig) {
    const wasm = readFileSync(path.join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    onig = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }));
  }
  return onig;
}

/** The grammar in syntaxes/<file> with the given scope name. */
export async function loadGrammar(scopeName: string, file: string): Promise<vsctm.IGrammar> {
  const full = path.join(repoRoot, 'syntaxes', file);
  return loadGrammarText(scopeName, readFileSync(full, 'utf8'), full);
}

/** A grammar from JSON text (benchmarks compare against minimal grammars built in memory). */
export async function loadGrammarText(scopeName: string, json: string, name = `${scopeName}.json`): Promise<vsctm.IGrammar> {
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (s) => (s === scopeName ? vsctm.parseRawGrammar(json, name) : null),
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (!grammar) throw new Error(`cannot load ${name}`);
  return grammar;
}

export interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

/** Tokenizes lines in order, carrying the rule stack from line to line. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: readonly string[]): Token[][] {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

export { INITIAL } from 'vscode-textmate';
