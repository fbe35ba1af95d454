// Differential tests: the tokenizers against a real server reading the same files.
// postgresql.conf trees (includes, include_dir ordering and filters, quoting, duplicates,
// units, case of names, syntax errors, missing includes) are written into the cluster's data
// directory and compared with pg_file_settings; pg_hba.conf lines with pg_hba_file_rules.
// pg_file_settings parses at a DEBUG level, so it abandons a file at its first syntax error:
// the tokenizer is run with abandonFileOnError for the comparison.
import * as assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfTree } from '../../src/core/pgconf/confTree';
import { fsConfReader } from '../../src/core/pgconf/confReaders';
import { paramFacts } from '../../src/core/pgconf/paramFacts';
import { checkValue, numericValue } from '../../src/core/pgconf/gucValues';
import { loadHba } from '../../src/core/pgconf/hbaLoader';
import type { HbaRecord } from '../../src/core/pgconf/hbaRecord';
import { isHbaRecord, parseHbaRecord } from '../../src/core/pgconf/hbaRecord';
import { formatIp } from '../../src/core/pgconf/ipAddress';
import type { Cluster } from '../../src/core/postgres/cluster';
import { useCluster } from '../support/clusters';
import { pick, prng } from '../support/prng';
import type { Rand } from '../support/prng';

function quoteConf(r: Rand, v: string): string {
  // Several equivalent spellings of the same value.
  const body = [...v].map((c) => {
    if (c === "'") return pick(r, ["''", "\\'"]);
    if (c === '\\') return '\\\\';
    if (c === '\t') return pick(r, ['\\t', '\\011']);
    if (c === 'A') return pick(r, ['A', '\\101']);
    return c;
  }).join('');
  return `'${body}'`;
}

/** A setting line with a valid value for a parameter a backend may read from the file. */
function settingLine(r: Rand): string {
  const kind = Math.floor(r() * 8);
  let name: string;
  let value: string;
  switch (kind) {
    case 0: name = pick(r, ['work_mem', 'WORK_MEM', 'Work_Mem']); value = `${64 + Math.floor(r() * 900)}${pick(r, ['kB', 'MB'])}`; break;
    case 1: name = 'application_name'; value = pick(r, ['app', "it's", 'A\tB', 'c:\\x', 'with # hash', 'Alpha']); value = quoteConf(r, value); break;
    case 2: name = 'statement_timeout'; value = pick(r, ['0', '5s', '2min', '1500', "'3s'", '1h']); break;
    case 3: name = pick(r, ['myext.opt', 'other_ext.Flag']); value = pick(r, ['on', 'some/path-x', "'free text'", '42', '-1.5']); break;
    case 4: name = pick(r, ['DateStyle', 'datestyle']); value = pick(r, ["'ISO, MDY'", "'SQL, DMY'", 'iso']); break;
    case 5: name = 'random_page_cost'; value = pick(r, ['1.5', '4', "'2.0'", '.5', '1e1']).replace('1e1', '10'); break;
    case 6: name = 'enable_seqscan'; value = pick(r, ['on', 'off', 'true', "'yes'", '0']); break;
    default: name = 'search_path'; value = pick(r, ["'\"$user\", public'", 'public', "'a,b'"]); break;
  }
  const sep = pick(r, [' = ', ' ', '=', '\t=\t']);
  const comment = pick(r, ['', '', ' # note', '\t# x = 1']);
  return `${pick(r, ['', '  ', '\t'])}${name}${sep}${value}${comment}`;
}

interface Tree { files: Record<string, string>; dirs: string[] }

