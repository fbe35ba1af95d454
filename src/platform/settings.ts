// Typed access to the extension's settings. Settings that name a program are machine-scoped and
// restricted in untrusted workspaces (see package.json); `canRunPrograms` is the gate for them.
import * as vscode from 'vscode';

const SECTION = 'pgBackupStudio';

export interface Settings {
  catalogs(): string[];
  probackupPath(): string | undefined;
  waldumpPaths(): Record<string, string>;
  postgresBinDirs(): Record<string, string>;
  canRunPrograms(): boolean;
  update(key: 'catalogs', value: string[]): Thenable<void>;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && v) out[k] = v;
  }
  return out;
}

export function createSettings(): Settings {
  const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(SECTION);
  return {
    catalogs: () => (cfg().get<unknown[]>('catalogs') ?? []).filter((c): c is string => typeof c === 'string' && c !== ''),
    probackupPath: () => cfg().get<string>('probackup.path') || undefined,
    waldumpPaths: () => stringMap(cfg().get('waldump.paths')),
    postgresBinDirs: () => stringMap(cfg().get('postgres.binDirs')),
    canRunPrograms: () => vscode.workspace.isTrusted,
    update: (key, value) => cfg().update(key, value, vscode.ConfigurationTarget.Global),
  };
}
