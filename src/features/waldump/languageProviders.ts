// Hover, go-to-definition on `prev`, references of a transaction, outline and folding for
// documents in the pg-waldump language: dump pages of ours and saved `.waldump` files alike.
// Each document gets a WaldumpIndex once per version; every lookup after that is O(log n).
import * as vscode from 'vscode';
import { WaldumpIndex } from '../../core/waldump/dumpIndex';
import { parseLsn } from '../../core/waldump/lsn';
import { parseWaldumpLine } from '../../core/waldump/recordLineParser';
import { recordPartAt } from '../../core/waldump/recordPartAt';
import { buildOutline } from '../../core/waldump/viewerOutline';
import { viewerHover } from '../../core/waldump/viewerHover';
import type { TxEndLink } from '../../core/waldump/viewerHover';
import { parseWalFileName } from '../../core/waldump/walSegment';
import { xidLinesInText } from '../../core/waldump/xidSearch';
import type { DumpDocuments, PageRef } from './dumpDocuments';
import { LANGUAGE } from './dumpDocuments';
import { CHOOSE_COMMAND } from './relationLookup';
import type { RelationLookup } from './relationLookup';

const selector: vscode.DocumentSelector = [{ language: LANGUAGE }];

export class IndexCache {
  private readonly cache = new Map<string, { version: number; index: WaldumpIndex }>();
  get(doc: vscode.TextDocument): WaldumpIndex {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.index;
    const index = WaldumpIndex.of(doc.getText());
    this.cache.set(key, { version: doc.version, index });
    return index;
  }
  drop(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }
}

