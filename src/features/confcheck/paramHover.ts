// Hover on a parameter name (or its value) in postgresql.conf: the server's own description of
// it, then its category, type, default, unit, range or enum values, and whether a reload or a
// restart applies it, for the major the file belongs to; plus what it means for pg_probackup
// for the parameters backups depend on.
import * as vscode from 'vscode';
import { parseConfText } from '../../core/pgconf/confParser';
import type { ParamFact } from '../../core/pgconf/paramFacts';
import { paramFacts } from '../../core/pgconf/paramFacts';
import { checkerSettings, majorFor } from './checkerSettings';
import { docPath } from './confDiagnostics';

const BACKUP_NOTES: Readonly<Record<string, string>> = {
  wal_level: 'pg_probackup needs `replica` or `logical`; `minimal` writes too little WAL to restore from.',
  max_wal_senders: 'A STREAM backup holds one WAL sender for its whole run, besides those of standbys.',
  max_replication_slots: 'STREAM backups with `--slot` or `--temp-slot` need a free slot.',
  archive_mode: 'ARCHIVE backups, PAGE backups and point-in-time recovery need `on` (or `always` on a standby).',
  archive_command: 'For pg_probackup: `pg_probackup archive-push -B <catalog> --instance=<name> --wal-file-path=%p --wal-file-name=%f`.',
  archive_library: 'Must be empty when archive_command is used.',
  archive_timeout: 'On a quiet server, keep it below pg_probackup\'s `--archive-timeout` (5 min by default).',
  full_page_writes: 'Backups taken from a standby need full-page images: keep it `on`.',
  shared_preload_libraries: 'PTRACK backups need `ptrack` here.',
  hba_file: 'Where the server reads pg_hba.conf; the checker follows it.',
};

function contextText(context: string): string {
  switch (context) {
    case 'postmaster': return 'needs a server **restart**';
    case 'sighup': return 'a **reload** applies it (`pg_ctl reload`, `SELECT pg_reload_conf()`)';
    case 'superuser': case 'user': return 'a **reload** applies it; sessions may also `SET` it';
    case 'superuser-backend': case 'backend': return 'a **reload** applies it to new sessions only';
    case 'internal': return 'read-only: fixed when the cluster is built';
    default: return context;
  }
}

/** Plain text made literal in markdown (descriptions hold `*`, `_`, quotes and the like). */
function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`);
}

/** The hover text of a parameter, as markdown. */
export function describeParam(fact: ParamFact, major: number, sourceMajor: number): string {
  const lines: string[] = [`**${fact.name}** — PostgreSQL ${major}${sourceMajor === major ? '' : ` (facts of ${sourceMajor})`}`, ''];
  const description = [fact.shortDesc, fact.extraDesc ?? ''].filter((t) => t !== '').map(mdText).join(' ');
  if (description !== '') lines.push(description, '');
  const unit = fact.unit === null ? '' : ` ${fact.unit}`;
  if (fact.category !== '') lines.push(`- category: ${mdText(fact.category)}`);
  lines.push(`- type: ${fact.vartype}${fact.unit === null ? '' : ` (unit ${fact.unit})`}`);
  lines.push(`- default: ${fact.boot === null || fact.boot === '' ? '*(empty)*' : `\`${fact.boot}\`${unit}`}`);
  if (fact.min !== null && fact.max !== null) lines.push(`- range: ${fact.min} … ${fact.max}${unit}`);
  if (fact.enumvals !== null) lines.push(`- values: ${fact.enumvals.map((v) => `\`${v}\``).join(', ')}`);
  lines.push(`- ${contextText(fact.context)} (context ${fact.context})`);
  const note = BACKUP_NOTES[fact.name.toLowerCase()];
  if (note !== undefined) lines.push('', `*Backups:* ${note}`);
  return lines.join('\n');
}

export class ParamHover implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const line = doc.lineAt(pos.line).text;
    const parsed = parseConfText(docPath(doc), line);
    const st = parsed.statements.find((s) => s.type === 'setting');
    if (st === undefined) return undefined;
    const inName = pos.character >= st.nameToken.start && pos.character <= st.nameToken.end;
    const inValue = pos.character >= st.valueToken.start && pos.character <= st.valueToken.end;
    if (!inName && !inValue) return undefined;
    const settings = checkerSettings(doc.uri);
    const major = majorFor(doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined, settings);
    const facts = paramFacts(major);
    const fact = facts.params.get(st.name.toLowerCase());
    if (fact === undefined) return undefined;
    const md = new vscode.MarkdownString(describeParam(fact, major, facts.sourceMajor));
    const tok = inName ? st.nameToken : st.valueToken;
    return new vscode.Hover(md, new vscode.Range(pos.line, tok.start, pos.line, tok.end));
  }
}
