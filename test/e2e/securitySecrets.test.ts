// A password given to real programs through the runner (PGPASSWORD in the child's environment)
// is in no process's argv: /proc/*/cmdline of every process is read every few milliseconds
// while psql, pg_basebackup and pg_probackup (when PG_PROBACKUP names it) authenticate with
// scram-sha-256 on 127.0.0.1 and work for a while. Their error texts do not carry it either.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { programPath } from '../../src/core/postgres/installations';
import { initCommand, addInstanceCommand, showCommand } from '../../src/core/probackup/catalogCommands';
import { backupCommand } from '../../src/core/probackup/dataCommands';
import { ProbackupError } from '../../src/core/probackup/probackupError';
import { withPassfile } from '../../src/core/process/passfile';
import { run, runInvocation } from '../../src/core/process/runner';
import { which } from '../../src/core/process/which';
import { useCluster } from '../support/clusters';
import { skipBecause } from '../support/skip';

/** Reads the argv of every process, repeatedly, and keeps those that contain the secret. */
class CmdlineScanner {
  readonly hits: string[] = [];
  /** Every argv seen, by pid (the last one), to show that the scan saw the programs run. */
  readonly seen = new Map<number, string>();
  scans = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly needle: Buffer;

  constructor(secret: string) {
    this.needle = Buffer.from(secret);
  }

