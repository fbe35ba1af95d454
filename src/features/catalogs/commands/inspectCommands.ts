// Reading and annotating: a backup's report, the instance's configuration (show / set), pin and
// note a backup (set-backup), and copy the command line of a backup.
import { noteProblem, ttlMillis, ttlPinnedUntil } from '../../../core/probackup/commandArgs';
import * as vscode from 'vscode';
import { setBackupCommand, setConfigCommand, showBackupCommand, showConfigCommand } from '../../../core/probackup/catalogCommands';
import type { SetConfigOptions } from '../../../core/probackup/catalogCommands';
import { walkNodes } from '../../../core/probackup/catalogModel';
import type { CompressAlgorithm, LogLevelName } from '../../../core/probackup/commandArgs';
import { backupCommand, restoreCommand, validateCommand } from '../../../core/probackup/dataCommands';
import type { BackupModeArg } from '../../../core/probackup/dataCommands';
import type { CatalogContext } from '../commandContext';
import { binaryFor, guarded, invoked, pickBackup, pickCatalog, pickInstance, runAsFor, Stop } from '../commandContext';
import { commandLine, formatTime } from '../../../core/probackup/format';
import type { ReportDocuments } from '../reportDocuments';
import { backupReport, configReport } from '../reportDocuments';

export function showBackup(ctx: CatalogContext, reports: ReportDocuments) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const backupId = await pickBackup(ctx, inv, catalog, instance);
    const model = await ctx.tree.instance(catalog, instance);
    const recorded = ctx.tree.catalogPaths().find((c) => c.path === catalog)?.fromJson ?? false;
    const b = recorded
      ? model?.byId.get(backupId)
      : await ctx.runner.run({ title: 'show', invocation: showBackupCommand({ binary: (await binaryFor(ctx, catalog, instance)).path, catalog, instance, backupId }) });
    if (!b) throw new Stop('backup-not-found', vscode.l10n.t('Backup {0} is not in instance {1}.', backupId, instance));
    const node = model ? [...walkNodes(model.chains)].find((n) => n.backup.id === backupId) : undefined;
    const markdown = backupReport(catalog, b, node, model?.byId);
    const uri = await reports.open(`backup-${instance}-${backupId}`, markdown);
    return { ok: true as const, uri: uri.toString(), backupId, status: b.status, markdown };
  });
}

export function showConfig(ctx: CatalogContext, reports: ReportDocuments) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<object>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const cfg = await ctx.runner.run({ title: 'show-config', invocation: showConfigCommand({ binary: binary.path, catalog, instance }) });
    const uri = await reports.open(`config-${instance}`, configReport(catalog, instance, cfg));
    return { ok: true as const, uri: uri.toString(), config: cfg.raw };
  });
}

/** set-config keys the command accepts (as pg_probackup names them) and how each becomes an option. */
const CONFIG_KEYS: Readonly<Record<string, (v: string) => Partial<SetConfigOptions>>> = {
  'pgdata': (v) => ({ pgdata: v }),
  'pghost': (v) => ({ connection: { host: v } }),
  'pgport': (v) => ({ connection: { port: Number(v) } }),
  'pguser': (v) => ({ connection: { user: v } }),
  'pgdatabase': (v) => ({ connection: { database: v } }),
  'retention-redundancy': (v) => ({ retention: { redundancy: Number(v) } }),
  'retention-window': (v) => ({ retention: { window: Number(v) } }),
  'wal-depth': (v) => ({ retention: { walDepth: Number(v) } }),
  'compress-algorithm': (v) => ({ compression: { algorithm: v as CompressAlgorithm } }),
  'compress-level': (v) => ({ compression: { level: Number(v) } }),
  'archive-timeout': (v) => ({ archiveTimeout: v }),
  'restore-command': (v) => ({ restoreCommand: v }),
  'log-level-console': (v) => ({ logLevelConsole: v as LogLevelName }),
  'log-level-file': (v) => ({ logLevelFile: v as LogLevelName }),
};

