// `pg_waldump --stats=record` as a Markdown table sorted by a chosen column, for the viewer's
// statistics view.
import { formatLsn } from './lsn';
import type { WalStats, WalStatsRow } from './statsParser';

export type StatsColumn = 'name' | 'count' | 'recordSize' | 'fpiSize' | 'combinedSize';

export const STATS_COLUMNS: readonly { readonly id: StatsColumn; readonly label: string }[] = [
  { id: 'combinedSize', label: 'Combined size' },
  { id: 'count', label: 'Records (N)' },
  { id: 'recordSize', label: 'Record size' },
  { id: 'fpiSize', label: 'FPI size' },
  { id: 'name', label: 'Type' },
];

/** Rows sorted by a column: numbers descending, names ascending; ties by name. */
export function sortStatsRows(rows: readonly WalStatsRow[], column: StatsColumn): WalStatsRow[] {
  return [...rows].sort((a, b) => {
    if (column === 'name') return a.name.localeCompare(b.name);
    return b[column] - a[column] || a.name.localeCompare(b.name);
  });
}

const pct = (n: number): string => n.toFixed(2);

export function statsMarkdown(stats: WalStats, column: StatsColumn, title: string): string {
  const label = STATS_COLUMNS.find((c) => c.id === column)?.label ?? column;
  const out: string[] = [`# WAL statistics: ${title}`, ''];
  if (stats.startLsn !== undefined && stats.endLsn !== undefined) out.push(`Between ${formatLsn(stats.startLsn)} and ${formatLsn(stats.endLsn)}. Sorted by **${label}**.`, '');
  out.push('| Type | N | (%) | Record size | (%) | FPI size | (%) | Combined size | (%) |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of sortStatsRows(stats.rows, column)) {
    out.push(`| ${r.name.replace(/\|/g, '\\|')} | ${r.count} | ${pct(r.countPct)} | ${r.recordSize} | ${pct(r.recordPct)} | ${r.fpiSize} | ${pct(r.fpiPct)} | ${r.combinedSize} | ${pct(r.combinedPct)} |`);
  }
  const t = stats.total;
  if (t) out.push(`| **Total** | ${t.count} | | ${t.recordSize} | ${pct(t.recordPct)} | ${t.fpiSize} | ${pct(t.fpiPct)} | ${t.combinedSize} | 100 |`);
  for (const m of stats.messages) out.push('', `> ${m.endOfWal ? 'End of WAL: ' : ''}${m.text}`);
  return `${out.join('\n')}\n`;
}