  start(everyMs = 5): void {
    this.scan();
    this.timer = setInterval(() => this.scan(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.scan();
  }

  sawProgram(name: string): boolean {
    return [...this.seen.values()].some((c) => c.split(' ')[0]?.endsWith(name) ?? false);
  }

  private scan(): void {
    this.scans++;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let raw: Buffer;
      try {
        raw = readFileSync(`/proc/${d}/cmdline`);
      } catch {
        continue; // ended meanwhile
      }
      if (raw.length === 0) continue;
      const text = raw.toString('utf8').replace(/\0/g, ' ').trim();
      this.seen.set(Number(d), text);
      if (raw.includes(this.needle)) this.hits.push(`${d}: ${text}`);
    }
  }
}

async function scanned<T>(secret: string, body: (s: CmdlineScanner) => Promise<T>): Promise<{ value: T; scanner: CmdlineScanner }> {
  const scanner = new CmdlineScanner(secret);
  scanner.start();
  try {
    return { value: await body(scanner), scanner };
  } finally {
    scanner.stop();
  }
}

/** Files under `dir` (recursively) whose bytes contain `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  const needle = Buffer.from(secret);
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesContaining(p, secret));
    else if (st.isFile() && readFileSync(p).includes(needle)) out.push(p);
  }
  return out;
}

const ROLE = 'pgbs_secret';

describe('security: passwords never in argv (e2e, real programs)', function () {
  this.timeout(240_000);
  const password = `Pw-${randomBytes(12).toString('hex')}`;
  const handle = useCluster(15, {
    settings: { password_encryption: 'scram-sha-256' },
    hbaLines: [`host all ${ROLE} 127.0.0.1/32 scram-sha-256`, `host replication ${ROLE} 127.0.0.1/32 scram-sha-256`],
  });

  before(async () => {
    // The password is hex behind a fixed head: a safe literal without quoting rules.
    await handle.cluster.query(`CREATE ROLE ${ROLE} LOGIN SUPERUSER REPLICATION PASSWORD '${password}'`);
    const [row] = await handle.cluster.query<{ v: string }>(`SELECT rolpassword AS v FROM pg_authid WHERE rolname = '${ROLE}'`);
    assert.match(row?.v ?? '', /^SCRAM-SHA-256\$/);
  });

  const psql = (): string => programPath(handle.cluster.installation, 'psql');
  const psqlArgs = (sql: string): string[] => ['-h', '127.0.0.1', '-p', String(handle.cluster.port), '-U', ROLE, '-d', 'postgres', '-w', '-X', '-Atc', sql];

  it('control: the scanner does find a secret that is put in argv', async () => {
    const marker = `Mk-${randomBytes(8).toString('hex')}`;
    const { scanner } = await scanned(marker, () => run(which('sh')!, ['-c', 'sleep 0.3', marker]));
    assert.ok(scanner.hits.length > 0, `${scanner.scans} scans, no hit`);
  });

  it('psql authenticates with scram from PGPASSWORD; the password is in no argv', async () => {
    const { value: r, scanner } = await scanned(password, () =>
      run(psql(), psqlArgs('SELECT pg_sleep(1.5), current_user'), { env: { ...handle.cluster.installation.env, PGPASSWORD: password } }));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), `|${ROLE}`);
    assert.ok(scanner.sawProgram('psql'), `the scan saw psql (${scanner.scans} scans)`);
    assert.deepEqual(scanner.hits, []);
  });

  it('without the password psql is refused: the password above was really needed', async () => {
    const r = await run(psql(), psqlArgs('SELECT 1'), { env: { ...handle.cluster.installation.env, PGPASSWORD: undefined, PGPASSFILE: '/nonexistent' } });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /no password supplied/);
  });

  it('a wrong password: the error names the user, never the password tried', async () => {
    const wrong = `Wr-${randomBytes(8).toString('hex')}`;
    const lines: string[] = [];
    const r = await run(psql(), psqlArgs('SELECT 1'), { env: { ...handle.cluster.installation.env, PGPASSWORD: wrong }, onStderrLine: (l) => lines.push(l) });
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, new RegExp(`password authentication failed for user "${ROLE}"`));
    assert.ok(!r.stderr.includes(wrong) && lines.every((l) => !l.includes(wrong)));
    assert.ok(!handle.cluster.readLog().includes(wrong), 'nor does the server log');
  });

  it('a temporary password file (PGPASSFILE, mode 0600) works for psql and is gone afterwards', async () => {
    let file = '';
    const { value: r, scanner } = await scanned(password, () => withPassfile(
      [{ host: '127.0.0.1', port: handle.cluster.port, user: ROLE, password }],
      async (f) => {
        file = f;
        assert.equal(statSync(f).mode & 0o777, 0o600);
        return run(psql(), psqlArgs('SELECT pg_sleep(0.5), current_user'), { env: { ...handle.cluster.installation.env, PGPASSWORD: undefined, PGPASSFILE: f } });
      },
    ));
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.trim(), `|${ROLE}`);
    assert.ok(file !== '' && !existsSync(file) && !existsSync(path.dirname(file)));
    assert.deepEqual(scanner.hits, []);
  });

  it('pg_basebackup (two processes: it forks a WAL streamer) keeps the password out of argv', async () => {
    const target = await mkdtemp(path.join(os.tmpdir(), 'pgbs-basebackup-'));
    try {
      const { value: r, scanner } = await scanned(password, () => run(programPath(handle.cluster.installation, 'pg_basebackup'), [
        '-h', '127.0.0.1', '-p', String(handle.cluster.port), '-U', ROLE, '-w', '-D', path.join(target, 'data'),
        '-X', 'stream', '-c', 'fast', '--max-rate=8M', '--no-sync',
      ], { env: { ...handle.cluster.installation.env, PGPASSWORD: password } }));
      assert.equal(r.exitCode, 0, r.stderr);
      assert.ok(readFileSync(path.join(target, 'data', 'PG_VERSION'), 'utf8').startsWith('15'));
      assert.ok(scanner.sawProgram('pg_basebackup'), 'the scan saw pg_basebackup');
      assert.deepEqual(scanner.hits, []);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  describe('pg_probackup', () => {
    const binary = process.env['PG_PROBACKUP'];
    let parent = '';
    let catalog = '';

    before(async function () {
      if (!binary) skipBecause(this, 'PG_PROBACKUP is not set to a pg_probackup 2.5 binary');
      const c = handle.cluster;
      parent = await mkdtemp(path.join(os.tmpdir(), 'pgbs-seccat-'));
      if (c.runAs.uid !== undefined) await chown(parent, c.osUser.uid, c.osUser.gid);
      catalog = path.join(parent, 'catalog');
      await runInvocation(initCommand({ binary: binary!, catalog }), c.runAs);
      await runInvocation(addInstanceCommand({ binary: binary!, catalog, instance: 'sec', pgdata: c.dataDir }), c.runAs);
    });

    after(async () => {
      if (parent) await rm(parent, { recursive: true, force: true });
    });

    const backup = (pw: string): ReturnType<typeof backupCommand> => backupCommand({
      binary: binary!, catalog, instance: 'sec', mode: 'FULL', stream: true, progress: true, threads: 1,
      connection: { host: '127.0.0.1', port: handle.cluster.port, user: ROLE, database: 'postgres', password: pw },
    });

    it('a FULL STREAM backup with the password: done, and the password is in no argv and no log line', async () => {
      const lines: string[] = [];
      const { value: out, scanner } = await scanned(password, () =>
        runInvocation(backup(password), { ...handle.cluster.runAs, onStderrLine: (l) => lines.push(l) }));
      assert.match(out.backupId, /^[0-9A-Z]{6}$/);
      assert.ok(scanner.sawProgram('pg_probackup'), 'the scan saw pg_probackup');
      assert.deepEqual(scanner.hits, []);
      assert.ok(lines.length > 5 && lines.every((l) => !l.includes(password)));
      const shows = await runInvocation(showCommand({ binary: binary!, catalog, instance: 'sec' }), handle.cluster.runAs);
      const b = shows[0]?.backups.find((x) => x.id === out.backupId);
      assert.equal(b?.status, 'OK');
      assert.match(b?.primaryConninfo ?? '', new RegExp(`user=${ROLE}`));
      assert.ok(!(b?.primaryConninfo ?? '').includes(password), 'pg_probackup keeps the password out of primary_conninfo');
      assert.deepEqual(filesContaining(catalog, password), [], 'no file of the catalog holds the password');
    });

    it('a wrong password: auth-failed, and neither argv nor the error carries it', async () => {
      const wrong = `Wr-${randomBytes(8).toString('hex')}`;
      await new Promise((r) => setTimeout(r, 1100)); // a new backup ID (they are seconds)
      const { value: err, scanner } = await scanned(wrong, () =>
        runInvocation(backup(wrong), handle.cluster.runAs).then(() => undefined, (e: unknown) => e));
      assert.ok(err instanceof ProbackupError, String(err));
      assert.equal(err.code, 'auth-failed', err.message);
      assert.ok(!err.message.includes(wrong) && !(err.stderr ?? '').includes(wrong));
      assert.deepEqual(scanner.hits, []);
    });
  });
});
