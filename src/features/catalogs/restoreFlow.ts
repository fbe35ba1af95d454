// Restore: a backup (or the latest that fits), a target directory, a PITR target offered from
// the recoverable window, and a pre-flight that refuses a running server's directory and
// explains a non-empty one before pg_probackup does, offering an incremental restore
// (-I checksum / -I lsn) when the directory holds an older copy of the same instance.
//
// What pg_probackup 2.5.16 accepts and the restored server then cannot do is caught here too:
// - the picker offers only backups pg_probackup can restore (a missing parent, a MERGING chain or
//   lost WAL make it fail and mark backups ORPHAN), and warns about those it may restore;
// - the end of the window is --recovery-target=latest on the end's timeline: archived WAL ends
//   somewhere inside its last segment, so the end of that segment, as an LSN target, is never
//   reached ("recovery ended before configured recovery target was reached");
// - an LSN that lies on a child timeline gets --recovery-target-timeline: pg_probackup writes
//   recovery_target_timeline = 'current' otherwise, and recovery runs out of WAL on the backup's.
//   pg_probackup checks such a target on the backup's own timeline only, and refuses it: then the
//   backup is validated first (validate -i) and restored with --no-validate;
// - restored anywhere but the instance's own PGDATA, tablespaces and external directories get new
//   places (-T, --external-mapping) beside the target, or are skipped, and are pre-flighted too:
//   at their recorded places they would land in the original cluster's folders.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Backup } from '../../core/probackup/backup';
import { showConfigCommand } from '../../core/probackup/catalogCommands';
import type { InstanceModel } from '../../core/probackup/catalogModel';
import type { RecoveryTarget } from '../../core/probackup/commandArgs';
import { restoreCommand, validateCommand } from '../../core/probackup/dataCommands';
import type { IncrementalMode } from '../../core/probackup/dataCommands';
import { DEFAULT_SEGMENT_SIZE, describeRangeEnd } from '../../core/probackup/recoverableWindow';
import { planLatestTarget, planLsnTarget, probackupChecksLsnTarget, probackupPick, restorability, restoreChoices } from '../../core/probackup/restorePlan';
import type { LsnReach, PlanInput } from '../../core/probackup/restorePlan';
import { runInvocation } from '../../core/process/runner';
import { targetFromArg } from './commands/backupCommands';
import type { TargetArg } from './commands/backupCommands';
import type { CatalogContext, Invoked } from './commandContext';
import { binaryFor, confirmed, guarded, invoked, pickCatalog, pickInstance, runAsFor, Stop } from './commandContext';
import { commandLine, formatTime } from '../../core/probackup/format';
import { proposeRelocations, recordedLocations, relocationProblems, restorePreflight } from '../../core/probackup/restorePreflight';
import type { Relocation } from '../../core/probackup/restorePreflight';

export interface RestoreArgs {
  readonly targetDir: string;
  readonly target: TargetArg;
  readonly incremental: Exclude<IncrementalMode, 'none'>;
  /** --recovery-target-timeline; by default the timeline the target lies on, when it is not the backup's. */
  readonly timeline: number | 'current' | 'latest';
  /** New places of tablespaces, recorded path → new path (default: beside the target folder). */
  readonly tablespaceMapping: Readonly<Record<string, string>>;
  /** New places of external directories, recorded path → new path (default: beside the target folder). */
  readonly externalMapping: Readonly<Record<string, string>>;
  /** Restore no external directory (--skip-external-dirs). */
  readonly skipExternalDirs: boolean;
}

async function askTargetDir(): Promise<string> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    title: vscode.l10n.t('Restore into this folder (new or empty, or an older copy of the same cluster)'), openLabel: vscode.l10n.t('Restore Here'),
  });
  const p = picked?.[0]?.fsPath;
  if (!p) throw new Stop('cancelled', '');
  return p;
}

function planInput(model: InstanceModel | undefined): PlanInput {
  return {
    backups: [...(model?.byId.values() ?? [])],
    timelines: model?.archiveKnown ? model.timelines : undefined,
    segmentSize: model?.segmentSize ?? DEFAULT_SEGMENT_SIZE,
    window: model?.window,
  };
}

