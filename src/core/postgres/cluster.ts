// Throwaway PostgreSQL clusters for tests, the sandbox command and `npm start`: initdb into a
// temp folder, listen on 127.0.0.1 and a Unix socket in that folder only, start with pg_ctl,
// and stop and delete everything on remove(). When we are root the cluster runs as an
// unprivileged OS user (initdb refuses root); `osUser`/`runAs` tell other tools which one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client, ClientConfig, QueryResultRow } from 'pg';
import type * as PgNamespace from 'pg';
import { run } from '../process/runner';
import type { RunResult } from '../process/runner';
import { prependHbaLines, renderSettings, tail } from './clusterConfig';
import type { SettingValue } from './clusterConfig';
import { readPostmasterPid, pidExists, killPostmasterSync, registerCluster, unregisterCluster } from './clusterRegistry';
import { clusterUser, firstUntraversable, runAsOptions } from './clusterUser';
import type { OsUser, RunAs } from './clusterUser';
import { LOOPBACK, isAddressInUse, pickPort } from './freePort';
import { hasProgram, programPath } from './installations';
import type { PgInstallation } from './installations';

export interface CreateClusterOptions {
  readonly installation: PgInstallation;
  /** A fixed port. Default: a free one, and another one if it is taken before the server binds it. */
  readonly port?: number;
  /** postgresql.conf settings, written after initdb's and ours, so they win (e.g. wal_level, archive_command). */
  readonly settings?: Readonly<Record<string, SettingValue>>;
  /** pg_hba.conf lines put before initdb's trust lines (the first match wins). */
  readonly hbaLines?: readonly string[];
  /** Extra initdb arguments, after ours (e.g. ['--data-checksums'] or ['--wal-segsize=1']). */
  readonly initdbArgs?: readonly string[];
  /** Parent of the cluster's temp folder; default os.tmpdir(). The cluster user must be able to traverse it. */
  readonly baseDir?: string;
  /** Database superuser; default "postgres". */
  readonly superuser?: string;
  /** statement_timeout for query()/connect(), in ms; default 60000. */
  readonly statementTimeoutMs?: number;
  /** How a port is chosen when none is fixed; default pickPort (a free one, none of `tried`). */
  readonly choosePort?: (tried: ReadonlySet<number>) => Promise<number>;
  /** Seconds pg_ctl waits for start and stop; default 120. */
  readonly waitSeconds?: number;
  readonly signal?: AbortSignal;
  /** Progress lines (initdb, pg_ctl), for a log channel. */
  readonly onLine?: (line: string) => void;
}

