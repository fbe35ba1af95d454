// Diagnostics for postgresql.conf and pg_hba.conf, on open and on edit (debounced). A file is
// checked through its root: the postgresql.conf beside it (or up to two folders up, for
// conf.d), which pulls in its includes and the pg_hba.conf it names; a pg_hba.conf with no
// postgresql.conf beside it is checked alone. Files are read through the core's reader with the
// open editor buffers first, and each finding lands on the file it is about.
import { existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkConf } from '../../core/pgconf/confRules';
import { loadConfTree } from '../../core/pgconf/confTree';
import { fsConfReader, overlayConfReader } from '../../core/pgconf/confReaders';
import type { ConfReader, Finding, Severity } from '../../core/pgconf/findings';
import { loadHba } from '../../core/pgconf/hbaLoader';
import { checkHba } from '../../core/pgconf/hbaRules';
import type { ClientHostname } from '../../core/pgconf/clientHostname';
import { confirmedClientHostname } from '../../core/pgconf/clientHostname';
import { checkReadiness, hostnameIfNeeded } from '../../core/pgconf/readiness';
import { isRoot, osUserByUid } from '../../core/postgres/clusterUser';
import type { Log } from '../../platform/log';
import type { CheckerSettings } from './checkerSettings';
import { checkerSettings, majorFor } from './checkerSettings';
import { diagnosticCode } from './codeLinks';

export const CONF_LANGUAGE = 'postgresql-conf';
export const HBA_LANGUAGE = 'pg-hba';
export const DIAGNOSTIC_SOURCE = 'pg-backup-studio';
const DEBOUNCE_MS = 300;
/** How long a client's looked-up host name is reused before it is looked up again. */
const HOSTNAME_TTL_MS = 5 * 60 * 1000;

const hostnames = new Map<string, { readonly at: number; readonly name: Promise<ClientHostname> }>();

/**
 * The OS user pg_probackup runs as, for peer lines: ours, or when we are root the owner of the
 * configuration (the cluster's user, whom the commands run pg_probackup as).
 */
function clientOsUserFor(configFile: string): { clientOsUser?: string } {
  try {
    if (!isRoot()) return { clientOsUser: os.userInfo().username };
    const owner = statSync(configFile).uid;
    const name = osUserByUid(owner);
    return name === undefined ? {} : { clientOsUser: name };
  } catch {
    return {};
  }
}

/** The client address's host name, for pg_hba.conf lines that name hosts (looked up at most every few minutes). */
function resolveHostname(address: string): Promise<ClientHostname> {
  const now = Date.now();
  const hit = hostnames.get(address);
  if (hit !== undefined && now - hit.at < HOSTNAME_TTL_MS) return hit.name;
  const name = confirmedClientHostname(address);
  hostnames.set(address, { at: now, name });
  return name;
}

export type CheckRoot =
  | { readonly kind: 'conf'; readonly configFile: string }
  | { readonly kind: 'conf-alone'; readonly configFile: string }
  | { readonly kind: 'hba'; readonly hbaFile: string };

export function rootKey(r: CheckRoot): string {
  return `${r.kind}:${r.kind === 'hba' ? r.hbaFile : r.configFile}`;
}

function isConfDoc(doc: vscode.TextDocument): boolean {
  return doc.languageId === CONF_LANGUAGE || doc.languageId === HBA_LANGUAGE;
}

/** Document path as the core sees it (untitled documents get a stable fake path). */
export function docPath(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : `/untitled/${doc.uri.path.replace(/^\/+/, '')}`;
}

function uriFor(file: string, docs: readonly vscode.TextDocument[]): vscode.Uri {
  const open = docs.find((d) => docPath(d) === file);
  return open?.uri ?? vscode.Uri.file(file);
}

function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const r = new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character);
  const d = new vscode.Diagnostic(r, f.message, toSeverity(f.severity));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = diagnosticCode(f.code);
  return d;
}