/** The backup to restore: undefined for "the latest that fits". Backups pg_probackup cannot restore are not offered. */
async function pickRestorable(m: PlanInput): Promise<string | undefined> {
  const latest = { label: vscode.l10n.t('The latest backup that fits the target'), description: '', id: undefined as string | undefined };
  const choices = restoreChoices(m.backups, m.timelines, m.segmentSize);
  const offered = choices.filter((c) => c.verdict.kind !== 'broken');
  const hidden = choices.length - offered.length;
  const items = [latest, ...offered.map((c) => ({
    label: c.verdict.kind === 'doubtful' ? `$(warning) ${c.backup.id}` : c.backup.id,
    description: `${c.backup.mode} ${c.backup.walMode} · ${c.backup.status} · ${formatTime(c.backup.recoveryTime)}`,
    id: c.backup.id as string | undefined,
    ...(c.verdict.kind === 'doubtful' ? { detail: vscode.l10n.t('May not restore: {0}', c.verdict.reason) } : {}),
  }))];
  const chosen = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: vscode.l10n.t('Backup to restore'),
    ...(hidden > 0 ? { placeHolder: vscode.l10n.t('{0} backup(s) that pg_probackup cannot restore are not listed (missing parent, broken chain, WAL lost).', hidden) } : {}),
  });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen.id;
}

/** Asks for a recovery target, offering the end of what the backup (or the window) reaches. */
async function askRestoreTarget(m: PlanInput, backupId: string | undefined): Promise<RecoveryTarget | undefined> {
  const w = m.window;
  const range = backupId !== undefined ? w?.ranges.find((r) => r.backup.backupId === backupId) : undefined;
  const end = backupId !== undefined ? range?.end : w?.to;
  const from = backupId !== undefined ? range?.backup.time : w?.from.time;
  const title = end
    ? vscode.l10n.t('Recover to a point? {0} reaches from {1} to {2}', backupId ?? vscode.l10n.t('The window'), formatTime(from), describeRangeEnd(end))
    : vscode.l10n.t('Recover to a point?');
  const none = { label: vscode.l10n.t('No target'), choice: 'none' as const };
  const latest = end?.kind === 'wal'
    ? [{
      label: backupId === undefined ? vscode.l10n.t('The end of the window: all archived WAL') : vscode.l10n.t('As far as archived WAL goes'),
      description: `--recovery-target=latest --recovery-target-timeline=${end.timeline}`,
      detail: vscode.l10n.t('Ends {0}; the exact LSN is known only once recovery gets there.', describeRangeEnd(end)),
      choice: 'latest' as const,
    }]
    : [];
  const time = { label: vscode.l10n.t('A point in time…'), choice: 'time' as const };
  const xid = { label: vscode.l10n.t('A transaction ID…'), choice: 'xid' as const };
  const lsn = { label: vscode.l10n.t('An LSN…'), choice: 'lsn' as const };
  const pick = await vscode.window.showQuickPick([none, ...latest, time, xid, lsn], { ignoreFocusOut: true, title });
  if (pick === undefined) throw new Stop('cancelled', '');
  if (pick.choice === 'none') return undefined;
  if (pick.choice === 'latest') return { target: 'latest' };
  const value = await vscode.window.showInputBox({
    title,
    value: pick.choice === 'time' && w?.toAtLeast ? formatTime(w.toAtLeast) : '',
    prompt: pick.choice === 'time' ? vscode.l10n.t('e.g. 2026-11-24 18:19:30+00')
      : pick.choice === 'xid' ? vscode.l10n.t('a transaction ID')
        // No LSN is offered as the end: the end of the last segment is never reached.
        : end?.kind === 'wal'
          ? vscode.l10n.t('e.g. 0/6000168. Archived WAL ends somewhere in segment {0} (past {1}): an LSN in that segment may not be reached.', end.lastSegment, end.segmentStartLsn)
          : vscode.l10n.t('e.g. 0/6000168'),
    ...(pick.choice === 'lsn' ? { validateInput: (v: string) => (/^\s*[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}\s*$/.test(v) ? undefined : vscode.l10n.t('An LSN: two hex numbers, X/X')) } : {}),
    ignoreFocusOut: true,
  });
  if (!value) throw new Stop('cancelled', '');
  if (pick.choice === 'time') return targetFromArg({ time: value.replace(/ ([+-]\d\d)$/, '$1:00').replace(' ', 'T') });
  if (pick.choice === 'xid') return { xid: BigInt(value.trim()) };
  return { lsn: value.trim() };
}