function mergeConfig(values: Readonly<Record<string, string | number>>): Partial<SetConfigOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(values)) {
    const f = CONFIG_KEYS[k];
    if (!f) throw new Stop('bad-argument', vscode.l10n.t('Unknown setting "{0}"; known: {1}', k, Object.keys(CONFIG_KEYS).join(', ')));
    for (const [ok, ov] of Object.entries(f(String(raw)))) {
      out[ok] = typeof ov === 'object' && ov !== null ? { ...(out[ok] as object | undefined), ...ov } : ov;
    }
  }
  return out as Partial<SetConfigOptions>;
}

export function setConfig(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ values: Record<string, string | number> }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    let values = inv.args.values;
    if (!values) {
      const key = await vscode.window.showQuickPick(Object.keys(CONFIG_KEYS), { title: vscode.l10n.t('Setting of {0} to change', instance) });
      if (!key) throw new Stop('cancelled', '');
      const value = await vscode.window.showInputBox({ title: key, ignoreFocusOut: true });
      if (value === undefined) throw new Stop('cancelled', '');
      values = { [key]: value };
    }
    await ctx.runner.run({
      title: 'set-config',
      invocation: setConfigCommand({ binary: binary.path, catalog, instance, ...mergeConfig(values) }),
      lock: { catalog, instance },
      runOptions: runAsFor(inv.args.osUser),
    });
    return { ok: true as const, instance, values };
  });
}

export function setBackup(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ ttl: string | number; expireTime: string; note: string }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const binary = await binaryFor(ctx, catalog, instance);
    const backupId = await pickBackup(ctx, inv, catalog, instance);
    let { ttl, expireTime, note } = inv.args;
    if (inv.interactive) {
      const pin = vscode.l10n.t('Pin for a while (TTL)…');
      const until = vscode.l10n.t('Pin until a date…');
      const unpin = vscode.l10n.t('Unpin');
      const setNote = vscode.l10n.t('Set the note…');
      const what = await vscode.window.showQuickPick([pin, until, unpin, setNote], { title: vscode.l10n.t('Backup {0}', backupId) });
      if (!what) throw new Stop('cancelled', '');
      if (what === unpin) ttl = 0;
      else {
        // pg_probackup counts a TTL from the backup's recovery time, not from now: say so, show
        // where the pin would end, and catch a pin that would end in the past (it reports success).
        const recovery = what === pin ? (await ctx.tree.instance(catalog, instance))?.byId.get(backupId)?.recoveryTime : undefined;
        const ttlCheck = (x: string): vscode.InputBoxValidationMessage | string | undefined => {
          if (ttlMillis(x) === undefined) return vscode.l10n.t('A number with a unit: ms, s, min, h or d (e.g. 7d)');
          const end = recovery ? ttlPinnedUntil(recovery, x) : undefined;
          if (!end) return undefined;
          return end.getTime() <= Date.now()
            ? { message: vscode.l10n.t('Pins until {0}, which has passed: nothing would be pinned.', formatTime(end)), severity: vscode.InputBoxValidationSeverity.Warning }
            : { message: vscode.l10n.t('Pins until {0}.', formatTime(end)), severity: vscode.InputBoxValidationSeverity.Info };
        };
        const v = await vscode.window.showInputBox({
          title: what, ignoreFocusOut: true,
          prompt: what === pin
            ? recovery
              ? vscode.l10n.t('7d, 12h, 30min — counted from the backup\'s recovery time ({0}), not from now', formatTime(recovery))
              : vscode.l10n.t('7d, 12h, 30min — counted from the backup\'s recovery time, not from now')
            : what === until ? '2027-01-31 00:00:00+00' : '',
          ...(what === setNote ? { validateInput: (x: string) => noteProblem(x) } : what === pin ? { validateInput: ttlCheck } : {}),
        });
        if (v === undefined) throw new Stop('cancelled', '');
        if (what === pin) {
          ttl = v.trim();
          const end = recovery ? ttlPinnedUntil(recovery, ttl) : undefined;
          const ms = ttlMillis(ttl);
          if (end && ms !== undefined && end.getTime() <= Date.now()) {
            const fromNow = new Date(Date.now() + ms);
            const instead = vscode.l10n.t('Pin Until {0}', formatTime(fromNow));
            const choice = await vscode.window.showWarningMessage(
              vscode.l10n.t('A TTL of {0} would pin {1} only until {2}, which has passed: pg_probackup counts it from the backup\'s recovery time ({3}), reports success, and pins nothing.', ttl, backupId, formatTime(end), formatTime(recovery)),
              { modal: true, detail: vscode.l10n.t('Pin it for {0} from now instead, with --expire-time?', ttl) }, instead,
            );
            if (choice !== instead) throw new Stop('cancelled', '');
            ttl = undefined;
            expireTime = fromNow.toISOString();
          }
        } else if (what === until) expireTime = v.trim().replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
        else note = v;
      }
    }
    const expire = expireTime !== undefined ? new Date(expireTime) : undefined;
    if (expire && Number.isNaN(expire.getTime())) throw new Stop('bad-argument', `not a time: ${expireTime}`);
    const out = await ctx.runner.run({
      title: 'set-backup',
      invocation: setBackupCommand({ binary: binary.path, catalog, instance, backupId, ...(ttl !== undefined ? { ttl } : {}), ...(expire ? { expireTime: expire } : {}), ...(note !== undefined ? { note } : {}) }),
      lock: { catalog, instance },
      runOptions: runAsFor(inv.args.osUser),
    });
    ctx.tree.refresh(catalog);
    return { ok: true as const, backupId, pinnedUntil: out.pinnedUntil === undefined ? undefined : out.pinnedUntil === null ? null : out.pinnedUntil.toISOString() };
  });
}

