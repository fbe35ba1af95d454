// Commands that open WAL in the viewer: a segment file (Explorer, .partial, .gz), a directory
// with an LSN range, and a backup's WAL. Every command takes an optional argument object and
// asks with pickers only when it is missing; each returns a small result for callers and tests.
import { existsSync, readdirSync } from 'node:fs';
import { rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatLsn, parseLsn } from '../../core/waldump/lsn';
import { prepareSegmentInput, readSegmentHeader } from '../../core/waldump/viewerInput';
import { describeFilters, segmentsForRange } from '../../core/waldump/viewerRange';
import type { DumpSource, WaldumpFilters } from '../../core/waldump/viewerRange';
import { parseWalFileName, segmentFileName } from '../../core/waldump/walSegment';
import type { Services } from '../../platform/services';
import type { DumpDocuments } from './dumpDocuments';
import { makeTempDir } from '../../core/process/tempDirs';
import { produce } from './dumpRunner';
import { DumpSession, SharedInput } from './dumpSession';
import type { SessionSpec } from './dumpSession';

export interface OpenResult {
  readonly ok: boolean;
  readonly message?: string;
  readonly uri?: string;
  readonly sessionId?: string;
  readonly producer?: string;
  readonly records?: number;
  readonly pages?: number;
  readonly notes?: readonly string[];
}

export interface OpenSegmentArg {
  readonly path: string;
  readonly startLsn?: string;
  readonly endLsn?: string;
  readonly filters?: WaldumpFilters;
  /** 'builtin': list with the built-in reader even when pg_waldump is installed. */
  readonly reader?: 'auto' | 'builtin';
  /** Records per page (default 50,000; never more). */
  readonly pageRecords?: number;
  /** Resolve only when the whole dump is in (tests, scripts). */
  readonly wait?: boolean;
}

export interface OpenRangeArg {
  readonly dir: string;
  readonly startLsn: string;
  readonly endLsn?: string;
  readonly timeline?: number;
  readonly filters?: WaldumpFilters;
  readonly title?: string;
  readonly wait?: boolean;
}

export interface ShowBackupWalArg {
  readonly catalog: string;
  readonly instance: string;
  readonly backupId: string;
  readonly startLsn: string;
  readonly stopLsn: string;
  readonly timeline: number;
  /** The directory holding the WAL: the catalog's wal/<instance>, or the backup's pg_wal. */
  readonly walDir?: string;
  readonly wait?: boolean;
}

function lsnArg(text: string | undefined, what: string): bigint | undefined {
  if (text === undefined || text === '') return undefined;
  const v = parseLsn(text);
  if (v === undefined) throw new Error(`${what} "${text}" is not an LSN like 0/3000028`);
  return v;
}

export class Opener {
  constructor(private readonly docs: DumpDocuments, private readonly services: Services) {}

  /** Starts producing a session and shows its first page at once. */
  async start(spec: SessionSpec, wait: boolean): Promise<OpenResult> {
    const session = new DumpSession(spec);
    this.docs.add(session);
    const done = produce(session, this.services).then((outcome) => {
      this.docs.updateStatus();
      if (!outcome.ok && outcome.message && outcome.message !== 'cancelled') {
        this.services.log.error(`${spec.title}: ${outcome.message}`);
        void vscode.window.showErrorMessage(`${spec.title}: ${outcome.message}`);
      } else if (session.mode === 'builtin') {
        void vscode.window.showInformationMessage(session.notes.find((n) => !n.startsWith('End of WAL')) ?? 'Listed by the built-in WAL reader.');
      }
      for (const n of session.notes) this.services.log.info(`${spec.title}: ${n}`);
      return outcome;
    });
    const editor = await this.docs.showPage(session, 0);
    const outcome = wait ? await done : undefined;
    if (wait) {
      // The editor reloads a grown page asynchronously: let it catch up with the whole first page.
      const want = session.pager.pages[0]?.chars ?? 0;
      const uri = editor.document.uri.toString();
      const length = (): number => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText().length ?? -1;
      for (let i = 0; i < 600 && length() !== want; i++) await new Promise((r) => setTimeout(r, 50));
      if (length() !== want) this.services.log.warn(`${spec.title}: the editor shows ${length()} of ${want} characters of page 1`);
    }
    return {
      ok: outcome ? outcome.ok : true,
      ...(outcome?.message !== undefined ? { message: outcome.message } : {}),
      uri: editor.document.uri.toString(),
      sessionId: session.id,
      producer: session.producer,
      records: session.pager.recordCount,
      pages: session.pageCount,
      notes: [...session.notes],
    };
  }