/** The timeline to follow to an LSN that several timelines reach. */
async function askTimeline(reach: readonly LsnReach[], backup: Backup, lsn: string, m: PlanInput): Promise<LsnReach> {
  const items = reach.map((r) => ({
    label: vscode.l10n.t('Timeline {0}', r.timeline),
    description: r.timeline === backup.timeline
      ? vscode.l10n.t('the backup\'s own')
      : vscode.l10n.t('branches off at {0}', m.timelines?.find((t) => t.tli === r.timeline)?.switchpoint ?? '?'),
    ...(r.inLastSegment ? { detail: vscode.l10n.t('The LSN is in the last archived segment there: the WAL may end before it.') } : {}),
    r,
  }));
  const chosen = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, title: vscode.l10n.t('LSN {0} lies on more than one timeline: follow which?', lsn) });
  if (!chosen) throw new Stop('cancelled', '');
  return chosen.r;
}

/**
 * Where the backup's tablespaces and external directories go when it is restored outside the
 * instance's PGDATA: the argument object's mappings over places proposed beside the target, or
 * asked for.
 */
async function askRelocations(inv: Invoked<RestoreArgs>, dest: Backup, targetDir: string): Promise<{ relocations: Relocation[]; skipExternal: boolean }> {
  const proposed = proposeRelocations(dest, targetDir);
  const given = { tablespace: inv.args.tablespaceMapping ?? {}, external: inv.args.externalMapping ?? {} };
  for (const kind of ['tablespace', 'external'] as const) {
    for (const from of Object.keys(given[kind])) {
      if (!proposed.some((l) => l.kind === kind && l.from === from)) {
        throw new Stop('bad-argument', vscode.l10n.t('Backup {0} has no {1} {2}.', dest.id, kind === 'tablespace' ? vscode.l10n.t('tablespace') : vscode.l10n.t('external directory'), from));
      }
    }
  }
  let relocations = proposed.map((l) => ({ ...l, to: given[l.kind][l.from] ?? l.to }));
  let skipExternal = inv.args.skipExternalDirs === true;
  const answered = inv.args.tablespaceMapping !== undefined || inv.args.externalMapping !== undefined || inv.args.skipExternalDirs !== undefined;
  if (!inv.interactive || answered) return { relocations, skipExternal };
  const hasExternal = relocations.some((l) => l.kind === 'external');
  const beside = { label: vscode.l10n.t('Beside the new data folder'), detail: relocations.map((l) => `${l.from} → ${l.to}`).join('  ·  '), choice: 'beside' as const };
  const each = { label: vscode.l10n.t('Choose each folder…'), choice: 'each' as const };
  const skip = { label: vscode.l10n.t('Beside it, without the external directories'), description: '--skip-external-dirs', choice: 'skip' as const };
  const pick = await vscode.window.showQuickPick([beside, each, ...(hasExternal ? [skip] : [])], {
    ignoreFocusOut: true,
    title: vscode.l10n.t('Backup {0} has folders outside its data folder (tablespaces, external directories); restored where they were, they would land in the original cluster\'s. Where do they go?', dest.id),
  });
  if (!pick) throw new Stop('cancelled', '');
  if (pick.choice === 'skip') skipExternal = true;
  if (pick.choice === 'each') {
    const chosen: Relocation[] = [];
    for (const l of relocations) {
      const to = await vscode.window.showInputBox({
        title: l.kind === 'tablespace' ? vscode.l10n.t('New folder of tablespace {0} ({1})', l.oid ?? '', l.from) : vscode.l10n.t('New folder of external directory {0}', l.from),
        value: l.to, prompt: vscode.l10n.t('An empty or new folder, outside {0}', targetDir), ignoreFocusOut: true,
        validateInput: (v: string) => (path.isAbsolute(v.trim()) ? undefined : vscode.l10n.t('An absolute path')),
      });
      if (!to) throw new Stop('cancelled', '');
      chosen.push({ ...l, to: to.trim() });
    }
    relocations = chosen;
  }
  return { relocations, skipExternal };
}

