// The checker's settings (pgBackupStudio.checker.*), and the PostgreSQL major a config file is
// checked against: the setting, else the PG_VERSION file beside it (or up to two folders up,
// for conf.d), else the newest major with bundled facts.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { availableMajors } from '../../core/pgconf/paramFacts';

export interface CheckerSettings {
  readonly backupRole: string;
  readonly clientAddress: string;
  readonly walMode: 'stream' | 'archive';
  /** 0: detect. */
  readonly major: number;
  readonly catalog?: string;
  readonly instance?: string;
}

export function checkerSettings(scope?: vscode.Uri): CheckerSettings {
  const cfg = vscode.workspace.getConfiguration('pgBackupStudio.checker', scope);
  const str = (key: string, fallback: string): string => {
    const v = cfg.get<unknown>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback;
  };
  const catalog = str('catalog', '');
  const instance = str('instance', '');
  const major = Number(cfg.get<unknown>('major') ?? 0);
  return {
    backupRole: str('backupRole', 'backup_user'),
    clientAddress: str('clientAddress', '127.0.0.1'),
    walMode: cfg.get<unknown>('walMode') === 'archive' ? 'archive' : 'stream',
    major: Number.isInteger(major) && major > 0 ? major : 0,
    ...(catalog === '' ? {} : { catalog }),
    ...(instance === '' ? {} : { instance }),
  };
}

export function newestMajor(): number {
  const all = availableMajors();
  return all[all.length - 1] ?? 17;
}

/** PG_VERSION's major, looked for in `dir` and up to two parents. */
export function pgVersionNear(dir: string): number | undefined {
  let d = dir;
  for (let i = 0; i < 3; i++) {
    const f = path.join(d, 'PG_VERSION');
    if (existsSync(f)) {
      try {
        const m = /^(\d+)/.exec(readFileSync(f, 'utf8').trim());
        if (m?.[1] !== undefined) return Number(m[1]);
      } catch {
        return undefined;
      }
    }
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  return undefined;
}

export function majorFor(file: string | undefined, settings: CheckerSettings): number {
  if (settings.major > 0) return settings.major;
  if (file !== undefined && path.isAbsolute(file)) {
    const found = pgVersionNear(path.dirname(file));
    if (found !== undefined && found >= 9) return found;
  }
  return newestMajor();
}