function commandUri(command: string, arg: unknown): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([arg]))}`;
}

/** Where a record with this LSN is: this document, another page of the same dump, or nowhere. */
export async function locateLsn(docs: DumpDocuments, cache: IndexCache, doc: vscode.TextDocument, lsn: bigint, nearest = false): Promise<vscode.Location | undefined> {
  const ref = docs.ref(doc.uri);
  let target = doc;
  if (ref) {
    const page = ref.session.pager.pageOfLsn(lsn, nearest);
    if (page < 0) return undefined;
    if (page !== ref.page) target = await vscode.workspace.openTextDocument(docs.uri(ref.session, page));
  }
  const line = cache.get(target).lineOfLsn(lsn, nearest);
  return line >= 0 ? new vscode.Location(target.uri, new vscode.Position(line, 0)) : undefined;
}

/**
 * Records of a transaction on the other pages of a dump. A page that is open is read from its
 * document; the others from their spooled text, by a plain text search (no index is kept for
 * pages nobody looks at). Stops early when the request is cancelled.
 */
async function xidOnOtherPages(docs: DumpDocuments, ref: PageRef, xid: number, token: vscode.CancellationToken): Promise<vscode.Location[]> {
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const out: vscode.Location[] = [];
  for (let page = 0; page < ref.session.pageCount && !token.isCancellationRequested; page++) {
    if (page === ref.page) continue;
    const uri = docs.uri(ref.session, page);
    const text = open.get(uri.toString())?.getText() ?? ref.session.pageText(page);
    for (const line of xidLinesInText(text, xid)) out.push(new vscode.Location(uri, new vscode.Position(line, 0)));
    // Let other work in the extension host run between pages of up to 16 MB each.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

function timelineOf(doc: vscode.TextDocument, docs: DumpDocuments): number | undefined {
  const ref = docs.ref(doc.uri);
  if (ref?.session.spec.timeline !== undefined) return ref.session.spec.timeline;
  const name = doc.uri.path.split('/').pop() ?? '';
  return parseWalFileName(name.slice(0, 24))?.timeline;
}

export function registerLanguageProviders(docs: DumpDocuments, cache: IndexCache, lookup: RelationLookup): vscode.Disposable[] {
  const hover: vscode.HoverProvider = {
    async provideHover(doc, pos, token) {
      const text = doc.lineAt(pos.line).text;
      const parsed = parseWaldumpLine(text);
      // Over a block reference: its relation's names, when a connection is set for them.
      const part = recordPartAt(parsed, pos.character);
      const relationNames = part?.kind === 'blockRef' ? await lookup.names(part.blockRef, token) : undefined;
      if (token.isCancellationRequested) return undefined;
      const ref = docs.ref(doc.uri);
      const timeline = timelineOf(doc, docs);
      const txEnd = (xid: number): TxEndLink | undefined => {
        const lines = cache.get(doc).linesOfXid(xid);
        for (let i = lines.length - 1; i >= 0; i--) {
          const l = lines[i] ?? 0;
          const rec = parseWaldumpLine(doc.lineAt(l).text);
          if (rec.kind === 'record' && rec.rmgr === 'Transaction' && /^(COMMIT|ABORT)(_PREPARED)?$/.test(rec.type)) {
            return { kind: rec.type, label: `${rec.lsnText} (line ${l + 1})`, target: commandUri('pgBackupStudio.waldump.goToLsn', { lsn: rec.lsnText }) };
          }
        }
        const end = ref?.session.pager.txEnd(xid);
        if (ref && end && end.page !== ref.page) {
          return { kind: end.kind, label: `page ${end.page + 1}, line ${end.line + 1}`, target: commandUri('pgBackupStudio.waldump.revealPageLine', { session: ref.session.id, page: end.page, line: end.line }) };
        }
        return undefined;
      };
      const h = viewerHover(parsed, pos.character, {
        ...(ref?.session.spec.major !== undefined ? { major: ref.session.spec.major } : {}),
        ...(timeline !== undefined ? { timeline } : {}),
        ...(ref?.session.spec.segmentSize !== undefined ? { segmentSize: ref.session.spec.segmentSize } : {}),
        txEnd,
        ...(relationNames ? { relationNames } : { chooseConnection: `command:${CHOOSE_COMMAND}` }),
      });
      if (!h) return undefined;
      const md = new vscode.MarkdownString(h.markdown);
      md.isTrusted = { enabledCommands: ['pgBackupStudio.waldump.goToLsn', 'pgBackupStudio.waldump.revealPageLine', CHOOSE_COMMAND] };
      return new vscode.Hover(md, new vscode.Range(pos.line, h.span.start, pos.line, h.span.end));
    },
  };

  const definition: vscode.DefinitionProvider = {
    async provideDefinition(doc, pos) {
      const parsed = parseWaldumpLine(doc.lineAt(pos.line).text);
      const part = recordPartAt(parsed, pos.character);
      let lsn: bigint | undefined;
      if (parsed.kind === 'record' && part && (part.kind === 'prev' || part.kind === 'lsn')) lsn = part.kind === 'prev' ? parsed.prev : parsed.lsn;
      else if (part?.kind === 'messageLsn') lsn = parseLsn(part.text);
      if (lsn === undefined || lsn === 0n) return undefined;
      return locateLsn(docs, cache, doc, lsn);
    },
  };

  const references: vscode.ReferenceProvider = {
    async provideReferences(doc, pos, _context, token) {
      const parsed = parseWaldumpLine(doc.lineAt(pos.line).text);
      if (parsed.kind !== 'record' || parsed.xid === 0) return undefined;
      const here = cache.get(doc).linesOfXid(parsed.xid).map((l) => new vscode.Location(doc.uri, new vscode.Position(l, 0)));
      const ref = docs.ref(doc.uri);
      if (!ref) return here;
      return [...here, ...await xidOnOtherPages(docs, ref, parsed.xid, token)];
    },
  };

  const symbols: vscode.DocumentSymbolProvider = {
    provideDocumentSymbols(doc) {
      const outline = buildOutline(doc.lineCount, (i) => doc.lineAt(i).text);
      return outline.sections.map((s) => {
        const range = new vscode.Range(s.firstLine, 0, s.lastLine, doc.lineAt(s.lastLine).text.length);
        const name = s.checkpoint ? `${s.checkpoint} ${s.lsn ?? ''}` : 'Before the first checkpoint';
        const sym = new vscode.DocumentSymbol(name, `${s.transactions.length} transactions`, vscode.SymbolKind.Namespace, range, new vscode.Range(s.firstLine, 0, s.firstLine, 0));
        sym.children = s.transactions.map((t) => new vscode.DocumentSymbol(
          `tx ${t.xid}`, `${t.records} records${t.end ? `, ${t.end}` : ''}`, vscode.SymbolKind.Event,
          new vscode.Range(t.firstLine, 0, t.lastLine, doc.lineAt(t.lastLine).text.length), new vscode.Range(t.firstLine, 0, t.firstLine, 0)));
        return sym;
      });
    },
  };

  const folding: vscode.FoldingRangeProvider = {
    provideFoldingRanges(doc) {
      return buildOutline(doc.lineCount, (i) => doc.lineAt(i).text).folds.map(([a, b]) => new vscode.FoldingRange(a, b));
    },
  };

  return [
    vscode.languages.registerHoverProvider(selector, hover),
    vscode.languages.registerDefinitionProvider(selector, definition),
    vscode.languages.registerReferenceProvider(selector, references),
    vscode.languages.registerDocumentSymbolProvider(selector, symbols, { label: 'WAL' }),
    vscode.languages.registerFoldingRangeProvider(selector, folding),
    vscode.workspace.onDidCloseTextDocument((d) => cache.drop(d)),
  ];
}
