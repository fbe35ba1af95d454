// The WAL viewer: dump documents (scheme pg-waldump), language providers, and the commands that
// open, page, filter and summarise WAL.
import * as vscode from 'vscode';
import { run } from '../../core/process/runner';
import { formatLsn, parseLsn } from '../../core/waldump/lsn';
import { parseWaldumpLine } from '../../core/waldump/recordLineParser';
import { rmgrNames } from '../../core/waldump/rmgrKnowledge';
import { parseWalStats } from '../../core/waldump/statsParser';
import { describeFilters, FORK_NAMES, waldumpArgs } from '../../core/waldump/viewerRange';
import type { WaldumpFilters } from '../../core/waldump/viewerRange';
import { STATS_COLUMNS, statsMarkdown } from '../../core/waldump/viewerStatsTable';
import type { StatsColumn } from '../../core/waldump/viewerStatsTable';
import { discoverWaldump } from '../../core/waldump/waldumpDiscovery';
import type { Services } from '../../platform/services';
import { DumpDocuments, LANGUAGE, SCHEME } from './dumpDocuments';
import { IndexCache, locateLsn, registerLanguageProviders } from './languageProviders';
import { Opener } from './openCommands';
import { CHOOSE_COMMAND, RelationLookup } from './relationLookup';

async function reveal(loc: vscode.Location): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(loc.uri);
  if (doc.languageId !== LANGUAGE) await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const r = new vscode.Range(loc.range.start, loc.range.start);
  editor.selection = new vscode.Selection(r.start, r.start);
  editor.revealRange(r, vscode.TextEditorRevealType.InCenter);
  return editor;
}

async function askFilters(current: WaldumpFilters): Promise<WaldumpFilters | undefined> {
  type Item = vscode.QuickPickItem & { key: keyof WaldumpFilters | 'clear' };
  const items: Item[] = [
    { key: 'rmgr', label: 'Resource manager (-r)', description: current.rmgr ?? '' },
    { key: 'xid', label: 'Transaction id (-x)', description: current.xid?.toString() ?? '' },
    { key: 'relation', label: 'Relation spc/db/rel (--relation)', description: current.relation ?? '' },
    { key: 'block', label: 'Block (--block)', description: current.block?.toString() ?? '' },
    { key: 'fork', label: 'Fork (--fork)', description: current.fork ?? '' },
    { key: 'fpw', label: 'Only full-page images (--fpw)', description: current.fpw ? 'on' : '' },
    { key: 'bkpDetails', label: 'Block details on their own lines (-b)', description: current.bkpDetails ? 'on' : '' },
    { key: 'clear', label: 'Clear all filters' },
  ];
  const pick = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('Filter the WAL dump') });
  if (!pick) return undefined;
  const f: { -readonly [K in keyof WaldumpFilters]: WaldumpFilters[K] } = { ...current };
  switch (pick.key) {
    case 'clear': return {};
    case 'rmgr': {
      const r = await vscode.window.showQuickPick(['(any)', ...rmgrNames()], { ignoreFocusOut: true, title: 'Resource manager' });
      if (r === undefined) return undefined;
      if (r === '(any)') delete f.rmgr;
      else f.rmgr = r;
      return f;
    }
    case 'fork': {
      const r = await vscode.window.showQuickPick(['(any)', ...FORK_NAMES], { ignoreFocusOut: true, title: 'Fork' });
      if (r === undefined) return undefined;
      if (r === '(any)') delete f.fork;
      else f.fork = r as WaldumpFilters['fork'] & string;
      return f;
    }
    case 'fpw': f.fpw = !current.fpw; return f;
    case 'bkpDetails': f.bkpDetails = !current.bkpDetails; return f;
    default: {
      const key = pick.key;
      const v = await vscode.window.showInputBox({ ignoreFocusOut: true,
        title: pick.label, value: pick.description ?? '',
        validateInput: (s) => (s === '' || (key === 'relation' ? /^\d+\/\d+\/\d+$/.test(s) : /^\d+$/.test(s)) ? undefined : vscode.l10n.t('Not valid here')),
      });
      if (v === undefined) return undefined;
      if (key === 'relation') {
        if (v === '') delete f.relation;
        else f.relation = v;
      } else if (key === 'xid' || key === 'block') {
        if (v === '') delete f[key];
        else f[key] = Number(v);
      }
      return f;
    }
  }
}