/** A tree below gen/ plus the main file; includes never form a cycle. */
function genTree(r: Rand, withErrors: boolean): Tree {
  const files: Record<string, string> = {};
  const dirs = ['gen', 'gen/sub', 'gen/conf.d', 'gen/conf.d/nested.conf'];
  const lines = (n: number): string[] => Array.from({ length: n }, () => (r() < 0.15 ? pick(r, ['', '# comment', '   ']) : settingLine(r)));
  files['gen/sub/deep.conf'] = lines(2).join('\n') + '\n';
  files['gen/sub/b.conf'] = [...lines(2), "include '../c.conf'", "include 'deep.conf'"].join('\n') + '\n';
  files['gen/c.conf'] = lines(3).join('\n') + '\n';
  // include_dir: only *.conf not starting with '.', directories skipped, byte order of names.
  for (const n of ['01.conf', '10.conf', '2.conf', 'B.conf', 'a.conf', '.hidden.conf', 'notes.txt', 'x.conf.bak', '.conf']) {
    if (r() < 0.8) files[`gen/conf.d/${n}`] = lines(2).join('\n') + (r() < 0.5 ? '\n' : '');
  }
  files['gen/conf.d/nested.conf/inner.conf'] = 'work_mem = 77kB\n';
  const main = lines(4);
  const directives = [
    "include 'gen/sub/b.conf'",
    pick(r, ["include_if_exists 'gen/missing.conf'", "include_if_exists = 'gen/c.conf'"]),
    pick(r, ["include_dir 'gen/conf.d'", "INCLUDE_DIR = 'gen/conf.d'"]),
  ];
  if (withErrors) {
    directives.push(pick(r, ["include 'gen/nope.conf'", 'x = 1e5', 'include gen.conf', 'a.b.c = 1', "bad = 'open", 'just_a_name']));
  }
  for (const d of directives) main.splice(Math.floor(r() * (main.length + 1)), 0, d);
  files['main'] = main.join('\n') + '\n';
  return { files, dirs };
}

function writeTree(cluster: Cluster, tree: Tree, baseConf: string): void {
  const { uid, gid } = cluster.osUser;
  rmSync(path.join(cluster.dataDir, 'gen'), { recursive: true, force: true });
  for (const d of tree.dirs) {
    mkdirSync(path.join(cluster.dataDir, d), { recursive: true });
    chownSync(path.join(cluster.dataDir, d), uid, gid);
  }
  for (const [name, text] of Object.entries(tree.files)) {
    const file = name === 'main' ? path.join(cluster.dataDir, 'postgresql.conf') : path.join(cluster.dataDir, name);
    writeFileSync(file, name === 'main' ? baseConf + text : text);
    chownSync(file, uid, gid);
  }
}

interface FileSettingRow { sourcefile: string | null; sourceline: number | null; name: string | null; setting: string | null; applied: boolean; error: string | null }