export class ConfDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('pgBackupStudio.confcheck');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Root → the file URIs its last check put diagnostics on. */
  private readonly urisByRoot = new Map<string, Set<string>>();
  /** URI → the findings shown there (the code actions read their fixes). */
  private readonly findingsByUri = new Map<string, Finding[]>();
  private readonly subs: vscode.Disposable[] = [];
  /** Root → number of its latest check; an older check that ends later is dropped. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly log: Log) {
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== 'file' && isConfDoc(d)) this.clearUri(d.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgBackupStudio.checker')) this.recheckAll();
      }),
    );
    this.recheckAll();
  }

  findingsAt(uri: vscode.Uri): readonly Finding[] {
    return this.findingsByUri.get(uri.toString()) ?? [];
  }

  recheckAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isConfDoc(doc)) {
      // An included file in another language (e.g. plain text) still changes its root's result.
      if (doc.uri.scheme !== 'file' || !doc.uri.fsPath.endsWith('.conf')) return;
      const root = this.rootOf(doc);
      if (root.kind === 'conf-alone') return;
      this.scheduleRoot(root, delay);
      return;
    }
    this.scheduleRoot(this.rootOf(doc), delay);
  }

  private scheduleRoot(root: CheckRoot, delay: number): void {
    const key = rootKey(root);
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.checkRoot(root).catch((e: unknown) => this.log.error(`confcheck: ${e instanceof Error ? e.message : String(e)}`));
    }, delay));
  }

  /** Checks a document's root now (tests and commands await it). */
  async checkNow(doc: vscode.TextDocument): Promise<readonly Finding[]> {
    return this.checkRoot(this.rootOf(doc));
  }

  rootOf(doc: vscode.TextDocument): CheckRoot {
    const file = docPath(doc);
    const dir = path.dirname(file);
    const exists = (f: string): boolean =>
      vscode.workspace.textDocuments.some((d) => docPath(d) === f) || (doc.uri.scheme === 'file' && existsSync(f));
    if (doc.languageId === HBA_LANGUAGE) {
      const conf = path.join(dir, 'postgresql.conf');
      return exists(conf) ? { kind: 'conf', configFile: conf } : { kind: 'hba', hbaFile: file };
    }
    if (path.basename(file) === 'postgresql.conf') return { kind: 'conf', configFile: file };
    let d = dir;
    for (let i = 0; i < 3; i++) {
      const conf = path.join(d, 'postgresql.conf');
      if (conf !== file && exists(conf)) return { kind: 'conf', configFile: conf };
      d = path.dirname(d);
    }
    return { kind: 'conf-alone', configFile: file };
  }

  reader(): ConfReader {
    const buffers = new Map<string, string>();
    for (const d of vscode.workspace.textDocuments) {
      if (d.uri.scheme === 'untitled' && isConfDoc(d)) buffers.set(docPath(d), d.getText());
      else if (d.uri.scheme === 'file' && (isConfDoc(d) || d.isDirty)) buffers.set(d.uri.fsPath, d.getText());
    }
    return overlayConfReader(buffers, fsConfReader);
  }

  async findingsOf(root: CheckRoot, settings: CheckerSettings, reader: ConfReader): Promise<Finding[]> {
    const file = root.kind === 'hba' ? root.hbaFile : root.configFile;
    const major = majorFor(file, settings);
    if (root.kind === 'hba') {
      const set = await loadHba(reader, root.hbaFile, { major });
      const clientHostname = await hostnameIfNeeded(set, major, settings.clientAddress, resolveHostname);
      return checkHba(set, {
        major, backupRole: settings.backupRole, clientAddress: settings.clientAddress,
        ...(clientHostname === undefined ? {} : { clientHostname }),
        ...clientOsUserFor(root.hbaFile),
      });
    }
    const ruleOptions = {
      major,
      walMode: settings.walMode,
      ...(settings.catalog === undefined ? {} : { catalog: settings.catalog }),
      ...(settings.instance === undefined ? {} : { instance: settings.instance }),
    };
    if (root.kind === 'conf-alone') {
      // An included file with no postgresql.conf in reach: its own settings, nothing else.
      const tree = await loadConfTree(reader, root.configFile, { readAutoConf: false });
      // Findings about settings it does not make (placed at the file's start) concern the whole server: leave them out.
      const nowhere = (f: Finding): boolean => f.range.start.line === 0 && f.range.start.character === 0 && f.range.end.line === 0 && f.range.end.character === 0;
      return checkConf(tree, ruleOptions).filter((f) => f.file === root.configFile && (!nowhere(f) || f.code.startsWith('pgconf/syntax') || f.code.startsWith('pgconf/include')));
    }
    const result = await checkReadiness(reader, {
      ...ruleOptions,
      configFile: root.configFile,
      backupRole: settings.backupRole,
      clientAddress: settings.clientAddress,
      resolveHostname,
      ...clientOsUserFor(root.configFile),
    });
    // No pg_hba.conf where postgresql.conf says (a lone config file): say nothing about it.
    if (result.hba.files.size === 0) return result.findings.filter((f) => f.file !== result.hba.mainFile);
    return [...result.findings];
  }

  private async checkRoot(root: CheckRoot): Promise<readonly Finding[]> {
    const key = rootKey(root);
    const gen = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, gen);
    const anyFile = root.kind === 'hba' ? root.hbaFile : root.configFile;
    const settings = checkerSettings(vscode.Uri.file(anyFile));
    const findings = await this.findingsOf(root, settings, this.reader());
    if (this.generations.get(key) !== gen) return findings;
    const docs = vscode.workspace.textDocuments;
    const byUri = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
    for (const f of findings) {
      const uri = uriFor(f.file, docs);
      const entry = byUri.get(uri.toString()) ?? { uri, findings: [] };
      entry.findings.push(f);
      byUri.set(uri.toString(), entry);
    }
    for (const old of this.urisByRoot.get(key) ?? []) {
      if (!byUri.has(old)) this.clearUri(vscode.Uri.parse(old));
    }
    // The root's own files get an empty list, so fixed problems disappear.
    const mine = new Set(byUri.keys());
    for (const [k, e] of byUri) {
      this.findingsByUri.set(k, e.findings);
      this.collection.set(e.uri, e.findings.map(toDiagnostic));
    }
    this.urisByRoot.set(key, mine);
    if (!mine.has(uriFor(anyFile, docs).toString())) this.clearUri(uriFor(anyFile, docs));
    return findings;
  }

  private clearUri(uri: vscode.Uri): void {
    this.collection.delete(uri);
    this.findingsByUri.delete(uri.toString());
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subs) s.dispose();
    this.collection.dispose();
  }
}
