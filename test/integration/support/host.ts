// Helpers for suites that run inside the extension host.
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';

export const EXTENSION_ID = 'pg-backup-studio.pg-backup-studio';

export async function activateExtension(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return ext.activate();
}

/** Asks the driver for a screenshot of the whole window (test-results/<name>.png). */
export async function screenshot(name: string): Promise<string | undefined> {
  const url = process.env['PGBS_SCREENSHOT_URL'];
  if (!url) return undefined; // a runner without a driver (e.g. @vscode/test-electron)
  const r = await fetch(`${url}?name=${encodeURIComponent(name)}`);
  if (!r.ok) throw new Error(`screenshot ${name} failed: ${await r.text()}`);
  return r.text();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
