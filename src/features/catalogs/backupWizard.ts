// The backup wizard: mode, STREAM/ARCHIVE, compression, threads, note, TTL and connection,
// starting from the choices last made for the instance. Each step can be skipped by giving the
// value in the argument object.
import { noteProblem } from '../../core/probackup/commandArgs';
import * as vscode from 'vscode';
import type { CompressAlgorithm } from '../../core/probackup/commandArgs';
import type { BackupModeArg } from '../../core/probackup/dataCommands';
import { BACKUP_MODES, choicesFromUnknown, isBackupMode, isCompressAlgorithm, PGLZ_THREADS } from '../../core/probackup/backupPlan';
import type { BackupChoices } from '../../core/probackup/backupPlan';
import { Stop } from './commandContext';

export interface BackupArgs {
  readonly mode?: BackupModeArg;
  readonly stream?: boolean;
  readonly compressAlgorithm?: CompressAlgorithm;
  readonly compressLevel?: number;
  readonly threads?: number;
  readonly note?: string;
  readonly ttl?: string;
}

const MODE_HELP: Record<BackupModeArg, string> = {
  FULL: 'Copies every data file: the base of a chain.',
  DELTA: 'Reads every file, copies the pages changed since the parent backup.',
  PAGE: 'Copies the pages changed since the parent, found in the archived WAL (needs ARCHIVE).',
  PTRACK: 'Copies the pages the ptrack extension saw change (needs ptrack installed).',
};

export function choicesKey(catalog: string, instance: string): string {
  return `pgBackupStudio.backupChoices:${catalog}:${instance}`;
}

export function rememberedChoices(state: vscode.Memento, catalog: string, instance: string): BackupChoices | undefined {
  return choicesFromUnknown(state.get(choicesKey(catalog, instance)));
}

export function rememberChoices(state: vscode.Memento, catalog: string, instance: string, c: BackupChoices): Thenable<void> {
  return state.update(choicesKey(catalog, instance), c);
}

function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Stop('cancelled', '');
  return v;
}

/** Fills the choices: from the argument object when given, else by asking (defaults: last time's). */
export async function askBackupChoices(args: BackupArgs, last: BackupChoices | undefined, interactive: boolean): Promise<BackupChoices> {
  const base: BackupChoices = last ?? { mode: 'FULL', stream: true };
  if (!interactive) {
    if (args.mode !== undefined && !isBackupMode(args.mode)) throw new Stop('bad-argument', `mode must be one of ${BACKUP_MODES.join(', ')}`);
    if (args.compressAlgorithm !== undefined && !isCompressAlgorithm(args.compressAlgorithm)) throw new Stop('bad-argument', 'compressAlgorithm must be none, zlib or pglz');
    const pick = <K extends keyof BackupArgs & keyof BackupChoices>(k: K): BackupChoices[K] | undefined => (args[k] !== undefined ? args[k] : base[k]) as BackupChoices[K] | undefined;
    const out: Record<string, unknown> = { mode: args.mode ?? base.mode, stream: args.stream ?? base.stream };
    for (const k of ['compressAlgorithm', 'compressLevel', 'threads', 'note', 'ttl'] as const) {
      const v = k === 'note' || k === 'ttl' ? args[k] : pick(k); // a note or TTL is never carried over silently
      if (v !== undefined) out[k] = v;
    }
    return out as unknown as BackupChoices;
  }
  const mode = need(await vscode.window.showQuickPick(
    BACKUP_MODES.map((m) => ({ label: m, description: m === base.mode ? vscode.l10n.t('last used') : '', detail: MODE_HELP[m] })),
    { title: vscode.l10n.t('Backup mode (1/6)'), ignoreFocusOut: true },
  )).label as BackupModeArg;
  const wal = need(await vscode.window.showQuickPick([
    { label: 'STREAM', stream: true, detail: vscode.l10n.t('WAL is streamed into the backup: self-contained, no archive needed.') },
    { label: 'ARCHIVE', stream: false, detail: vscode.l10n.t('WAL comes from the instance\'s WAL archive (archive_command with archive-push).') },
  ].sort((a, b) => Number(b.stream === base.stream) - Number(a.stream === base.stream)), { title: vscode.l10n.t('WAL delivery (2/6)'), ignoreFocusOut: true }));
  const compress = need(await vscode.window.showQuickPick([
    { label: vscode.l10n.t('No compression'), alg: 'none' as CompressAlgorithm, level: undefined },
    { label: 'zlib, level 1', description: vscode.l10n.t('fast'), alg: 'zlib' as CompressAlgorithm, level: 1 },
    { label: 'zlib, level 6', description: vscode.l10n.t('smaller'), alg: 'zlib' as CompressAlgorithm, level: 6 },
    { label: 'zlib, level 9', description: vscode.l10n.t('smallest, slowest'), alg: 'zlib' as CompressAlgorithm, level: 9 },
    { label: 'pglz', alg: 'pglz' as CompressAlgorithm, level: undefined },
  ], { title: vscode.l10n.t('Compression (3/6)'), ignoreFocusOut: true }));
  const threadsText = need(await vscode.window.showInputBox({
    title: vscode.l10n.t('Parallel threads (4/6)'), value: String(base.threads ?? 1), ignoreFocusOut: true,
    validateInput: (v) => (!/^[1-9]\d{0,2}$/.test(v.trim()) ? vscode.l10n.t('A whole number from 1')
      : compress.alg === 'pglz' && Number(v.trim()) > 1 ? PGLZ_THREADS : undefined),
  }));
  const note = need(await vscode.window.showInputBox({
    title: vscode.l10n.t('Note (5/6, optional)'), ignoreFocusOut: true, prompt: vscode.l10n.t('Kept with the backup, shown in the tree.'),
    validateInput: (v) => (v.trim() === '' ? undefined : noteProblem(v.trim())),
  }));
  const ttl = need(await vscode.window.showInputBox({
    title: vscode.l10n.t('Pin for (6/6, optional)'), ignoreFocusOut: true, prompt: vscode.l10n.t('Keep the backup from retention for this long, e.g. 7d or 12h. Empty: not pinned.'),
    validateInput: (v) => (v.trim() === '' || /^\d+\s*(ms|s|min|h|d)?$/.test(v.trim()) ? undefined : vscode.l10n.t('A number with an optional unit: s, min, h, d')),
  }));
  return {
    mode,
    stream: wal.stream,
    // 'none' too: without it the instance's configured compression would apply.
    compressAlgorithm: compress.alg,
    ...(compress.level !== undefined ? { compressLevel: compress.level } : {}),
    threads: Number(threadsText.trim()),
    ...(note.trim() !== '' ? { note: note.trim() } : {}),
    ...(ttl.trim() !== '' ? { ttl: ttl.trim() } : {}),
  };
}
