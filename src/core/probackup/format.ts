// Text helpers shared by the tree, tooltips, reports and command-line previews. No vscode here,
// so the e2e tests can use the same code the commands do.
import type { Invocation } from '../process/runner';
import { formatProbackupTime } from './timestamp';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Bytes with a 1024-based unit, as pg_probackup prints sizes: `30.9 MB`, `0 B`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(value) : value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${n < 0 ? '-' : ''}${text} ${UNITS[unit]}`;
}

/** A time as pg_probackup prints it, in UTC: `2026-11-24 18:19:20+00`. */
export function formatTime(d: Date | undefined): string {
  return d === undefined ? '—' : formatProbackupTime(d);
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument quoted for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line of an invocation as a user would type it (the password is never in argv). */
export function commandLine(inv: Pick<Invocation<unknown>, 'file' | 'args'>): string {
  return [inv.file, ...inv.args].map(shellQuote).join(' ');
}

/** The environment names of an invocation worth logging: never a value of PGPASSWORD. */
export function describeEnv(env: Readonly<Record<string, string | undefined>> | undefined): string {
  if (!env) return '';
  return Object.entries(env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (k === 'PGPASSWORD' ? 'PGPASSWORD=***' : `${k}=${shellQuote(v ?? '')}`))
    .join(' ');
}