/** The command line that takes a backup like this one, restores it, or validates it. */
export function copyCommandLine(ctx: CatalogContext) {
  return (arg?: unknown) => guarded(ctx, async () => {
    const inv = invoked<{ verb: 'backup' | 'restore' | 'validate'; copy: boolean }>(arg);
    const catalog = await pickCatalog(ctx, inv);
    const instance = await pickInstance(ctx, inv, catalog);
    const backupId = await pickBackup(ctx, inv, catalog, instance);
    const b = (await ctx.tree.instance(catalog, instance))?.byId.get(backupId);
    if (!b) throw new Stop('backup-not-found', vscode.l10n.t('Backup {0} is not in instance {1}.', backupId, instance));
    const pick = ctx.services.settings.canRunPrograms() ? await ctx.locator.pick() : undefined;
    const binary = pick?.ok ? pick.binary.path : 'pg_probackup';
    const verb = inv.args.verb ?? 'backup';
    const conninfo = new Map((b.primaryConninfo ?? '').split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    const port = Number(conninfo.get('port'));
    const inv2 = verb === 'restore'
      ? restoreCommand({ binary, catalog, instance, backupId, pgdata: '/path/to/new/pgdata' })
      : verb === 'validate'
        ? validateCommand({ binary, catalog, instance, backupId })
        : backupCommand({
          binary, catalog, instance, mode: (['FULL', 'PAGE', 'DELTA', 'PTRACK'].includes(b.mode) ? b.mode : 'FULL') as BackupModeArg,
          stream: b.walMode === 'STREAM',
          ...(b.compressAlg === 'none' ? { compression: { algorithm: 'none' as CompressAlgorithm } }
            : b.compressAlg ? { compression: { algorithm: b.compressAlg as CompressAlgorithm, ...(b.compressLevel !== undefined ? { level: b.compressLevel } : {}) } } : {}),
          connection: {
            ...(conninfo.get('host') ? { host: conninfo.get('host')! } : {}),
            ...(Number.isInteger(port) && port > 0 ? { port } : {}),
            ...(conninfo.get('user') ? { user: conninfo.get('user')! } : {}),
          },
        });
    const line = commandLine(inv2);
    if (inv.args.copy !== false) await vscode.env.clipboard.writeText(line);
    if (inv.interactive) void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', line));
    return { ok: true as const, commandLine: line };
  });
}
