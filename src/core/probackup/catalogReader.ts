// Reads one catalog into the tree's model: its layout on disk, then `show` and `show --archive`
// as JSON through the core builders. Pure (no vscode): the tree and the e2e tests share it.
// A catalog that fails to read gives a CatalogRead with the error, never a partial model that
// would hide backups; only a failed `show --archive` leaves the backups and marks the archive.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { showArchiveCommand, showCommand } from './catalogCommands';
import { buildCatalogModel } from './catalogModel';
import { instanceSegmentSizes } from './controlFile';
import type { CatalogModel } from './catalogModel';
import { isProbackupError } from './probackupError';
import type { ProbackupErrorCode } from './probackupError';
import { parseShowArchiveJson, parseShowJson } from './showOutput';
import type { RunOptions } from '../process/runner';
import { ProcessError, runInvocation } from '../process/runner';

export type CatalogProblemCode = 'missing' | 'not-a-catalog' | 'no-binary' | 'untrusted' | ProbackupErrorCode | 'process';

export type CatalogRead =
  | {
    readonly kind: 'ok';
    readonly model: CatalogModel;
    /** Set when `show --archive` failed: the backups are there, the archive is not known. */
    readonly archiveError: string | undefined;
  }
  | { readonly kind: 'error'; readonly code: CatalogProblemCode; readonly message: string };

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Why a folder is not a pg_probackup catalog (`backups/` and `wal/` inside), or undefined when it is one. */
export function catalogLayoutProblem(dir: string): { code: 'missing' | 'not-a-catalog'; message: string } | undefined {
  if (!isDir(dir)) return { code: 'missing', message: `The catalog folder ${dir} does not exist (deleted or moved?).` };
  const lacking = ['backups', 'wal'].filter((d) => !isDir(path.join(dir, d)));
  if (lacking.length > 0) {
    return {
      code: 'not-a-catalog',
      message: `${dir} is not a pg_probackup catalog: it has no ${lacking.map((d) => `${d}/`).join(' and ')} folder (run "Initialize New Catalog…" to create one).`,
    };
  }
  return undefined;
}

function describe(e: unknown): { code: CatalogProblemCode; message: string } {
  if (isProbackupError(e)) return { code: e.code, message: e.message };
  if (e instanceof ProcessError) return { code: 'process', message: e.message };
  return { code: 'unknown', message: e instanceof Error ? e.message : String(e) };
}

/** Runs show and show --archive for the catalog with this binary. */
export async function readCatalog(dir: string, binary: string, options: RunOptions = {}): Promise<CatalogRead> {
  const layout = catalogLayoutProblem(dir);
  if (layout) return { kind: 'error', ...layout };
  let show;
  try {
    show = await runInvocation(showCommand({ binary, catalog: dir }), options);
  } catch (e) {
    return { kind: 'error', ...describe(e) };
  }
  let archive;
  let archiveError: string | undefined;
  try {
    archive = await runInvocation(showArchiveCommand({ binary, catalog: dir }), options);
  } catch (e) {
    archiveError = describe(e).message;
  }
  try {
    // show has no segment size; the instances' pg_probackup.conf does (a 1 MB or 64 MB instance
    // read as 16 MB would map its archived WAL to the wrong LSNs).
    const sizes = instanceSegmentSizes(dir, [...new Set([...show.map((s) => s.instance), ...(archive ?? []).map((a) => a.instance)])]);
    return { kind: 'ok', model: buildCatalogModel(show, archive, sizes), archiveError };
  } catch (e) {
    return { kind: 'error', ...describe(e) };
  }
}

/**
 * The same model from recorded JSON texts (a catalog opened from saved output, and the tests),
 * with the instances' WAL segment sizes where known.
 */
export function readCatalogJson(showText: string, archiveText: string | undefined, segmentSizes?: ReadonlyMap<string, number>): CatalogRead {
  try {
    const show = parseShowJson(showText);
    let archive;
    let archiveError: string | undefined;
    if (archiveText !== undefined) {
      try {
        archive = parseShowArchiveJson(archiveText);
      } catch (e) {
        archiveError = describe(e).message;
      }
    }
    return { kind: 'ok', model: buildCatalogModel(show, archive, segmentSizes), archiveError };
  } catch (e) {
    return { kind: 'error', ...describe(e) };
  }
}
