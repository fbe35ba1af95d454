// Lookups over the rmgr catalog: what a resource manager or a record type means, whether it
// exists in a given major version, and a short Markdown text for hovers.
import type { RecordTypeEntry, RmgrEntry } from './rmgrCatalog';
import { RMGR_CATALOG } from './rmgrCatalog';

export const SUPPORTED_MAJORS: readonly number[] = [13, 14, 15, 16, 17, 18];

const byName = new Map<string, RmgrEntry>();
for (const r of RMGR_CATALOG) {
  byName.set(r.name, r);
  byName.set(r.name.toLowerCase(), r);
}

/** A resource manager by the name pg_waldump prints (case-insensitive, as --rmgr accepts). */
export function rmgrInfo(name: string): RmgrEntry | undefined {
  return byName.get(name) ?? byName.get(name.toLowerCase());
}

/** Built-in rmgr names in id order; all of 13–18 have the same 22. */
export function rmgrNames(): string[] {
  return [...RMGR_CATALOG].sort((a, b) => a.id - b.id).map((r) => r.name);
}

export function existsIn(entry: Pick<RecordTypeEntry, 'since' | 'until'>, major: number): boolean {
  return (entry.since === undefined || major >= entry.since) && (entry.until === undefined || major <= entry.until);
}

export interface RecordTypeLookup {
  readonly rmgr: RmgrEntry;
  readonly entry: RecordTypeEntry;
  /** The type carried the `+INIT` flag: the page was (re)initialised by this record. */
  readonly init: boolean;
  /** Whether this major prints the type; undefined when no major was given. */
  readonly inMajor: boolean | undefined;
}

/** A record type as pg_waldump prints it (`INSERT+INIT`, `PRUNE_ON_ACCESS`) under its rmgr. */
export function recordTypeInfo(rmgr: string, type: string, major?: number): RecordTypeLookup | undefined {
  const r = rmgrInfo(rmgr);
  if (!r) return undefined;
  const init = type.endsWith('+INIT');
  const base = init ? type.slice(0, -'+INIT'.length) : type;
  const entry = r.types.find((t) => t.name === base);
  if (!entry) return undefined;
  return { rmgr: r, entry, init, inMajor: major === undefined ? undefined : existsIn(entry, major) };
}

function versions(e: Pick<RecordTypeEntry, 'since' | 'until'>): string {
  if (e.since !== undefined && e.until !== undefined) return e.since === e.until ? `only in ${e.since}` : `${e.since}–${e.until}`;
  if (e.since !== undefined) return `${e.since} and later`;
  if (e.until !== undefined) return `up to ${e.until}`;
  return '';
}

/** Markdown for a hover over a record type. */
export function describeRecordType(rmgr: string, type: string, major?: number): string | undefined {
  const hit = recordTypeInfo(rmgr, type, major);
  if (!hit) {
    const r = rmgrInfo(rmgr);
    if (!r) return undefined;
    return `**${r.name}/${type}**\n\nNo description of this record type. ${r.summary}`;
  }
  const parts = [`**${hit.rmgr.name}/${type}**`, hit.entry.summary];
  if (hit.init) parts.push('`+INIT`: the record also initialises the page from scratch, so replay does not read its old contents.');
  const v = versions(hit.entry);
  if (v) parts.push(`PostgreSQL ${v}.`);
  if (hit.entry.note) parts.push(hit.entry.note);
  if (hit.inMajor === false) parts.push(`_Not printed by PostgreSQL ${major ?? ''} pg_waldump._`);
  return parts.join('\n\n');
}

/** Markdown for a hover over an rmgr name. */
export function describeRmgr(name: string): string | undefined {
  const r = rmgrInfo(name);
  return r ? `**${r.name}** (resource manager ${r.id})\n\n${r.summary}` : undefined;
}

/** Record types an rmgr has in a major version. */
export function recordTypesOf(rmgr: string, major: number): string[] {
  return rmgrInfo(rmgr)?.types.filter((t) => existsIn(t, major)).map((t) => t.name) ?? [];
}