  async openSegment(arg?: OpenSegmentArg | vscode.Uri): Promise<OpenResult> {
    let file: string | undefined;
    let a: OpenSegmentArg | undefined;
    if (arg instanceof vscode.Uri) file = arg.fsPath;
    else if (arg && typeof arg.path === 'string') {
      a = arg;
      file = arg.path;
    } else {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Open WAL Segment'), title: vscode.l10n.t('WAL segment file') });
      file = picked?.[0]?.fsPath;
    }
    if (!file) return { ok: false, message: 'no file chosen' };
    try {
      const startLsn = lsnArg(a?.startLsn, 'start LSN');
      const endLsn = lsnArg(a?.endLsn, 'end LSN');
      if (!existsSync(file)) throw new Error(`${file}: no such file`);
      const input = await prepareSegmentInput(file);
      const header = await readSegmentHeader(input.file);
      if (header.major === undefined) {
        await input.dispose();
        throw new Error(header.problem ?? `${path.basename(file)} is not a WAL segment`);
      }
      const name = parseWalFileName(path.basename(file));
      const segSize = header.segmentSize;
      const files = [input.file];
      if (name && segSize !== undefined) {
        // the record that continues into the next segment
        const next = path.join(path.dirname(file), segmentFileName(name.timeline, name.segmentNumber + 1n, segSize));
        if (existsSync(next)) files.push(next);
      }
      const source: DumpSource = { kind: 'file', path: input.file, ...(startLsn !== undefined ? { startLsn } : {}), ...(endLsn !== undefined ? { endLsn } : {}) };
      const filters = a?.filters ?? {};
      const f = describeFilters(filters);
      return await this.start({
        title: `${path.basename(file)}${f ? ` ${f}` : ''}`,
        source, filters, files,
        major: header.major, timeline: name?.timeline ?? header.timeline, segmentSize: segSize,
        ...(a?.reader === 'builtin' ? { builtinOnly: true } : {}),
        ...(a?.pageRecords !== undefined ? { pageRecords: a.pageRecords } : {}),
        input: new SharedInput(() => input.dispose()),
      }, a?.wait === true);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(message);
      return { ok: false, message };
    }
  }

