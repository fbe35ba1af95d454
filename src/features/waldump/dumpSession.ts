// One opened dump: where it comes from, how it was produced (pg_waldump or the built-in
// reader), and its pages, spooled to a temporary file each so memory stays bounded.
import { closeSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeTempDirSync } from '../../core/process/tempDirs';
import { DEFAULT_PAGE_LIMITS, DumpPager } from '../../core/waldump/viewerPaging';
import type { PageInfo, PageLimits } from '../../core/waldump/viewerPaging';
import type { DumpSource, WaldumpFilters } from '../../core/waldump/viewerRange';

export type DumpMode = 'pg_waldump' | 'builtin';

export interface SessionSpec {
  readonly title: string;
  readonly source: DumpSource;
  readonly filters: WaldumpFilters;
  /** Files the built-in reader reads (first = where reading starts). */
  readonly files: readonly string[];
  readonly major: number | undefined;
  readonly timeline: number | undefined;
  readonly segmentSize: number | undefined;
  /** List with the built-in reader even when pg_waldump is there. */
  readonly builtinOnly?: boolean;
  /** Records per page instead of the default (which keeps pages far below the editor's limits). */
  readonly pageRecords?: number;
  /** Temporary input (decompressed .gz, linked .partial), shared by the sessions that read it. */
  readonly input?: SharedInput;
  /**
   * Saved pg_waldump output (source.path) read in place: its pages are byte ranges of that file,
   * nothing is spooled, and filters or statistics (which need the WAL itself) do not apply.
   */
  readonly savedDump?: boolean;
}

/** Removes temporary input when the last session that reads it is gone. */
export class SharedInput {
  private refs = 0;
  constructor(private readonly cleanup: () => Promise<void>) {}
  acquire(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs === 0) void this.cleanup();
  }
}

export class DumpSession implements vscode.Disposable {
  static nextId = 1;
  readonly id = String(DumpSession.nextId++);
  readonly pager: DumpPager;
  mode: DumpMode = 'pg_waldump';
  /** What was used: `pg_waldump 15.20 (/usr/lib/…)` or the built-in reader's reason. */
  producer = '';
  /** Information lines shown in the status and log (end of WAL, built-in reader note). */
  readonly notes: string[] = [];
  done = false;
  failed: string | undefined;
  readonly controller = new AbortController();
  private readonly dir: string;
  private readonly fds = new Map<number, number>();
  private readonly changed = new vscode.EventEmitter<number>();
  /** Fires with a page index whose text grew or completed. */
  readonly onDidChangePage = this.changed.event;
  private readonly doneEmitter = new vscode.EventEmitter<void>();
  readonly onDidFinish = this.doneEmitter.event;

  constructor(readonly spec: SessionSpec, limits: PageLimits = spec.pageRecords !== undefined && spec.pageRecords > 0
    ? { ...DEFAULT_PAGE_LIMITS, maxRecords: Math.min(spec.pageRecords, DEFAULT_PAGE_LIMITS.maxRecords) } : DEFAULT_PAGE_LIMITS) {
    spec.input?.acquire();
    this.dir = makeTempDirSync('waldump');
    this.pager = new DumpPager(spec.savedDump ? {
      write: () => undefined,
      pageDone: (page: PageInfo) => {
        // Called while the first line of the next page is added, or at the end: either way
        // savedBytes is where this page ends.
        this.pageBytes[page.index + 1] = this.savedBytes;
        this.changed.fire(page.index);
      },
    } : {
      write: (page, text) => {
        let fd = this.fds.get(page);
        if (fd === undefined) {
          fd = openSync(this.pageFile(page), 'w');
          this.fds.set(page, fd);
        }
        writeSync(fd, text);
      },
      pageDone: (page: PageInfo) => {
        const fd = this.fds.get(page.index);
        if (fd !== undefined) closeSync(fd);
        this.fds.delete(page.index);
        this.changed.fire(page.index);
      },
    }, limits);
  }

  /** Saved dumps: the byte offset where each page starts; page k ends where k + 1 starts. */
  private readonly pageBytes: number[] = [0];
  /** Saved dumps: where the line being added starts (the producer sets it before each line). */
  savedBytes = 0;

  private savedPageText(page: number): string {
    const start = this.pageBytes[page];
    const end = this.pageBytes[page + 1] ?? this.savedBytes;
    if (start === undefined || end <= start) return '';
    const buf = Buffer.allocUnsafe(end - start);
    const fd = openSync(this.spec.source.kind === 'file' ? this.spec.source.path : '', 'r');
    try {
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      return buf.toString('utf8', 0, got);
    } finally {
      closeSync(fd);
    }
  }

  private pageFile(page: number): string {
    return path.join(this.dir, `page-${page}.txt`);
  }

  /** The text of a page so far. */
  pageText(page: number): string {
    const info = this.pager.pages[page];
    if (!info) return '';
    if (this.spec.savedDump) {
      try {
        return this.savedPageText(page);
      } catch (e) {
        return `-- cannot read ${this.spec.title}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`;
      }
    }
    if (!info.complete) this.pager.sync();
    try {
      return readFileSync(this.pageFile(page), 'utf8');
    } catch {
      return '';
    }
  }

  get pageCount(): number {
    return Math.max(1, this.pager.pages.length);
  }

  /** Tells open documents of the current page that it grew. */
  notifyGrowth(): void {
    const last = this.pager.pages.at(-1);
    // Each change makes the editor fetch and diff the whole page: only when it grew.
    if (last && !last.complete && last.chars !== this.notifiedChars) {
      this.notifiedChars = last.chars;
      this.changed.fire(last.index);
    }
  }
  private notifiedChars = -1;

  finish(failed?: string): void {
    this.pager.end();
    this.done = true;
    this.failed = failed;
    this.doneEmitter.fire();
    const last = this.pager.pages.at(-1);
    this.changed.fire(last ? last.index : 0);
  }

  dispose(): void {
    this.controller.abort();
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    rmSync(this.dir, { recursive: true, force: true });
    this.spec.input?.release();
    this.changed.dispose();
    this.doneEmitter.dispose();
  }
}
