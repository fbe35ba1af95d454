// The committed grammar must be exactly what scripts/gen-waldump-grammar.ts produces, so that
// the generator stays the one place where the grammar is edited.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GRAMMAR_FILE, waldumpGrammarText } from '../../../scripts/gen-waldump-grammar';
import { repoRoot } from '../../support/paths';

const REGENERATE = 'npx tsc -p tsconfig.json && node out/scripts/gen-waldump-grammar.js';

describe('pg-waldump grammar generator', () => {
  it('produces the committed syntaxes/pg-waldump.tmLanguage.json', () => {
    const committed = readFileSync(path.join(repoRoot, GRAMMAR_FILE), 'utf8');
    const generated = waldumpGrammarText();
    if (committed === generated) return;
    const lines = [committed.split('\n'), generated.split('\n')] as const;
    const at = lines[0].findIndex((l, i) => l !== lines[1][i]);
    assert.fail(
      `${GRAMMAR_FILE} differs from what scripts/gen-waldump-grammar.ts generates (first at line ${at + 1}). ` +
        `Edit the generator, not the JSON, and regenerate with: ${REGENERATE}`,
    );
  });

  it('numbers every capture of the one-match rule in order, each with a scope', () => {
    const rule = JSON.parse(waldumpGrammarText()).repository['record-line'] as { match: string; captures: Record<string, { name: string }> };
    // capture groups are the "(" not escaped and not followed by "?"; none may be left without a scope
    const groups = rule.match.match(/(?<!\\)\((?!\?)/g)?.length ?? 0;
    assert.deepEqual(Object.keys(rule.captures).map(Number), Array.from({ length: groups }, (_, i) => i + 1));
  });
});
