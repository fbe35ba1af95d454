// Generates syntaxes/pg-waldump.tmLanguage.json, the TextMate grammar of pg_waldump output.
//
//   npx tsc -p tsconfig.json
//   node out/scripts/gen-waldump-grammar.js
//
// Why a generator: the grammar's main rule (#record-line) reads a whole record line in one
// match, because every scanner call of vscode-textmate costs as much as a dozen captured
// tokens. A regex that takes the header, up to SLOT_KINDS.length desc tokens and up to
// BLKREF_SLOTS block references in one go is far too long to edit by hand, so it is composed
// here from named pieces, each capture group carrying its scope (group numbers are counted,
// never written). A unit test compares the committed JSON with this output, so they cannot drift.
//
// Costs that shaped it (vscode-textmate tokenizeLine2 with vscode-oniguruma, as VS Code runs
// it, measured with bench/waldumpGrammarBench.ts): about 5 us per line whatever the grammar
// (string conversion, two scanner calls), about 0.16 us per captured token (a scope push each),
// about 0.025 us per capture group of the regex, matched or not (vscode-oniguruma copies every
// group), then the regex itself. So #record-line has one group per scope it needs and no other
// group, every loop is possessive or atomic so that nothing is read twice on failure, and the
// rare kinds of desc token get groups only in the slots where pg_waldump prints them.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Inline block references that #record-line reads; lines with more go to #record. */
export const BLKREF_SLOTS = 2;
/** Desc tokens and block references that #record reads per scanner call. */
const CHUNK_TOKENS = 8;
const CHUNK_BLKREFS = 4;

// ---------------------------------------------------------------------------------------------
// A tiny regex builder: a piece is regex source plus the scopes of its capture groups, in order.

interface Re {
  readonly src: string;
  /** The scope of each capture group in src, in the order of their opening parentheses. */
  readonly scopes: readonly string[];
}

type Part = Re | string;

function re(part: Part): Re {
  return typeof part === 'string' ? { src: part, scopes: [] } : part;
}

/** The parts one after the other. */
function seq(...parts: Part[]): Re {
  const rs = parts.map(re);
  return { src: rs.map((r) => r.src).join(''), scopes: rs.flatMap((r) => r.scopes) };
}

/** A capture group whose text gets `scope`. */
function cap(scope: string, ...parts: Part[]): Re {
  const body = seq(...parts);
  return { src: `(${body.src})`, scopes: [scope, ...body.scopes] };
}

/** The body in a group that captures nothing: `(?:`, `(?>` (atomic) or `^(?>`, and a closing such as `)?`. */
function group(open: string, body: Re, close = ')'): Re {
  return { src: `${open}${body.src}${close}`, scopes: body.scopes };
}

/** Alternatives, in order (a non-capturing group). */
function alt(...parts: Part[]): Re {
  const rs = parts.map(re);
  return { src: `(?:${rs.map((r) => r.src).join('|')})`, scopes: rs.flatMap((r) => r.scopes) };
}

interface CapturesJson { [group: string]: { name: string } }