for (const major of [13, 15, 17]) describe(`postgresql.conf tokenizer vs pg_file_settings (PostgreSQL ${major})`, function () {
  this.timeout(300_000);
  const handle = useCluster(major);
  let baseConf = '';
  let conf = '';

  before(() => {
    conf = path.join(handle.cluster.dataDir, 'postgresql.conf');
    baseConf = readFileSync(conf, 'utf8') + '\n';
  });

  const compare = async (seed: number, withErrors: boolean): Promise<{ errors: number }> => {
    const cluster = handle.cluster;
    const tree = genTree(prng(seed), withErrors);
    writeTree(cluster, tree, baseConf);
    const rows = await cluster.query<FileSettingRow>('SELECT sourcefile, sourceline, name, setting, applied, error FROM pg_file_settings ORDER BY seqno');
    const ours = await loadConfTree(fsConfReader, conf, { abandonFileOnError: true });
    // PostgreSQL 13 reports an included path as written (gen/sub/../c.conf); later ones and we collapse it.
    const serverSettings = rows.filter((x) => x.name !== null).map((x) => [x.name, x.setting, path.normalize(x.sourcefile ?? ''), x.sourceline]);
    const ourSettings = ours.settings.map((s) => [s.name, s.value, s.file, s.line + 1]);
    const ctx = `seed ${seed}\n${tree.files['main']}`;
    assert.deepEqual(ourSettings, serverSettings, ctx);
    const serverErrors = rows.filter((x) => x.error !== null).length;
    const ourErrors = ours.findings.filter((f) => f.severity === 'error').length;
    assert.equal(ourErrors, serverErrors, `${ctx}\nserver errors: ${JSON.stringify(rows.filter((x) => x.error !== null))}\nours: ${JSON.stringify(ours.findings)}`);
    if (serverErrors === 0) {
      // The view's `applied`: an earlier line is ignored when a later one spells the same
      // built-in name byte for byte (strcmp); names of no existing variable are never ignored.
      // (The value in force is still the last one of any spelling: see the tree's `effective`.)
      const known = paramFacts(major).params;
      const viewApplied = ours.settings.map((s, i) => !(known.has(s.name.toLowerCase()) && ours.settings.slice(i + 1).some((t) => t.name === s.name)));
      assert.deepEqual(viewApplied, rows.filter((x) => x.name !== null).map((x) => x.applied), `${ctx}\n${JSON.stringify(rows.filter((x) => x.name !== null).map((x) => [x.name, x.applied]))}`);
      // And what is in force per parameter is the last line of any spelling.
      for (const [lower, s] of ours.effective) {
        const last = rows.filter((x) => x.name?.toLowerCase() === lower).at(-1);
        assert.deepEqual([s.value, s.file, s.line + 1], [last?.setting, path.normalize(last?.sourcefile ?? ''), last?.sourceline], ctx);
      }
    }
    return { errors: serverErrors };
  };

  it('reads 40 generated valid trees exactly as the server does (settings, order, files, lines, applied)', async () => {
    for (let seed = 1; seed <= 40; seed++) await compare(seed, false);
  });

  it('accepts and refuses values as the server does (units, ranges, enums, booleans, number forms)', async () => {
    const facts = paramFacts(major).params;
    const cases: [string, string][] = [];
    const values: Record<string, string[]> = {
      work_mem: ['64kB', '64KB', '64kb', '1MB', '1 MB', '1.5MB', '0x100', '010', '64', '63', "'2GB'", '3TB', '1B', '65536B', '1e3', '.5MB', '4min'],
      statement_timeout: ['0', '1s', '1 s', '1S', '1.5s', '1min', '1h', '1d', '100us', '2147483647', '2147483648', '-1', '5m'],
      random_page_cost: ['1.5', '0', '-1', '1e3', '.5', '1e308', '1x', "'4'"],
      enable_seqscan: ['on', 'ON', 'of', 'off', 'o', 't', 'tr', 'yes', 'y', 'n', 'no', '1', '0', '2', 'maybe', "'True'"],
      synchronous_commit: ['on', 'off', 'local', 'remote_write', 'remote_apply', 'true', 'yes', '1', 'bogus', 'tr', 't', 'of', 'y'],
      log_min_messages: ['warning', 'WARNING', 'debug5', 'notice', 'loud', 'debug'],
      client_min_messages: ['debug', 'info', 'fatal', 'panic'],
      constraint_exclusion: ['partition', 'true', 'NO', '0', 'fals', 't'],
      // A postmaster parameter: only values equal to the one in force (off) can be applied at a reload.
      archive_mode: ['off', 'false', 'NO', '0', 'of', 'f', 'tr'],
      block_size: ['8192'],
      vacuum_cost_delay: ['0', '2ms', '1.5', '101', '0.5ms', '1s'],
      checkpoint_completion_target: ['0.9', '1', '1.1', '0'],
      log_rotation_size: ['10MB', '0', '2097151kB', '2GB'],
      autovacuum_naptime: ['1min', '1', '0', '2147483s'],
      // A list of names (SplitIdentifierString): what follows a name must be a comma.
      search_path: ['"$user", public', 'public', 'a,b', ' a , b ', 'public # not a comment', 'a b', '"a b", c', '""', '"x""y"', 'a,,b', ',a', 'a,', '"unclosed'],
    };
    for (const [name, vs] of Object.entries(values)) for (const v of vs) cases.push([name, v]);
    const cluster = handle.cluster;
    const mismatches: string[] = [];
    let refused = 0;
    // One setting per round: the server checks only the last line of each name.
    for (const [name, v] of cases) {
      // Quoted, so that forms like '1 MB' reach the value check instead of being syntax errors.
      writeTree(cluster, { files: { main: `${name} = ${v.startsWith("'") ? v : `'${v}'`}\n` }, dirs: [] }, baseConf);
      const rows = await cluster.query<FileSettingRow>('SELECT name, error FROM pg_file_settings WHERE name = $1', [name]);
      const ours = await loadConfTree(fsConfReader, conf);
      const s = ours.effective.get(name);
      const fact = facts.get(name);
      assert.ok(s && fact && rows.length === 1, name);
      const serverOk = rows[0]?.error === null;
      if (!serverOk) refused++;
      const ourOk = fact.context !== 'internal' && checkValue(fact, s.value) === undefined;
      if (serverOk !== ourOk) mismatches.push(`${name} = ${v}: server ${serverOk ? 'accepts' : 'refuses'}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(refused >= 20, `the cases include values the server refuses (${refused})`);
  });

  it('converts numbers to the base unit as the server does (rint, next smaller unit, strtol/strtod forms)', async () => {
    const facts = paramFacts(major).params;
    const values: Record<string, string[]> = {
      work_mem: ['64.5', '65.5', '100.5kB', '1.5MB', '1.3MB', '0x1.8p10', '0100', '0x100', '1e3', '65537B', ' 1 GB '],
      statement_timeout: ['2500us', '2.5', '1.5min', '0.5ms', '1.0000001s', '24.5h'],
      vacuum_cost_delay: ['1.0005ms', '2.5us', '0x2', '0.1s'],
      random_page_cost: ['0x10', '010', '.5', '1e2'],
      temp_buffers: ['1.1GB', '1.3MB', '100.5'],
      maintenance_work_mem: ['1.1GB', '0.1GB'],
    };
    const client = await handle.cluster.connect();
    const mismatches: string[] = [];
    try {
      for (const [name, vs] of Object.entries(values)) {
        const fact = facts.get(name);
        assert.ok(fact, name);
        for (const v of vs) {
          await client.query('BEGIN');
          await client.query('SELECT set_config($1, $2, true)', [name, v]);
          const r = await client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name]);
          await client.query('ROLLBACK');
          const ours = numericValue(fact, v);
          if (Number(r.rows[0]?.setting) !== ours) mismatches.push(`${name} = '${v}': server ${r.rows[0]?.setting}, ours ${String(ours)}`);
        }
      }
    } finally {
      await client.end();
    }
    assert.deepEqual(mismatches, []);
  });

  it('finds the same syntax and include errors in 40 generated broken trees', async () => {
    let withErrors = 0;
    for (let seed = 1001; seed <= 1040; seed++) withErrors += (await compare(seed, true)).errors > 0 ? 1 : 0;
    assert.ok(withErrors >= 20, `most broken trees have server errors (${withErrors})`);
  });
});

interface HbaRuleRow {
  line_number: number; type: string | null; database: string[] | null; user_name: string[] | null;
  address: string | null; netmask: string | null; auth_method: string | null; error: string | null;
}

const HBA_LINES = [
  'local all all trust',
  'local replication backup peer',
  'host replication backup 127.0.0.1/32 scram-sha-256',
  'host "replication" "all" 10.0.0.0/8 md5',
  'host db1,db2 +admins,"Mixed Case" 192.168.1.0 255.255.255.0 scram-sha-256',
  'hostssl all all ::1/128 scram-sha-256',
  'hostnossl sameuser all samenet reject',
  'host samerole all samehost password',
  'host all all db.example.com md5',
  'host all all .example.com md5',
  'host all all all ident map=omicron',
  'hostgssenc all all 0.0.0.0/0 reject',
  'hostnogssenc all all 2001:db8::/32 scram-sha-256',
  'host all all 127.0.0.1/33 trust',
  'host all all 300.1.2.3 trust',
  'host all all example.com/24 trust',
  'host all all 10.0.0.1 255.0.0 trust',
  'host all all 10.0.0.1 ffff:: trust',
  'host all all 10.0.0.1',
  'host all all 127.0.0.1/32 peer',
  'local all all cert',
  'host all all 127.0.0.1/32 bogus',
  'hots all all 127.0.0.1/32 trust',
  'host all',
  'host all all 127.0.0.1/32 md5 clientcert',
  'local,host all all trust',
  'host all all 127.0.0.1/32,10.0.0.1/32 trust',
  'host all all 127.0.0.1/32 trust,md5',
  'host "all" all 127.0.0.1/32 trust # comment',
  'host all "with space",x""y 127.0.0.1/32 trust',
  'host all all 127.0.0.1/32 scram-sha-256 \\',
  '  clientcert=verify-full',
  'host all a, b 127.0.0.1/32 trust',
  'host all a ,b 127.0.0.1/32 trust',
  // CIDR masks as strtol reads them.
  'host all all 127.0.0.1/+32 trust',
  'host all all 127.0.0.1/-0 trust',
  'host all all "127.0.0.1/ 8" trust',
  'host all all 127.0.0.1/+ trust',
  'host all all 127.0.0.1/-1 trust',
  // Authentication options per method and major (ldap and pam lines only where the build has them).
  'host all all all scram-sha-256 pamservice=x',
  'host all all all md5 krb_realm=X',
  'host all all all md5 clientname=CN',
  'host all all all md5 clientcert=verify-full',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=x',
  'host all all all radius radiusservers=127.0.0.1',
  'host all all all radius radiusservers="127.0.0.1,127.0.0.2,127.0.0.3" radiussecrets="a,b"',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=x radiusports=abc',
  'host all all all radius radiusserver=127.0.0.1 radiussecret=x',
  'host all all all oauth issuer=https://id.example scope=openid',
  'host all all all md5 delegate_ident_mapping=1',
  'host all all all ldap ldapprefix=cn= ldapbasedn=dc=x',
  'host all all all ldap ldapbasedn=dc=x ldapport=abc',
  'host all all all ldap "ldapurl=ldap://h/dc=x?uid?sub"',
];

function ourRow(rec: HbaRecord): Omit<HbaRuleRow, 'line_number' | 'error'> {
  const a = rec.address;
  let address: string | null = null;
  let netmask: string | null = null;
  if (a?.kind === 'ip') {
    address = formatIp(a.ip);
    netmask = formatIp({ family: a.ip.family, bytes: a.mask });
  } else if (a?.kind === 'hostname') {
    address = a.name;
  } else if (a !== undefined) {
    address = a.kind;
  }
  return {
    type: rec.conntype,
    database: rec.databases.map((t) => t.text),
    user_name: rec.roles.map((t) => t.text),
    address,
    netmask,
    auth_method: rec.method,
  };
}

/** Lines only PostgreSQL 16+ reads: include records, regular expressions. Files they name are in HBA_FILES. */
const HBA16_LINES = [
  'include hba.d/extra.conf',
  'include_if_exists nope.conf',
  'include_dir hba.d',
  'host /^db_[0-9]+$ /^back 127.0.0.1/32 scram-sha-256',
  'host all "/quoted" 127.0.0.1/32 md5',
  'host all @users.txt,solo 127.0.0.1/32 md5',
  'host /( all 127.0.0.1/32 md5',
  'include missing.conf',
];
const HBA_FILES: Record<string, string> = {
  'hba.d/extra.conf': 'host extra1 all 10.0.0.0/8 md5\nhost extra2 all bad-address/8 md5\n',
  'hba.d/a.conf': 'host dir_a all all md5\n',
  'hba.d/b.conf': 'local dir_b all peer\n',
  'hba.d/.hidden.conf': 'host hidden all all md5\n',
  'hba.d/c.txt': 'host txt all all md5\n',
  'users.txt': 'alice, bob\n"carol x"\n',
};

for (const major of [13, 15, 17]) {
  describe(`pg_hba.conf tokenizer vs pg_hba_file_rules (PostgreSQL ${major})`, function () {
    this.timeout(300_000);
    const handle = useCluster(major);

    it('parses every line as the server does: files, lines, fields, addresses, masks, and which lines are errors', async () => {
      const cluster = handle.cluster;
      const [hbaFile] = await cluster.query<{ hba_file: string }>('SHOW hba_file');
      assert.ok(hbaFile);
      const dir = path.dirname(hbaFile.hba_file);
      const original = readFileSync(hbaFile.hba_file, 'utf8');
      const lines = major >= 16 ? [...HBA_LINES, ...HBA16_LINES] : HBA_LINES;
      mkdirSync(path.join(dir, 'hba.d'), { recursive: true });
      for (const [name, text] of Object.entries(HBA_FILES)) writeFileSync(path.join(dir, name), text);
      try {
        writeFileSync(hbaFile.hba_file, lines.join('\n') + '\n');
        // 16+: error rows have no rule_number, so keep the view's own (reading) order.
        const cols = major >= 16 ? 'file_name, line_number' : "$1::text AS file_name, line_number";
        const rows = await cluster.query<HbaRuleRow & { file_name: string }>(
          `SELECT ${cols}, type, database, user_name, address, netmask, auth_method, error FROM pg_hba_file_rules${major >= 16 ? '' : ' ORDER BY line_number'}`,
          major >= 16 ? [] : [hbaFile.hba_file]);
        const set = await loadHba(fsConfReader, hbaFile.hba_file, { major });
        const ours = set.lines.map((l) => parseHbaRecord(l, major));
        assert.deepEqual(ours.map((r) => `${r.line.file}:${r.line.line + 1}`), rows.map((r) => `${r.file_name}:${r.line_number}`), 'same logical lines, files and order');
        let checked = 0;
        let unsupported = 0;
        for (const [i, row] of rows.entries()) {
          const rec = ours[i];
          assert.ok(rec);
          const label = `${row.file_name}:${row.line_number}: ${rec.line.raw}`;
          if (row.error !== null && /not supported by this build/.test(row.error)) {
            unsupported++;
            continue;
          }
          // hba.c sets no message for some refused values (an invalid clientcert or RADIUS port):
          // the view then shows a row with neither a method nor an error.
          if (row.error === null && row.auth_method === null) {
            checked++;
            assert.ok(!isHbaRecord(rec), `${label}: the server cannot parse it`);
            continue;
          }
          if (row.error !== null && row.error.startsWith('hostssl record cannot match') && isHbaRecord(rec)) {
            // ssl is off in the test cluster: the server still loads the line (it never matches);
            // the checker reports it as the hba/hostssl-without-ssl warning instead.
            assert.equal(rec.conntype, 'hostssl', label);
            continue;
          }
          checked++;
          if (row.error !== null) {
            assert.ok(!isHbaRecord(rec), `${label}: the server reports "${row.error}"`);
            continue;
          }
          assert.ok(isHbaRecord(rec), `${label}: the server accepts it, we said ${isHbaRecord(rec) ? '' : rec.message}`);
          const { line_number: _n, error: _e, file_name: _f, ...server } = row;
          assert.deepEqual(ourRow(rec), server, label);
        }
        assert.ok(checked >= lines.length - 8 - unsupported, `compared ${checked} rows (${unsupported} need methods this build lacks)`);
      } finally {
        writeFileSync(hbaFile.hba_file, original);
      }
    });
  });
}