export function restore(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<RestoreArgs>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const model = await ctx.tree.instance(catalog, instance);
    const m = planInput(model);
    const n = inv.node;
    /** Said in the confirmation, and returned: what may still go wrong, and what was decided here. */
    const warnings: string[] = [];
    let backupId = n?.kind === 'backup' ? n.node.backup.id : n?.kind === 'timelineBackup' ? n.backupId : inv.args.backupId;
    if (backupId === undefined && inv.interactive) backupId = await pickRestorable(m);
    let checked: string | undefined;
    /** pg_probackup would fail on a broken chain, and mark it ORPHAN on the way: say why instead. */
    const checkRestorable = (id: string | undefined): void => {
      const b = id !== undefined ? model?.byId.get(id) : undefined;
      if (!b || !model || checked === b.id) return;
      checked = b.id;
      const verdict = restorability(b, model.byId, m.timelines, m.segmentSize);
      if (verdict.kind === 'broken') throw new Stop('backup-not-restorable', vscode.l10n.t('pg_probackup cannot restore backup {0}: {1}.', b.id, verdict.reason));
      if (verdict.kind === 'doubtful') warnings.push(vscode.l10n.t('Backup {0} may not restore: {1}.', b.id, verdict.reason));
    };
    checkRestorable(backupId);
    const targetDir = inv.args.targetDir ?? await askTargetDir();
    let target: RecoveryTarget | undefined = inv.interactive ? await askRestoreTarget(m, backupId) : targetFromArg(inv.args.target);

    // Which timeline the target lies on, and the backup that gets there.
    let timeline = inv.args.timeline;
    let validateFirst = false;
    if (target && timeline === undefined && model) {
      if (target.target === 'latest') {
        const plan = planLatestTarget(m, backupId);
        timeline = plan.timeline;
        if (plan.pinBackup && plan.backup) backupId = plan.backup.id;
        if (plan.end) warnings.push(vscode.l10n.t('Recovery replays all archived WAL on timeline {0}, and ends {1}.', plan.timeline ?? '?', describeRangeEnd(plan.end)));
      } else if (target.lsn !== undefined) {
        const plan = planLsnTarget(m, backupId, target.lsn);
        let best = plan.reach?.[0];
        if (plan.backup && plan.reach?.length === 0) {
          const message = vscode.l10n.t('By the WAL archive, backup {0} cannot reach LSN {1} on any timeline: pg_probackup would restore it, and the server would then stop with "recovery ended before configured recovery target was reached".', plan.backup.id, target.lsn);
          if (!inv.interactive) throw new Stop('restore-target-unreachable', message);
          const anyway = vscode.l10n.t('Restore Anyway');
          if (await vscode.window.showWarningMessage(message, { modal: true }, anyway) !== anyway) throw new Stop('cancelled', '');
          warnings.push(message);
        }
        if (inv.interactive && plan.backup && plan.reach && plan.reach.length > 1) best = await askTimeline(plan.reach, plan.backup, target.lsn, m);
        timeline = best && best.timeline !== plan.backup?.timeline ? best.timeline : undefined;
        if ((plan.pinBackup || timeline !== undefined) && plan.backup) backupId = plan.backup.id;
        const ownReaches = (plan.reach ?? []).some((r) => r.timeline === plan.backup?.timeline && !r.inLastSegment);
        validateFirst = timeline !== undefined && backupId !== undefined && !ownReaches && probackupChecksLsnTarget(target.lsn);
        if (validateFirst) {
          warnings.push(vscode.l10n.t('pg_probackup checks that WAL reaches LSN {0} on the backup\'s own timeline {1} only, and would refuse this restore: the backup is validated first (validate -i {2}), then restored with --no-validate.', target.lsn, plan.backup?.timeline ?? '?', backupId ?? ''));
        }
        if (best?.inLastSegment) {
          warnings.push(vscode.l10n.t('LSN {0} lies in the last archived segment of timeline {1}: the WAL may end before it, and then the server stops with "recovery ended before configured recovery target was reached". The end of the window (all archived WAL) is always reached.', target.lsn, best.timeline));
        }
      }
    }
    if (target && timeline !== undefined) target = { ...target, timeline };

    // Pre-flight, before pg_probackup refuses with a bare "destination is not empty".
    let systemId: string | undefined;
    let instancePgdata: string | undefined;
    try {
      const cfg = await runInvocation(showConfigCommand({ binary: binary.path, catalog, instance }));
      systemId = cfg.systemIdentifier;
      instancePgdata = cfg.pgdata;
    } catch {
      systemId = undefined;
    }
    const pre = restorePreflight(targetDir, systemId);
    let incremental = inv.args.incremental;
    switch (pre.kind) {
      case 'running':
        throw new Stop('restore-target-running', vscode.l10n.t('A PostgreSQL server (pid {0}) is running in {1}. Stop it, or restore into another folder: pg_probackup refuses a running server\'s directory, even with --force.', pre.pid, targetDir));
      case 'unusable':
        throw new Stop('restore-target-unusable', pre.reason);
      case 'not-empty':
        throw new Stop('restore-target-not-empty', vscode.l10n.t('{0}. pg_probackup restores only into an empty folder (even with --force). Choose an empty or new folder.', pre.reason));
      case 'same-instance':
        if (incremental === undefined) {
          if (!inv.interactive) {
            throw new Stop('restore-target-not-empty', vscode.l10n.t('{0} holds an older copy of instance {1}: pass incremental "checksum" or "lsn" to update it in place.', targetDir, instance));
          }
          const pick = await vscode.window.showQuickPick([
            { label: '-I checksum', mode: 'checksum' as const, detail: vscode.l10n.t('Compare every page by checksum; rewrite only the pages that differ.') },
            { label: '-I lsn', mode: 'lsn' as const, detail: vscode.l10n.t('Trust page LSNs (needs data checksums or wal_log_hints); faster.') },
          ], { ignoreFocusOut: true, title: vscode.l10n.t('{0} holds an older copy of {1}: restore incrementally?', targetDir, instance) });
          if (!pick) throw new Stop('cancelled', '');
          incremental = pick.mode;
        }
        break;
      case 'empty':
        incremental = undefined;
        break;
    }

    // Tablespaces and external directories of the backup that will be restored (pg_probackup
    // checks the -T and --external-mapping directories against that backup's own lists).
    const dest = backupId !== undefined ? model?.byId.get(backupId) : probackupPick(m.backups, target, m.timelines);
    const inPlace = instancePgdata !== undefined && path.resolve(instancePgdata) === path.resolve(targetDir);
    let relocations: Relocation[] = [];
    let skipExternal = inv.args.skipExternalDirs === true;
    if (dest && recordedLocations(dest).length > 0) {
      if (inPlace) {
        relocations = recordedLocations(dest);
      } else {
        ({ relocations, skipExternal } = await askRelocations(inv, dest, targetDir));
        // The mapping names this backup's directories: restore this one, not a newer one taken meanwhile.
        backupId ??= dest.id;
      }
    }
    if (skipExternal) relocations = relocations.filter((l) => l.kind !== 'external');
    // The backup chosen above by the target or the mapping, rather than asked for.
    checkRestorable(backupId);
    const problems = relocationProblems(relocations, targetDir, incremental !== undefined);
    if (problems.length > 0) throw new Stop('restore-target-not-empty', problems.join(' '));
    const moved = (kind: Relocation['kind']): { from: string; to: string }[] =>
      relocations.filter((l) => l.kind === kind && l.to !== l.from).map((l) => ({ from: l.from, to: l.to }));
    const tablespaceMapping = moved('tablespace');
    const externalMapping = moved('external');

    const invocation = restoreCommand({
      binary: binary.path, catalog, instance, pgdata: targetDir, progress: true,
      ...(backupId !== undefined ? { backupId } : {}),
      ...(target ? { target } : {}),
      ...(incremental ? { incrementalMode: incremental } : {}),
      ...(tablespaceMapping.length > 0 ? { tablespaceMapping } : {}),
      ...(externalMapping.length > 0 ? { externalMapping } : {}),
      ...(skipExternal ? { skipExternalDirs: true } : {}),
      ...(validateFirst ? { noValidate: true } : {}),
    });
    const validation = validateFirst && backupId !== undefined ? validateCommand({ binary: binary.path, catalog, instance, backupId, progress: true }) : undefined;
    const lines = [...(validation ? [commandLine(validation)] : []), commandLine(invocation)];
    const what = backupId ?? vscode.l10n.t('the latest backup');
    const ok = await confirmed(inv, vscode.l10n.t('Restore {0} of {1} into {2}?', what, instance, targetDir), [lines.join('\n'), ...warnings].join('\n\n'), vscode.l10n.t('Restore'));
    if (!ok) return { ok: false as const, code: 'cancelled', message: '' };
    if (validation) {
      await ctx.runner.run({
        title: vscode.l10n.t('Validating {0}', what),
        invocation: validation,
        track: 'validate',
        lock: { catalog, instance },
        runOptions: runAsFor(inv.args.osUser),
        ...(inv.args.signal ? { signal: inv.args.signal } : {}),
      });
    }
    const out = await ctx.runner.run({
      title: vscode.l10n.t('Restoring {0} into {1}', what, targetDir),
      invocation,
      track: 'restore',
      lock: { catalog, instance },
      runOptions: runAsFor(inv.args.osUser),
      ...(inv.args.signal ? { signal: inv.args.signal } : {}),
    });
    void vscode.window.showInformationMessage(vscode.l10n.t('Restored {0} into {1}. Start the server there to recover.', out.backupId ?? what, targetDir));
    return {
      ok: true as const, backupId: out.backupId, targetDir, incremental: incremental ?? null, commandLine: lines.join('\n'),
      timeline: target?.timeline ?? null, tablespaceMapping, externalMapping, skipExternalDirs: skipExternal, warnings,
    };
  });
}
