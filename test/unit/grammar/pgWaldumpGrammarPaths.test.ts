// The pg_waldump grammar reads a record line in one of two ways: #record-line takes the whole
// line in one match when it has at most as many desc tokens and block references as that rule
// has slots (most lines), #record takes the others token by token. Both must give the same
// tokens; these tests hold them to it on every recorded line and on lines that only #record reads.
import * as assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { BLKREF_SLOTS, SLOT_KINDS, waldumpGrammar } from '../../../scripts/gen-waldump-grammar';
import { allWaldumpFixtures, waldumpFixture } from '../waldump/waldumpFixtures';
import type { Token } from './loadGrammar';
import { loadGrammar, loadGrammarText, tokenizeLines } from './loadGrammar';

function has(scopes: readonly string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`));
}

/** Tokens as text and innermost scope, adjacent tokens of equal scopes joined. */
function flat(toks: readonly Token[]): string[] {
  const out: { text: string; scope: string }[] = [];
  for (const t of toks) {
    const scope = t.scopes.join(' ');
    const last = out[out.length - 1];
    if (last && last.scope === scope) last.text += t.text;
    else out.push({ text: t.text, scope });
  }
  return out.map((t) => `${t.text} <${t.scope}>`);
}

/** The texts with the given scope, in order. */
function textsOf(toks: readonly Token[], scope: string): string[] {
  return toks.filter((t) => has(t.scopes, scope)).map((t) => t.text);
}

describe('pg-waldump grammar: one-match rule and fallback', () => {
  let grammar: IGrammar;
  /** The same grammar without #record-line: every record line goes through #record. */
  let fallbackOnly: IGrammar;
  /** Only #record-line: a line it cannot take gets no record scopes at all. */
  let fastOnly: IGrammar;
  before(async () => {
    grammar = await loadGrammar('source.pg-waldump', 'pg-waldump.tmLanguage.json');
    fallbackOnly = await loadGrammarText('source.pg-waldump', JSON.stringify(waldumpGrammar({ fastRule: false })));
    fastOnly = await loadGrammarText('source.pg-waldump', JSON.stringify({ ...waldumpGrammar(), patterns: [{ include: '#record-line' }] }));
  });

  function takenByFastRule(line: string): boolean {
    const t = tokenizeLines(fastOnly, [line])[0] ?? [];
    return t.some((x) => has(x.scopes, 'entity.name.namespace.rmgr'));
  }

  it('gives every recorded line the same tokens with and without the one-match rule', function () {
    this.timeout(60000);
    // one line per shape (numbers blanked): every record type and token layout of the fixtures
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const f of allWaldumpFixtures()) {
      for (const l of f.lines) {
        const shape = l.replace(/[0-9A-F]*\d[0-9A-F]*/g, '0');
        if (!seen.has(shape)) {
          seen.add(shape);
          lines.push(l);
        }
      }
    }
    const a = tokenizeLines(grammar, lines);
    const b = tokenizeLines(fallbackOnly, lines);
    lines.forEach((l, i) => assert.deepEqual(flat(a[i] ?? []), flat(b[i] ?? []), l));
    // the comparison means something only if the one-match rule does take most record lines
    const records = lines.filter((l) => l.startsWith('rmgr: '));
    const fast = records.filter(takenByFastRule).length;
    assert.ok(records.length > 500 && fast > records.length / 2, `one-match rule took ${fast} of ${records.length} record shapes`);
  });

  it('reads a line with more block references than the one-match rule takes, through the fallback', () => {
    const l = waldumpFixture('pg17', 'waldump_seg1_initdb_lesson.txt').lines.find(
      (x) => x.includes('desc: SPLIT_L ') && (x.match(/blkref #/g) ?? []).length > BLKREF_SLOTS,
    );
    assert.ok(l);
    assert.equal(takenByFastRule(l), false);
    const t = tokenizeLines(grammar, [l])[0] ?? [];
    const refs = [...l.matchAll(/blkref #\d+: rel (\S+) blk (\d+)/g)];
    assert.deepEqual(textsOf(t, 'keyword.other.blkref'), refs.map((m) => m[0].split(':')[0]));
    assert.deepEqual(textsOf(t, 'constant.numeric.relfilenode'), refs.map((m) => m[1]));
    assert.deepEqual(textsOf(t, 'constant.numeric.block'), refs.map((m) => m[2]));
    assert.deepEqual(textsOf(t, 'variable.other.property'), ['level', 'firstrightoff', 'newitemoff', 'postingoff']);
    assert.deepEqual(textsOf(t, 'entity.name.function.record-type'), ['SPLIT_L']);
  });

  it('reads a line with more desc tokens than the one-match rule has slots, through the fallback', () => {
    // 17: PRUNE_VACUUM_SCAN snapshotConflictHorizon: 695, isCatalogRel: F, nplans: 1, ... plans: [{ xmax: 0, ... }]
    const l = waldumpFixture('pg17', 'waldump_seg1_initdb_lesson.txt').lines.find((x) => x.includes('desc: PRUNE_VACUUM_SCAN ') && x.includes('plans: [{'));
    assert.ok(l);
    const keys = [...(/desc: \S+ (.*?)(?:, blkref #|$)/.exec(l)?.[1] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*): /g)].map((m) => m[1]);
    assert.ok(keys.length > SLOT_KINDS.length, `${keys.length} keys`);
    assert.equal(takenByFastRule(l), false);
    const t = tokenizeLines(grammar, [l])[0] ?? [];
    assert.deepEqual(textsOf(t, 'variable.other.property'), keys);
    assert.ok(has(t.find((x) => x.text === 'blkref #0')?.scopes ?? [], 'keyword.other.blkref'));
  });

  it('reads a token of a kind the one-match rule does not take at its place, through the fallback', () => {
    // xlog_desc of END_OF_RECOVERY (15/16: "tli %u; prev tli %u; time %s"): the timestamp is the
    // fourth token, where the one-match rule takes no timestamps
    const l = 'rmgr: XLOG        len (rec/tot):     42/    42, tx:          0, lsn: 0/03000060, prev 0/03000028, desc: END_OF_RECOVERY tli 2; prev tli 1; time 2026-11-24 18:30:01.123456 UTC';
    assert.equal(takenByFastRule(l), false);
    const t = tokenizeLines(grammar, [l])[0] ?? [];
    assert.deepEqual(textsOf(t, 'variable.other.property'), ['tli', 'tli', 'time']);
    assert.deepEqual(textsOf(t, 'string.unquoted.timestamp'), ['2026-11-24 18:30:01.123456 UTC']);
    assert.deepEqual(textsOf(t, 'entity.name.function.record-type'), ['END_OF_RECOVERY']);
    assert.deepEqual(textsOf(t, 'constant.numeric.lsn'), ['0/03000060', '0/03000028']);
  });

  it('takes the common lines in one match, timestamps and flags included', () => {
    const commit = waldumpFixture('pg15', 'waldump_busy.txt').lines.find((x) => /desc: COMMIT \S+ \S+ \S+$/.test(x));
    const lock = waldumpFixture('pg15', 'waldump_heap.txt').lines.find((x) => x.includes('desc: LOCK ') && x.includes('LOCK_ONLY'));
    assert.ok(commit && lock);
    assert.ok(takenByFastRule(commit), commit);
    assert.ok(takenByFastRule(lock), lock);
    const t = tokenizeLines(fastOnly, [lock])[0] ?? [];
    assert.ok(textsOf(t, 'constant.language.flag').includes('LOCK_ONLY'));
  });
});