function captures(r: Re): CapturesJson {
  const out: CapturesJson = {};
  r.scopes.forEach((s, i) => {
    out[String(i + 1)] = { name: s };
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scopes. Standard TextMate roots (entity.name, constant.numeric, variable.other, keyword, ...)
// so that any theme colours them; the suffixes say what the token is.

const S = {
  rmgr: 'entity.name.namespace.rmgr.pg-waldump',
  recLen: 'constant.numeric.integer.length.record.pg-waldump',
  totLen: 'constant.numeric.integer.length.total.pg-waldump',
  xid: 'variable.other.xid.pg-waldump',
  lsn: 'constant.numeric.lsn.pg-waldump',
  prevLsn: 'constant.numeric.lsn.prev.pg-waldump',
  typeUnknown: 'entity.name.function.record-type.unknown.pg-waldump',
  type: 'entity.name.function.record-type.pg-waldump',
  init: 'storage.modifier.init.pg-waldump',
  timestamp: 'string.unquoted.timestamp.pg-waldump',
  hex: 'constant.numeric.hex.pg-waldump',
  key: 'variable.other.property.pg-waldump',
  flag: 'constant.language.flag.pg-waldump',
  blkref: 'keyword.other.blkref.pg-waldump',
  relfilenode: 'constant.numeric.relfilenode.pg-waldump',
  fork: 'support.constant.fork.pg-waldump',
  block: 'constant.numeric.block.pg-waldump',
  fpw: 'keyword.control.fpw.pg-waldump',
  integer: 'constant.numeric.integer.pg-waldump',
  program: 'entity.name.tag.program.pg-waldump',
  colon: 'punctuation.separator.colon.pg-waldump',
  slash: 'punctuation.separator.slash.pg-waldump',
  keyValue: 'punctuation.separator.key-value.pg-waldump',
  label: 'keyword.other.label.pg-waldump',
  percentage: 'constant.numeric.percentage.pg-waldump',
} as const;

// ---------------------------------------------------------------------------------------------
// Pieces of a record line, as XLogDumpDisplayRecord of pg_waldump.c prints it:
//   rmgr: Heap        len (rec/tot):     72/    72, tx:       2457, lsn: 0/093EB3E0, prev 0/093EB398,
//   desc: HOT_UPDATE <rmgr-specific text>, blkref #0: rel 1663/5/16397 blk 0 FPW, blkref #1: ...

const HEX_DIGIT = '[0-9A-Fa-f]';
/** An LSN as pg_waldump prints it: %X/%X (upper-case, 1 to 8 digits each half). */
const LSN = `${HEX_DIGIT}{1,8}/${HEX_DIGIT}{1,8}`;
/** An LSN standing alone in text: not part of a longer word or path such as 1663/5/16397. */
const LSN_ALONE = (body: Part): Re => seq('(?<![\\w/])', body, '(?![\\w/])');

/**
 * The fixed part up to the record type; the record type is an identifier, +INIT or UNKNOWN (n).
 * Atomic: when the rest of a line does not fit #record-line, giving back characters of the
 * record type would only retry the whole desc once per character before failing.
 */
function header(): Re {
  return group('^(?>', seq(
    'rmgr: +', cap(S.rmgr, '\\S+'),
    ' +len \\(rec/tot\\): *', cap(S.recLen, '\\d+'), '/ *', cap(S.totLen, '\\d+'),
    ', tx: *', cap(S.xid, '\\d+'),
    ', lsn: ', cap(S.lsn, LSN),
    ', prev ', cap(S.prevLsn, LSN),
    ', desc:',
    '(?: ', alt(cap(S.typeUnknown, 'UNKNOWN \\([0-9a-fA-F]+\\)'), seq(cap(S.type, '[A-Za-z0-9_]+'), cap(S.init, '\\+INIT'), '?')), ')?',
  ));
}

// Desc tokens. The desc text is free-form per resource manager; these are the kinds worth a scope.

/** A timestamptz as timestamptz_to_str prints it, with the zone abbreviation or offset. */
const TIMESTAMP = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: (?:[A-Za-z][A-Za-z_/+-]*|[+-]\\d\\d(?::?\\d\\d)?)(?=[;,]|$))?';
/** A hex value such as `flags 0x20`. */
const HEX_VALUE = '0x[0-9A-Fa-f]+\\b';
/** The rest of a key of the 16+ style `key: value` (may be several words: `inval msgs: `). */
const KEY_COLON_REST = '[A-Za-z0-9_/]*+(?: [a-z_][A-Za-z0-9_]*)*(?=: )';
/** What follows a key of the older style `off 138 xmax 2457`, `catcache 55`, `key=value`, `key true`. */
const KEY_SPACE_AFTER = '(?= -?\\d|=| true\\b| false\\b)';
/**
 * A key of either style. A lower-case word is read once and then tried as `key: ` (first, so
 * that `a b: ` is the key `a b`) and as `key 1`; other words can only be `Key: `.
 */
const KEY = `[a-z][A-Za-z0-9_]*+(?:${KEY_COLON_REST}|${KEY_SPACE_AFTER})|[A-Z_]${KEY_COLON_REST}`;
/** An upper-case flag name with at least one underscore: LOCK_ONLY, XLH_INSERT_ALL_VISIBLE_CLEARED. */
const FLAG = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b';

/** The kinds of desc token that get a scope. */
export type DescKind = 'timestamp' | 'lsn' | 'hex' | 'key' | 'flag';
const ALL_KINDS: readonly DescKind[] = ['timestamp', 'lsn', 'hex', 'key', 'flag'];

/**
 * One desc token of the given kinds, with a group per scope when `scoped`. Tokens starting with
 * a digit are tried only at digits (a cheap first-character test); keys before flags.
 */
function descToken(kinds: readonly DescKind[], scoped: boolean): Re {
  const c = (kind: DescKind, scope: string, body: string): Re[] =>
    !kinds.includes(kind) ? [] : [scoped ? cap(scope, body) : group('(?:', re(body))];
  const digitLed = [...c('timestamp', S.timestamp, TIMESTAMP), ...c('lsn', S.lsn, LSN).map(LSN_ALONE), ...c('hex', S.hex, HEX_VALUE)];
  return group('(?>', alt(
    ...(digitLed.length > 0 ? [seq('(?=\\d)', alt(...digitLed))] : []),
    ...c('key', S.key, KEY),
    ...c('flag', S.flag, FLAG),
  ));
}

/**
 * The kinds each desc slot of #record-line takes. Every slot costs a capture group per kind,
 * matched or not, so kinds are offered only where pg_waldump's common records put them: the
 * commit timestamp comes first, an LSN early (checkpoint redo, backup end), flag names after
 * a few keys (heap infobits and lock modes), hex values and keys anywhere. A line with a token
 * elsewhere is not lost: #record-line fails on it and #record reads it.
 */
export const SLOT_KINDS: readonly (readonly DescKind[])[] = [
  ['timestamp', 'lsn', 'key'],
  ['lsn', 'hex', 'key'],
  ['hex', 'key'],
  ['hex', 'key', 'flag'],
  ['hex', 'key', 'flag'],
  ['hex', 'key', 'flag'],
  ['hex', 'key', 'flag'],
];

/** Where the desc ends: at the first inline block reference or at the end of the line. */
const DESC_END = '(?=, blkref #|$)';

/**
 * Desc text that holds no token, read possessively: punctuation and spaces, commas that do not
 * start a block reference, plain numbers (the common case, without the token test) and other
 * words that are no token.
 */
function descGap(): string {
  return `(?:[^\\w,\\n]++|,(?! blkref #)|\\d++(?![\\w/-])|(?!${descToken(ALL_KINDS, false).src})\\w++)*+`;
}

/**
 * The desc after the record type: up to `slots` tokens, nested so that each slot is tried only
 * when the previous one matched: gap, then either a token and the next slot, or the end of the
 * desc. After the last slot only the end of the desc may follow, so a line with more tokens
 * fails here (cheaply: the gaps are possessive) and is read by #record instead.
 */
function descSlots(slots: readonly (readonly DescKind[])[]): Re {
  let inner: Re = seq(descGap(), DESC_END);
  for (let k = slots.length - 1; k >= 0; k--) inner = seq(descGap(), alt(seq(descToken(slots[k] ?? ALL_KINDS, true), inner), DESC_END));
  return inner;
}

/** One inline block reference: `, blkref #0: rel 1663/5/16397 [fork vm] blk 0 [FPW [for WAL verification]]`. */
function blkref(): Re {
  return seq(
    ', ', cap(S.blkref, 'blkref #\\d+'), ': rel ', cap(S.relfilenode, '\\d+/\\d+/\\d+'),
    '(?: fork ', cap(S.fork, '\\w+'), ')?',
    ' blk ', cap(S.block, '\\d+'),
    '(?: ', cap(S.fpw, 'FPW(?: for WAL verification)?'), ')?',
  );
}

/** Up to `slots` block references, each tried only after the previous one. */
function blkrefSlots(slots: number): Re {
  let inner: Re = seq();
  for (let k = 0; k < slots; k++) inner = group('(?:', seq(blkref(), inner), ')?');
  return inner;
}

export interface WaldumpGrammarOptions {
  /** false leaves #record-line out, so that every record line is read by #record (tests compare the two). */
  readonly fastRule?: boolean;
}

/** The fast rule: a whole record line in one match. */
function recordLine(): Re {
  // atomic: once the block references are read, none of them may be given back (an optional
  // FPW left out would let the tail below take the rest of the line unscoped)
  return seq(header(), descSlots(SLOT_KINDS), group('(?>', blkrefSlots(BLKREF_SLOTS)), '(?!, blkref #).*$');
}

// ---------------------------------------------------------------------------------------------
// The other rules: the fallback for record lines #record-line cannot take, and the lines that
// are no record (block lines of -b, --stats tables, messages of pg_waldump).

/** LSNs in message text. */
const lsnInText = { match: LSN_ALONE(LSN).src, name: S.lsn };

/** Rule JSON as vscode-textmate reads it (only the fields this grammar uses). */
interface Rule {
  comment?: string;
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  captures?: CapturesJson | Record<string, { name: string; patterns?: Rule[] }>;
  beginCaptures?: CapturesJson;
  patterns?: Rule[];
}

/** A `match` rule from a piece, with its captures. */
function matchRule(r: Re, extra: Rule = {}): Rule {
  return { ...extra, match: r.src, captures: captures(r) };
}

/**
 * For #record: up to `slots` desc tokens per scanner call (a call costs about as much as ten
 * captured tokens, and the lines that come here are the long ones). The first token must start
 * a word, as a token after a gap of #record-line does, so that both rules find the same tokens.
 */
function descChunk(slots: number): Re {
  let inner: Re = seq();
  for (let k = 1; k < slots; k++) inner = group('(?:', seq(descGap(), descToken(ALL_KINDS, true), inner), ')?');
  return seq('(?<!\\w)', descToken(ALL_KINDS, true), inner);
}

/** For #record: up to `slots` block references per scanner call. */
function blkrefChunk(slots: number): Re {
  return group('(?>', seq(blkref(), blkrefSlots(slots - 1)));
}

function recordRule(): Rule {
  const h = header();
  return {
    comment: 'The same header as #record-line, for the record lines with more desc tokens or block references than it reads, then the rest in chunks',
    begin: h.src,
    beginCaptures: captures(h),
    end: '$',
    patterns: [matchRule(blkrefChunk(CHUNK_BLKREFS)), matchRule(descChunk(CHUNK_TOKENS))],
  };
}

/** A block reference line of `pg_waldump -b`: tab, blkref #0: rel 1663/5/16397 fork main blk 0 (FPW); hole: ... */
function blockLine(): Rule {
  const r = seq(
    '^\\t', cap(S.blkref, 'blkref'), '\\s', cap('constant.numeric.block-id.pg-waldump', '#\\d+'), cap(S.colon, ':'),
    '\\s', cap('keyword.other.rel.pg-waldump', 'rel'), '\\s',
    cap('constant.numeric.relfilenode.tablespace.pg-waldump', '\\d+'), cap(S.slash, '/'),
    cap('constant.numeric.relfilenode.database.pg-waldump', '\\d+'), cap(S.slash, '/'),
    cap('constant.numeric.relfilenode.relation.pg-waldump', '\\d+'),
    '\\s', cap('keyword.other.fork.pg-waldump', 'fork'), '\\s', cap(S.fork, '\\w+'),
    '\\s', cap('keyword.other.blk.pg-waldump', 'blk'), '\\s', cap(S.block, '\\d+'),
    '(?:\\s', cap('punctuation.definition.fpw.begin.pg-waldump', '\\('), cap(S.fpw, 'FPW(?: for WAL verification)?'),
    cap('punctuation.definition.fpw.end.pg-waldump', '\\)'), ')?',
  );
  return {
    name: 'meta.blkref.detail.pg-waldump',
    begin: r.src,
    beginCaptures: captures(r),
    end: '$',
    patterns: [
      matchRule(seq('\\b', cap(S.key, 'hole|offset|length|compression saved|method'), cap(S.keyValue, ':'))),
      { match: '\\b(pglz|lz4|zstd|unknown)\\b', name: 'support.constant.compression.pg-waldump' },
      { include: '#number' },
    ],
  };
}

/** `pg_waldump: [level: ]text`; the end-of-WAL "error" of a dump that reached the end is no error. */
function messageRule(): Rule {
  const program = seq('^', cap(S.program, 'pg_waldump'), cap(S.colon, ':'), '\\s');
  const endOfWal = [
    `invalid record length at ${LSN}: (?:wanted|expected at least) \\d+, got 0`,
    `could not find a valid record after ${LSN}`,
    'invalid magic number 0000 in (?:log|WAL) segment',
    `record with incorrect prev-link ${LSN} at ${LSN}`,
    // a recycled segment after the last one written (see waldumpMessageLine.ts)
    `unexpected pageaddr ${LSN} in (?:log|WAL) segment`,
  ].join('|');
  const withText = (r: Re, textScope: string, patterns?: Rule[]): Record<string, { name: string; patterns?: Rule[] }> => {
    const out: Record<string, { name: string; patterns?: Rule[] }> = captures(r);
    out[String(r.scopes.length + 1)] = patterns ? { name: textScope, patterns } : { name: textScope };
    return out;
  };
  const level = (scope: string, words: string): Re => seq(cap(scope, words), cap(S.colon, ':'), '\\s');
  const end = seq(program, '(?:', level('markup.info.level.pg-waldump', 'error|fatal'), ')?');
  const err = seq(program, level('invalid.illegal.error.pg-waldump', 'error|fatal'));
  const warn = seq(program, level('invalid.deprecated.warning.pg-waldump', 'warning'));
  const info = seq(program, '(?:', level('markup.info.level.pg-waldump', 'detail|hint'), ')?');
  return {
    patterns: [
      { name: 'meta.message.end-of-wal.pg-waldump', match: `${end.src}(.*(?:${endOfWal}).*)$`, captures: withText(end, 'comment.line.end-of-wal.pg-waldump', [lsnInText]) },
      { name: 'meta.message.error.pg-waldump', match: `${err.src}(.*)$`, captures: withText(err, 'string.unquoted.message.error.pg-waldump', [lsnInText]) },
      { name: 'meta.message.warning.pg-waldump', match: `${warn.src}(.*)$`, captures: withText(warn, 'string.unquoted.message.warning.pg-waldump') },
      { name: 'meta.message.info.pg-waldump', match: `${info.src}(.*)$`, captures: withText(info, 'comment.line.message.info.pg-waldump', [lsnInText]) },
    ],
  };
}

/** The tables of `pg_waldump --stats[=record]`. */
function statsRule(): Rule {
  const percentages = { match: '\\(\\s*\\d+\\.\\d+\\)|\\[\\d+(?:\\.\\d+)?%\\]', name: S.percentage };
  const heading = seq('^', cap(S.label, 'WAL statistics between'), '\\s', cap(S.lsn, LSN), '\\s', cap(S.label, 'and'), '\\s', cap(S.lsn, LSN), ':$');
  const total = seq('^', cap('keyword.other.total.pg-waldump', 'Total'), '(?=\\s+\\d)');
  const row = seq('^', cap(S.rmgr, '[A-Za-z0-9]+'), '(?:', cap(S.slash, '/'), cap(S.type, '\\S+(?: \\([0-9a-f]+\\))?'), ')?', '(?=\\s+\\d+ \\()');
  return {
    patterns: [
      { ...matchRule(heading), name: 'markup.heading.stats.pg-waldump' },
      { match: '^Type\\s+N\\s.*$', name: 'markup.heading.columns.pg-waldump' },
      { match: '^[\\s-]+$', name: 'punctuation.separator.rule.pg-waldump' },
      { begin: total.src, beginCaptures: captures(total), end: '$', patterns: [percentages, { include: '#number' }] },
      { begin: row.src, beginCaptures: captures(row), end: '$', patterns: [percentages, { include: '#number' }] },
    ],
  };
}

export interface TmGrammar {
  $schema: string;
  name: string;
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

/** The grammar object that syntaxes/pg-waldump.tmLanguage.json holds. */
export function waldumpGrammar(opts: WaldumpGrammarOptions = {}): TmGrammar {
  const fast = recordLine();
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'pg_waldump output',
    scopeName: 'source.pg-waldump',
    patterns: [...(opts.fastRule === false ? [] : [{ include: '#record-line' }]), { include: '#record' }, { include: '#other-line' }],
    repository: {
      'record-line': {
        comment: `Generated by scripts/gen-waldump-grammar.ts. A whole record line in one match: the header, up to ${SLOT_KINDS.length} desc tokens, up to ${BLKREF_SLOTS} inline block references. Lines with more fail here and are read by #record.`,
        match: fast.src,
        captures: captures(fast),
      },
      record: recordRule(),
      'block-line': blockLine(),
      number: {
        patterns: [
          { match: `\\b${HEX_VALUE}`, name: S.hex },
          { match: '(?<![\\w.])-?\\d+(?:\\.\\d+)?\\b', name: S.integer },
        ],
      },
      message: messageRule(),
      stats: statsRule(),
      'other-line': {
        comment: 'One look at the first characters for every line that is not a record, so that record lines try two rules instead of eleven',
        begin: '^(?=\\t|pg_waldump\\b|WAL statistics|Type |Total|[A-Za-z0-9]+(?:/|\\s)|[\\s-]+$)',
        end: '$',
        patterns: [{ include: '#block-line' }, { include: '#message' }, { include: '#stats' }, { include: '#number' }],
      },
    },
  };
}

/** The file's text: 2-space JSON with a trailing newline. */
export function waldumpGrammarText(opts: WaldumpGrammarOptions = {}): string {
  return JSON.stringify(waldumpGrammar(opts), null, 2) + '\n';
}

export const GRAMMAR_FILE = path.join('syntaxes', 'pg-waldump.tmLanguage.json');

if (require.main === module) {
  // run from the repository root, as the command above is
  const file = path.join(process.cwd(), GRAMMAR_FILE);
  writeFileSync(file, waldumpGrammarText());
  console.log(`${file}: written`);
}
