// The hover text of the WAL viewer, as Markdown, for the part of a pg_waldump line under the
// cursor. It parses only the hovered line; the transaction's end comes from an index lookup
// (hash map) given by the caller, so the cost does not grow with the size of the dump.
import { formatLsn } from './lsn';
import type { RecordPart } from './recordPartAt';
import { recordPartAt } from './recordPartAt';
import { describeRecordType, describeRmgr } from './rmgrKnowledge';
import { DEFAULT_SEGMENT_SIZE, lsnToWalLocation } from './walSegment';
import type { BlockRef, Span, WaldumpLine, WalRecordLine } from './waldumpLine';
import { parseLsn } from './lsn';
import type { RelationNames } from '../postgres/relationNames';

export interface TxEndLink {
  /** COMMIT, ABORT, COMMIT_PREPARED or ABORT_PREPARED. */
  readonly kind: string;
  /** Where it is, for the link text (e.g. `0/09001560` or `page 3, line 120`). */
  readonly label: string;
  /** A Markdown link target (a command URI) that reveals it. */
  readonly target: string;
}

export interface HoverContext {
  /** PostgreSQL major of the WAL (record types differ between majors). */
  readonly major?: number;
  /** Timeline for LSN → file name; 1 when unknown. */
  readonly timeline?: number;
  readonly segmentSize?: number;
  readonly txEnd?: (xid: number) => TxEndLink | undefined;
  /** Names of the hovered block reference's tablespace, database and relation, when looked up. */
  readonly relationNames?: RelationNames;
  /** No connection is set for names: a Markdown link target that lets the user choose one. */
  readonly chooseConnection?: string;
}

export interface ViewerHover {
  readonly markdown: string;
  readonly span: Span;
}

export const FPW_TEXT =
  '**FPW: full-page image.** The first change of a page after a checkpoint writes the whole page into WAL ' +
  '(`full_page_writes`), so that crash recovery or a restored backup can rebuild a page that was only partly ' +
  'written to disk. Images are why WAL grows right after each checkpoint; `wal_compression` shrinks them.';

const FORKS: Readonly<Record<string, string>> = {
  main: 'the main fork: the relation\'s data pages',
  fsm: 'the free space map (`_fsm`): free space per page',
  vm: 'the visibility map (`_vm`): all-visible and all-frozen bits per page',
  init: 'the init fork (`_init`) of an unlogged relation',
};

function lsnLocation(lsn: bigint, ctx: HoverContext): string {
  const tli = ctx.timeline ?? 1;
  const seg = ctx.segmentSize ?? DEFAULT_SEGMENT_SIZE;
  const loc = lsnToWalLocation(lsn, tli, seg);
  return `segment \`${loc.fileName}\`${ctx.timeline === undefined ? ' (timeline 1 assumed)' : ''}, offset ${loc.offset} (0x${loc.offset.toString(16).toUpperCase()})`;
}

function txText(rec: WalRecordLine, ctx: HoverContext): string {
  if (rec.xid === 0) return '**tx 0**: the record belongs to no transaction (checkpoints, hint-bit images, standby snapshots…).';
  const parts = [`**Transaction ${rec.xid}**. Find All References (Shift+F12) lists its records.`];
  const end = ctx.txEnd?.(rec.xid);
  if (end) parts.push(`Ends with [${end.kind} at ${end.label}](${end.target}).`);
  else parts.push('No COMMIT or ABORT of this transaction in this dump: it ends later, was still running, or is a subtransaction.');
  return parts.join('\n\n');
}

/** Markdown code span that survives backticks in a name. */
function code(text: string): string {
  const ticks = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((t) => t.length)) + 1);
  return `${ticks}${text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text}${ticks}`;
}

/** "public.accounts (table)", "public.accounts_pkey (index of public.accounts)". */
function relationText(names: RelationNames): string | undefined {
  const r = names.relation;
  if (!r) return undefined;
  const qualified = `${r.schema}.${r.name}`;
  return `${code(qualified)} (${r.kind}${r.owner ? ` of ${code(r.owner)}` : ''})`;
}

function namesText(ref: BlockRef, names: RelationNames): string {
  const parts: string[] = [];
  const rel = relationText(names);
  if (rel) parts.push(`Relation ${rel}`);
  if (names.database) parts.push(`database ${code(names.database)}`);
  else if (ref.dbOid === 0) parts.push('shared by all databases');
  if (names.tablespace) parts.push(`tablespace ${code(names.tablespace)}`);
  const line = parts.length > 0 ? `${parts.join(', ')}.` : '';
  // The problem can quote the server (an error message): it must not become a link or markup.
  const problem = names.problem ? `Names: ${names.problem.replace(/[\\`*_{}[\]()<>#+!|~-]/g, '\\$&')}.` : '';
  return [line, problem].filter((x) => x !== '').join('\n\n');
}