export function register(context: vscode.ExtensionContext, services: Services): void {
  const docs = new DumpDocuments();
  const cache = new IndexCache();
  const opener = new Opener(docs, services);
  const cmd = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  };
  const lookup = new RelationLookup(services);
  context.subscriptions.push(docs, lookup, vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs), ...registerLanguageProviders(docs, cache, lookup));
  cmd(CHOOSE_COMMAND, (arg?: { connectionName?: string }) => lookup.choose(arg));

  cmd('pgBackupStudio.waldump.openSegment', (arg?: Parameters<Opener['openSegment']>[0]) => opener.openSegment(arg));
  cmd('pgBackupStudio.waldump.openDumpFile', (arg?: Parameters<Opener['openDumpFile']>[0]) => opener.openDumpFile(arg));
  cmd('pgBackupStudio.waldump.openRange', (arg?: Parameters<Opener['openRange']>[0]) => opener.openRange(arg));
  cmd('pgBackupStudio.waldump.showBackupWal', (arg?: Parameters<Opener['showBackupWal']>[0]) => opener.showBackupWal(arg));

  cmd('pgBackupStudio.waldump.goToLsn', async (arg?: { lsn?: string }) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a WAL dump first.'));
      return { ok: false, message: 'no WAL dump is active' };
    }
    const text = arg?.lsn ?? await vscode.window.showInputBox({ ignoreFocusOut: true,
      title: vscode.l10n.t('Go to LSN'), placeHolder: '0/3000028',
      validateInput: (v) => (parseLsn(v) === undefined ? vscode.l10n.t('An LSN like 0/3000028') : undefined),
    });
    const lsn = text === undefined ? undefined : parseLsn(text);
    if (lsn === undefined) return { ok: false, message: 'no LSN' };
    const loc = await locateLsn(docs, cache, editor.document, lsn, true);
    if (!loc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No record at or before {0} in this dump.', text ?? ''));
      return { ok: false, message: 'not in this dump' };
    }
    const e = await reveal(loc);
    // "At or before": say so when no record starts exactly there (past the end, or mid-record).
    const found = parseWaldumpLine(e.document.lineAt(loc.range.start.line).text);
    if (found.kind === 'record' && found.lsn !== lsn) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('No record starts at {0}: this is the record before it, at {1}.', formatLsn(lsn), formatLsn(found.lsn)), 8000);
    }
    return { ok: true, uri: e.document.uri.toString(), line: loc.range.start.line };
  });

  cmd('pgBackupStudio.waldump.revealPageLine', async (arg?: { session: string; page: number; line: number }) => {
    const ref = docs.active();
    if (!arg || !ref || ref.session.id !== arg.session) return;
    await reveal(new vscode.Location(docs.uri(ref.session, arg.page), new vscode.Position(arg.line, 0)));
  });

  const turn = async (delta: number | 'pick'): Promise<unknown> => {
    const ref = docs.active();
    if (!ref) return { ok: false, message: 'no WAL dump page is active' };
    let page: number;
    if (delta === 'pick') {
      const items = ref.session.pager.pages.map((p) => ({
        label: `Page ${p.index + 1}`, description: `${p.records} records`,
        detail: p.firstLsn !== undefined ? `lines ${p.firstLine + 1}…${p.firstLine + p.lines}` : '', page: p.index,
      }));
      const pick = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('WAL dump page') });
      if (!pick) return { ok: false };
      page = pick.page;
    } else page = ref.page + delta;
    if (page < 0 || page >= ref.session.pageCount) return { ok: false, message: 'no such page', page: ref.page };
    const e = await docs.showPage(ref.session, page);
    return { ok: true, page, uri: e.document.uri.toString() };
  };
  cmd('pgBackupStudio.waldump.nextPage', () => turn(1));
  cmd('pgBackupStudio.waldump.previousPage', () => turn(-1));
  cmd('pgBackupStudio.waldump.pickPage', () => turn('pick'));

  cmd('pgBackupStudio.waldump.filter', async (arg?: { filters?: WaldumpFilters; wait?: boolean; sessionId?: string }) => {
    const ref = docs.sessionOrActive(arg?.sessionId);
    if (!ref) return { ok: false, message: 'no WAL dump page is active' };
    if (ref.session.spec.savedDump) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This is saved pg_waldump output: filters run pg_waldump again, which needs the WAL itself. Open the segment instead.'));
      return { ok: false, message: 'a saved dump cannot be filtered' };
    }
    const filters = arg?.filters ?? await askFilters(ref.session.spec.filters);
    if (!filters) return { ok: false, message: 'cancelled' };
    const base = ref.session.spec.title.replace(/ --.*$| -[rxb].*$/, '');
    const f = describeFilters(filters);
    return opener.start({ ...ref.session.spec, title: f ? `${base} ${f}` : base, filters }, arg?.wait === true);
  });

  cmd('pgBackupStudio.waldump.showStats', async (arg?: { sortBy?: StatsColumn; sessionId?: string }) => {
    const ref = docs.sessionOrActive(arg?.sessionId);
    if (!ref) return { ok: false, message: 'no WAL dump page is active' };
    const spec = ref.session.spec;
    if (spec.savedDump) {
      void vscode.window.showInformationMessage(vscode.l10n.t('This is saved pg_waldump output: statistics come from pg_waldump --stats, which needs the WAL itself. Open the segment instead.'));
      return { ok: false, message: 'a saved dump has no statistics' };
    }
    if (!services.settings.canRunPrograms() || spec.major === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Statistics come from pg_waldump, which does not run here (untrusted workspace or unknown WAL version).'));
      return { ok: false, message: 'pg_waldump cannot run' };
    }
    const found = (await discoverWaldump(spec.major, { paths: services.settings.waldumpPaths() })).found;
    if (!found) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Statistics need pg_waldump {0}, which is not installed.', spec.major));
      return { ok: false, message: `no pg_waldump ${spec.major}` };
    }
    const sortBy = arg?.sortBy ?? (await vscode.window.showQuickPick(STATS_COLUMNS.map((c) => ({ label: c.label, id: c.id })), { ignoreFocusOut: true, title: vscode.l10n.t('Sort the statistics by') }))?.id;
    if (!sortBy) return { ok: false, message: 'cancelled' };
    const args = waldumpArgs(spec.source, spec.filters, 'record');
    services.log.info(`${found.file} ${args.join(' ')}`);
    const r = await run(found.file, args);
    const stats = parseWalStats(`${r.stdout}\n${r.stderr}`);
    if (stats.rows.length === 0) {
      void vscode.window.showErrorMessage(`pg_waldump --stats=record: ${r.stderr.trim() || 'no statistics'}`);
      return { ok: false, message: r.stderr.trim() };
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: statsMarkdown(stats, sortBy, spec.title) });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    return { ok: true, rows: stats.rows.length, uri: doc.uri.toString() };
  });
}