  /**
   * Saved pg_waldump output in the paged viewer: at any size highlighting, hovers and navigation
   * keep working, where the editor alone stops highlighting above 20 MB and gives extensions
   * nothing above 50 MB.
   */
  async openDumpFile(arg?: { readonly path: string; readonly pageRecords?: number; readonly wait?: boolean } | vscode.Uri): Promise<OpenResult> {
    let file: string | undefined;
    if (arg instanceof vscode.Uri) file = arg.fsPath;
    else if (arg && typeof arg.path === 'string') file = arg.path;
    else {
      const active = vscode.window.activeTextEditor?.document;
      file = active?.uri.scheme === 'file' && active.languageId === 'pg-waldump' ? active.uri.fsPath : undefined;
      file ??= (await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: vscode.l10n.t('Open in the WAL Viewer'), title: vscode.l10n.t('Saved pg_waldump output'),
        filters: { [vscode.l10n.t('pg_waldump output')]: ['waldump', 'txt', 'log'], [vscode.l10n.t('All files')]: ['*'] },
      }))?.[0]?.fsPath;
    }
    if (!file) return { ok: false, message: 'no file chosen' };
    if (!existsSync(file)) {
      const message = `${file}: no such file`;
      void vscode.window.showErrorMessage(message);
      return { ok: false, message };
    }
    const pageRecords = arg instanceof vscode.Uri ? undefined : arg?.pageRecords;
    return this.start({
      title: path.basename(file), source: { kind: 'file', path: file }, filters: {}, files: [],
      major: undefined, timeline: parseWalFileName(path.basename(file).slice(0, 24))?.timeline, segmentSize: undefined,
      savedDump: true, ...(pageRecords !== undefined ? { pageRecords } : {}),
    }, !(arg instanceof vscode.Uri) && arg?.wait === true);
  }

  async openRange(arg?: OpenRangeArg): Promise<OpenResult> {
    let a = arg;
    if (!a) {
      const dir = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, openLabel: vscode.l10n.t('Use this WAL directory') }))?.[0]?.fsPath;
      if (!dir) return { ok: false, message: 'no directory chosen' };
      const names = readdirSync(dir).filter((n) => parseWalFileName(n) !== undefined).sort();
      const first = names[0] ? parseWalFileName(names[0]) : undefined;
      const startLsn = await vscode.window.showInputBox({ ignoreFocusOut: true,
        title: vscode.l10n.t('Start LSN'), value: first ? formatLsn(first.startLsn) : '',
        validateInput: (v) => (parseLsn(v) === undefined ? vscode.l10n.t('An LSN like 0/3000028') : undefined),
      });
      if (!startLsn) return { ok: false, message: 'no start LSN' };
      const endLsn = await vscode.window.showInputBox({ ignoreFocusOut: true,
        title: vscode.l10n.t('End LSN (empty: to the end of the WAL there)'),
        validateInput: (v) => (v !== '' && parseLsn(v) === undefined ? vscode.l10n.t('An LSN like 0/3000028, or nothing') : undefined),
      });
      if (endLsn === undefined) return { ok: false, message: 'cancelled' };
      a = { dir, startLsn, ...(endLsn ? { endLsn } : {}), ...(first ? { timeline: first.timeline } : {}) };
    }
    try {
      return await this.range(a);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(message);
      return { ok: false, message };
    }
  }

  private async range(a: OpenRangeArg): Promise<OpenResult> {
    const startLsn = lsnArg(a.startLsn, 'start LSN');
    if (startLsn === undefined) throw new Error('a start LSN is needed');
    const endLsn = lsnArg(a.endLsn, 'end LSN');
    if (!existsSync(a.dir)) throw new Error(`${a.dir}: no such directory`);
    const names = readdirSync(a.dir);
    const timeline = a.timeline ?? names.map((n) => parseWalFileName(n)).find((w) => w !== undefined)?.timeline ?? 1;
    const firstHeaderFile = segmentsForRange(names, timeline, startLsn, endLsn).files[0];
    if (firstHeaderFile === undefined) throw new Error(`no WAL segment of timeline ${timeline} holding ${formatLsn(startLsn)} in ${a.dir}`);
    // The segment size is in the first page; prepare one file to read it.
    const probe = await prepareSegmentInput(path.join(a.dir, firstHeaderFile));
    const header = await readSegmentHeader(probe.file).finally(() => probe.dispose());
    const segSize = header.segmentSize;
    const chosen = segmentsForRange(names, timeline, startLsn, endLsn, segSize);
    if (chosen.files.length === 0) throw new Error(`none of the segments of ${formatLsn(startLsn)}…${endLsn !== undefined ? formatLsn(endLsn) : ''} is in ${a.dir}`);
    if (chosen.missing.length > 0) this.services.log.warn(`WAL range: missing segments ${chosen.missing.join(', ')}`);
    // pg_waldump reads plain segment names only: put .gz (decompressed) and .partial (linked) into a temp dir.
    let dir = a.dir;
    const cleanups: (() => Promise<void>)[] = [];
    if (chosen.files.some((n) => n.length !== 24)) {
      const tmp = await makeTempDir('walrange');
      cleanups.push(() => rm(tmp, { recursive: true, force: true }));
      for (const n of chosen.files) {
        const p = await prepareSegmentInput(path.join(a.dir, n));
        cleanups.push(() => p.dispose());
        await symlink(p.file, path.join(tmp, n.slice(0, 24)));
      }
      dir = tmp;
    }
    const files = chosen.files.map((n) => path.join(dir, n.slice(0, 24)));
    const source: DumpSource = { kind: 'dir', dir, timeline, startLsn, ...(endLsn !== undefined ? { endLsn } : {}) };
    const filters = a.filters ?? {};
    return this.start({
      title: a.title ?? `WAL ${formatLsn(startLsn)}…${endLsn !== undefined ? formatLsn(endLsn) : ''} (timeline ${timeline})`,
      source, filters, files, major: header.major, timeline, segmentSize: segSize,
      input: new SharedInput(async () => {
        for (const c of cleanups.reverse()) await c();
      }),
    }, a.wait === true);
  }

  async showBackupWal(arg?: ShowBackupWalArg): Promise<OpenResult> {
    if (!arg) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Use "Show WAL of this Backup" on a backup in the catalog tree.'));
      return { ok: false, message: 'no backup given' };
    }
    const candidates = [arg.walDir, path.join(arg.catalog, 'wal', arg.instance), path.join(arg.catalog, 'backups', arg.instance, arg.backupId, 'database', 'pg_wal')]
      .filter((d): d is string => d !== undefined && existsSync(d));
    const start = lsnArg(arg.startLsn, 'start LSN');
    for (const dir of candidates) {
      if (start === undefined) break;
      const names = readdirSync(dir);
      if (segmentsForRange(names, arg.timeline, start, undefined).files.length > 0) {
        return this.openRange({ dir, startLsn: arg.startLsn, endLsn: arg.stopLsn, timeline: arg.timeline, title: `WAL of backup ${arg.backupId} (${arg.instance})`, ...(arg.wait ? { wait: true } : {}) });
      }
    }
    const message = `the WAL of backup ${arg.backupId} (from ${arg.startLsn}, timeline ${arg.timeline}) is in none of: ${candidates.join(', ') || 'no WAL directory found'}`;
    void vscode.window.showErrorMessage(message);
    return { ok: false, message };
  }
}