export interface Cluster {
  readonly installation: PgInstallation;
  /** The temp folder holding everything below; remove() deletes it. */
  readonly dir: string;
  readonly dataDir: string;
  /** Unix socket directory (= dir). */
  readonly socketDir: string;
  readonly logFile: string;
  readonly host: typeof LOOPBACK;
  /** The port the server listens on (may differ from a first choice that was taken). */
  readonly port: number;
  readonly superuser: string;
  readonly database: 'postgres';
  /** The OS user that owns dataDir and runs the server. */
  readonly osUser: OsUser;
  /** Spread into the runner's options to run a tool as osUser (empty when that is us). */
  readonly runAs: RunAs;
  /**
   * libpq environment for client tools: PGHOST, PGPORT, PGUSER, PGDATABASE. To run one of the
   * installation's own programs, add `installation.env` too (LD_LIBRARY_PATH of an embedded
   * package, which must not leak into other programs such as pg_probackup).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Config for `new pg.Client(...)` over TCP on 127.0.0.1, with statement_timeout. */
  readonly pgConfig: ClientConfig;
  /** Milliseconds spent in initdb and in the (last) start. */
  readonly timings: { readonly initdbMs: number; readonly startMs: number };
  /** The postmaster pid from postmaster.pid, while it is there. */
  postmasterPid(): number | undefined;
  isRunning(): boolean;
  /** Starts the server again after stop() (e.g. after a restore into dataDir). */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`; does nothing when not running. */
  stop(): Promise<void>;
  /** `pg_ctl reload`. */
  reload(): Promise<void>;
  /** stop(), then delete the temp folder. Idempotent; the cluster is unusable afterwards. */
  remove(): Promise<void>;
  /** Runs one statement on a fresh connection and returns its rows. */
  query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A connected pg Client (database "postgres" unless given); the caller ends it. */
  connect(database?: string): Promise<Client>;
  /** The server log so far ('' when unreadable). */
  readLog(): string;
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(message: string, readonly logTail: string) {
    super(logTail ? `${message}\n--- server log (tail) ---\n${logTail}` : message);
  }
}

const PORT_ATTEMPTS = 5;

/** Creates, configures and starts a throwaway cluster. On failure nothing is left behind. */
export async function createCluster(options: CreateClusterOptions): Promise<Cluster> {
  const inst = options.installation;
  for (const p of ['initdb', 'pg_ctl', 'postgres']) {
    if (!hasProgram(inst, p)) throw new ClusterError(`${programPath(inst, p)} is missing or not executable`, '');
  }
  const user = await clusterUser();
  const runAs = runAsOptions(user);
  const blockedBin = firstUntraversable(inst.binDir, user);
  if (blockedBin !== undefined) {
    throw new ClusterError(`OS user ${user.name} cannot reach ${inst.binDir}: ${blockedBin} is not searchable for it`, '');
  }
  const baseDir = path.resolve(options.baseDir ?? os.tmpdir());
  const blockedBase = firstUntraversable(baseDir, user);
  if (blockedBase !== undefined) {
    throw new ClusterError(`OS user ${user.name} cannot reach ${baseDir}: ${blockedBase} is not searchable for it; pass another baseDir`, '');
  }
  const dir = await mkdtemp(path.join(baseDir, 'pgbs-cluster-'));
  const cluster = new ThrowawayCluster(inst, dir, user, runAs, options);
  registerCluster(cluster);
  try {
    if (runAs.uid !== undefined) await chown(dir, user.uid, user.gid);
    await chmod(dir, 0o700);
    await cluster.init();
    await cluster.firstStart();
    return cluster;
  } catch (e) {
    await cluster.remove().catch(() => undefined);
    throw e;
  }
}

export interface OpenClusterOptions extends Pick<CreateClusterOptions, 'installation' | 'superuser' | 'statementTimeoutMs' | 'waitSeconds' | 'signal' | 'onLine'> {
  /** A folder made by createCluster earlier (it holds data/ and server.log). */
  readonly dir: string;
  /** The port its postgresql.conf sets. */
  readonly port: number;
}

/**
 * Attaches to a cluster that createCluster made earlier (e.g. in another process, before a
 * window reload), without initdb and without starting it. Unlike createCluster's result, it is
 * not in the exit-cleanup registry: whoever keeps such a cluster decides when it ends.
 * Throws ClusterError when `dir` holds no data directory.
 */
export async function openCluster(options: OpenClusterOptions): Promise<Cluster> {
  const dir = path.resolve(options.dir);
  if (!existsSync(path.join(dir, 'data', 'PG_VERSION'))) {
    throw new ClusterError(`no PostgreSQL data directory at ${path.join(dir, 'data')}`, '');
  }
  const user = await clusterUser();
  const cluster = new ThrowawayCluster(options.installation, dir, user, runAsOptions(user), options);
  cluster.port = options.port;
  return cluster;
}

class ThrowawayCluster implements Cluster {
  readonly host = LOOPBACK;
  readonly database = 'postgres' as const;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  readonly superuser: string;
  port = 0;
  timings = { initdbMs: 0, startMs: 0 };
  private baseConf = '';
  private removing: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private removed = false;

  constructor(
    readonly installation: PgInstallation,
    readonly dir: string,
    readonly osUser: OsUser,
    readonly runAs: RunAs,
    private readonly options: CreateClusterOptions,
  ) {
    this.dataDir = path.join(dir, 'data');
    this.socketDir = dir;
    this.logFile = path.join(dir, 'server.log');
    this.superuser = options.superuser ?? 'postgres';
  }

  get env(): Readonly<Record<string, string>> {
    return {
      PGHOST: this.host,
      PGPORT: String(this.port),
      PGUSER: this.superuser,
      PGDATABASE: this.database,
    };
  }

  get pgConfig(): ClientConfig {
    return {
      host: this.host,
      port: this.port,
      user: this.superuser,
      database: this.database,
      statement_timeout: this.options.statementTimeoutMs ?? 60_000,
      connectionTimeoutMillis: 10_000,
    };
  }

  postmasterPid(): number | undefined {
    return readPostmasterPid(this.dataDir);
  }

  isRunning(): boolean {
    const pid = this.postmasterPid();
    return pid !== undefined && pidExists(pid);
  }

  readLog(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** initdb, then our settings and hba lines. */
  async init(): Promise<void> {
    const args = [
      '-D', this.dataDir,
      '-U', this.superuser,
      '-A', 'trust',
      '-E', 'UTF8',
      '--locale=C',
      '--no-sync',
      ...(this.options.initdbArgs ?? []),
    ];
    const started = performance.now();
    const result = await this.tool('initdb', args);
    this.timings.initdbMs = performance.now() - started;
    if (result.exitCode !== 0) {
      throw new ClusterError(`initdb failed (exit ${result.exitCode}) for PostgreSQL ${this.installation.version}`, tail(result.stderr || result.stdout));
    }
    const confFile = path.join(this.dataDir, 'postgresql.conf');
    this.baseConf = readFileSync(confFile, 'utf8');
    if (this.options.hbaLines && this.options.hbaLines.length > 0) {
      const hbaFile = path.join(this.dataDir, 'pg_hba.conf');
      // Writing over the existing file keeps initdb's owner and mode.
      writeFileSync(hbaFile, prependHbaLines(readFileSync(hbaFile, 'utf8'), this.options.hbaLines));
    }
  }

  /** The first start: picks a port and retries with another one while the address is taken. */
  async firstStart(): Promise<void> {
    const fixed = this.options.port;
    const tried = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      this.port = fixed ?? (await (this.options.choosePort ?? pickPort)(tried));
      tried.add(this.port);
      this.writeConf();
      try {
        await this.start();
        return;
      } catch (e) {
        const retry = fixed === undefined && attempt < PORT_ATTEMPTS && e instanceof ClusterError && isAddressInUse(this.readLog());
        if (!retry) throw e;
        this.options.onLine?.(`port ${this.port} was taken; trying another`);
      }
    }
  }

  private writeConf(): void {
    const ours = renderSettings({
      listen_addresses: this.host,
      port: this.port,
      unix_socket_directories: this.socketDir,
      ...this.options.settings,
    });
    writeFileSync(path.join(this.dataDir, 'postgresql.conf'), `${this.baseConf}\n# added for this throwaway cluster\n${ours}`);
  }

  async start(): Promise<void> {
    if (this.removed) throw new ClusterError('the cluster was removed', '');
    if (this.isRunning()) return;
    const wait = String(this.options.waitSeconds ?? 120);
    const logBefore = this.readLog().length;
    const started = performance.now();
    const result = await this.tool('pg_ctl', ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', wait]);
    this.timings.startMs = performance.now() - started;
    if (result.exitCode !== 0 || !this.isRunning()) {
      const log = this.readLog().slice(logBefore);
      throw new ClusterError(`pg_ctl start failed (exit ${result.exitCode}) on port ${this.port}: ${(result.stderr || result.stdout).trim()}`, tail(log));
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const pid = this.postmasterPid();
    if (pid === undefined || !pidExists(pid)) return;
    const wait = String(this.options.waitSeconds ?? 120);
    const result = await this.tool('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', wait]).catch(() => undefined);
    if (result?.exitCode !== 0 && pidExists(pid)) {
      killPostmasterSync(pid);
    }
  }

  async reload(): Promise<void> {
    const result = await this.tool('pg_ctl', ['reload', '-D', this.dataDir]);
    if (result.exitCode !== 0) throw new ClusterError(`pg_ctl reload failed: ${result.stderr.trim()}`, tail(this.readLog(), 10));
  }

  remove(): Promise<void> {
    this.removing ??= (async () => {
      try {
        await this.stop();
      } finally {
        this.removed = true;
        await rm(this.dir, { recursive: true, force: true });
        unregisterCluster(this);
      }
    })();
    return this.removing;
  }

  async connect(database?: string): Promise<Client> {
    const pg = await loadPg();
    const client = new pg.Client({ ...this.pgConfig, ...(database !== undefined ? { database } : {}) });
    await client.connect();
    return client;
  }

  async query<R extends QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    const client = await this.connect();
    try {
      const result = await client.query<R>(sql, [...params]);
      return result.rows;
    } finally {
      await client.end();
    }
  }

  /** Runs one of the installation's programs as the cluster user, in the cluster folder. */
  private tool(name: string, args: readonly string[]): Promise<RunResult> {
    const onLine = this.options.onLine;
    return run(programPath(this.installation, name), args, {
      cwd: this.dir,
      env: { ...this.installation.env, LC_ALL: 'C', LANG: 'C' },
      ...this.runAs,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(onLine ? { onStdoutLine: onLine, onStderrLine: onLine } : {}),
    });
  }
}

type PgModule = typeof PgNamespace;

/** Loads pg only when a cluster is queried, so that activation never pays for it. */
async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as PgModule & { default?: PgModule };
  return mod.default ?? mod;
}