function blockRefText(ref: BlockRef, part: string, ctx: HoverContext): string {
  const out: string[] = [];
  out.push(`**blkref #${ref.id}**: tablespace ${ref.spcOid}, database ${ref.dbOid}, relfilenode ${ref.relNumber}, ${ref.fork} fork, block ${ref.block}.`);
  if (ctx.relationNames) {
    const text = namesText(ref, ctx.relationNames);
    if (text) out.push(text);
  } else if (part === 'rel') {
    out.push(`Names come from \`pg_filenode_relation(tablespace, relfilenode)\` in that database${ctx.chooseConnection
      ? `: [choose a connection](${ctx.chooseConnection}) to see them` : ' when a connection is set'}.`);
  }
  if (part === 'fork') out.push(`Fork \`${ref.fork}\`: ${FORKS[ref.fork] ?? 'a relation fork'}.`);
  if (part === 'blk') out.push(`Block ${ref.block} is page ${ref.block} of the fork: byte ${ref.block} × 8192 of its files (1 GB per file).`);
  if (ref.fpw) out.push(ref.fpwForVerification ? `${FPW_TEXT}\n\nThis image is only kept for \`wal_consistency_checking\`; replay does not apply it.` : FPW_TEXT);
  if (ref.holeLength > 0) out.push(`The image leaves out the page's free-space hole (${ref.holeLength} bytes at offset ${ref.holeOffset}).`);
  return out.join('\n\n');
}

function recordText(rec: WalRecordLine, part: RecordPart | undefined, ctx: HoverContext): string {
  const kind = part?.kind;
  switch (kind) {
    case 'rmgr':
      return describeRmgr(rec.rmgr) ?? `**${rec.rmgr}**: a resource manager this viewer does not know (an extension's custom rmgr?).`;
    case 'lsn':
      return `**LSN ${rec.lsnText}**: where the record starts in the WAL stream.\n\n${lsnLocation(rec.lsn, ctx)}.`;
    case 'prev':
      return rec.prev === 0n
        ? '**prev 0/0**: no previous record (the first record of the cluster).'
        : `**prev ${rec.prevText}**: the record before this one. Go to Definition (F12) jumps to it.\n\n${lsnLocation(rec.prev, ctx)}.`;
    case 'xid':
      return txText(rec, ctx);
    case 'recLen':
    case 'totLen':
      return `**len (rec/tot) ${rec.recLen}/${rec.totLen}**: \`rec\` is the record without its page images, \`tot\` the whole record as stored in WAL${rec.totLen > rec.recLen ? ` (so ${rec.totLen - rec.recLen} bytes of full-page images)` : ''}.`;
    case 'blockRef':
      return part?.kind === 'blockRef' ? blockRefText(part.blockRef, part.part, ctx) : '';
    default: {
      const type = describeRecordType(rec.rmgr, rec.type, ctx.major) ?? `**${rec.rmgr}/${rec.type}**`;
      if (kind === 'type') return type;
      return `${type}\n\n---\n\nLSN ${rec.lsnText}: ${lsnLocation(rec.lsn, ctx)}.`;
    }
  }
}

/** Hover Markdown for column `col` of a parsed line; undefined where there is nothing to say. */
export function viewerHover(line: WaldumpLine, col: number, ctx: HoverContext = {}): ViewerHover | undefined {
  const part = recordPartAt(line, col);
  if (line.kind === 'record') {
    const span = part?.span ?? { start: 0, end: line.line.length };
    return { markdown: recordText(line, part, ctx), span };
  }
  if (line.kind === 'blockRef') {
    if (!part || part.kind !== 'blockRef') return undefined;
    return { markdown: blockRefText(part.blockRef, part.part, ctx), span: part.span };
  }
  if (line.kind === 'message') {
    const parts: string[] = [];
    if (line.endOfWal) parts.push('**End of WAL.** pg_waldump read every valid record there was; this message is how it says where the WAL ends, not a failure.');
    if (part?.kind === 'messageLsn') {
      const lsn = parseLsn(part.text);
      if (lsn !== undefined) parts.push(`**${formatLsn(lsn)}**: ${lsnLocation(lsn, ctx)}.`);
    }
    if (parts.length === 0) return undefined;
    return { markdown: parts.join('\n\n'), span: part?.span ?? { start: 0, end: line.line.length } };
  }
  return undefined;
}
