// The dump documents: `pg-waldump:` URIs served from the sessions' spooled pages, one document
// per page, with a status bar item "WAL page k of n" and next/previous page commands.
import * as vscode from 'vscode';
import type { DumpSession } from './dumpSession';

export const SCHEME = 'pg-waldump';
export const LANGUAGE = 'pg-waldump';

export interface PageRef {
  readonly session: DumpSession;
  readonly page: number;
}

export class DumpDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly sessions = new Map<string, DumpSession>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem('pgBackupStudio.waldump.page', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.status.name = vscode.l10n.t('WAL viewer page');
    this.status.command = 'pgBackupStudio.waldump.pickPage';
    this.subs.push(vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()));
    this.subs.push(vscode.workspace.onDidCloseTextDocument(() => {
      // A language change closes and reopens a document: look again a little later.
      const t = setTimeout(() => this.collect(), 30_000);
      this.subs.push({ dispose: () => clearTimeout(t) });
    }));
  }

  add(session: DumpSession): void {
    this.sessions.set(session.id, session);
    session.onDidChangePage((page) => {
      this.changed.fire(this.uri(session, page));
      this.updateStatus();
    });
  }

  uri(session: DumpSession, page: number): vscode.Uri {
    const name = page === 0 ? session.spec.title : `${session.spec.title} (page ${page + 1})`;
    const safe = name.replace(/[/\\?#%]/g, '_');
    return vscode.Uri.from({ scheme: SCHEME, path: `/${safe}.waldump`, query: `session=${session.id}&page=${page}` });
  }

  ref(uri: vscode.Uri): PageRef | undefined {
    if (uri.scheme !== SCHEME) return undefined;
    const q = new URLSearchParams(uri.query);
    const session = this.sessions.get(q.get('session') ?? '');
    const page = Number(q.get('page') ?? '0');
    return session && Number.isInteger(page) ? { session, page } : undefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = this.ref(uri);
    if (!ref) return '-- This WAL dump is closed. Open the segment again.\n';
    return ref.session.pageText(ref.page);
  }

  /** Opens page `page` of a session in an editor. */
  async showPage(session: DumpSession, page: number, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
    const wasComplete = session.pager.pages[page]?.complete === true;
    const doc = await vscode.workspace.openTextDocument(this.uri(session, page));
    // A change signalled while the editor was still creating the document is lost: signal again.
    if (!wasComplete) this.changed.fire(doc.uri);
    if (doc.languageId !== LANGUAGE) await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, ...options });
    this.updateStatus();
    return editor;
  }

  /** The session and page of the active editor. */
  active(): PageRef | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri ? this.ref(uri) : undefined;
  }

  /** A session by the id an open command returned (page 1), else the active page's: for callers that must not depend on focus. */
  sessionOrActive(sessionId: string | undefined): PageRef | undefined {
    const s = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    return s ? { session: s, page: 0 } : this.active();
  }

  updateStatus(): void {
    const ref = this.active();
    if (!ref) {
      this.status.hide();
      return;
    }
    const s = ref.session;
    const running = s.done ? '' : ' $(sync~spin)';
    this.status.text = `$(book) WAL page ${ref.page + 1} of ${s.pageCount}${running}`;
    this.status.tooltip = new vscode.MarkdownString(
      `**${s.spec.title}**\n\n${s.pager.recordCount} records on ${s.pageCount} page(s), by ${s.producer || 'pg_waldump'}.` +
      (s.notes.length ? `\n\n${s.notes.join('\n\n')}` : ''));
    this.status.show();
  }

  private collect(): void {
    // A session is dropped when none of its pages is open any more.
    const open = new Set(vscode.workspace.textDocuments.map((d) => this.ref(d.uri)?.session.id).filter((x) => x !== undefined));
    for (const [id, s] of this.sessions) {
      if (!open.has(id) && s.done) {
        this.sessions.delete(id);
        s.dispose();
      }
    }
    this.updateStatus();
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
    this.status.dispose();
    this.changed.dispose();
    for (const d of this.subs) d.dispose();
  }
}
