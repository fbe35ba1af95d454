// The live check's report: a read-only markdown document (scheme pgbs-readiness) with one line
// per finding, and the same findings in the Problems panel — on the server's own config files
// when they are on this machine, else on the report's lines.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LiveCheckResult } from '../../core/postgres/liveCheck';
import type { LiveFinding } from '../../core/postgres/liveCheckRules';
import { diagnosticCode } from './codeLinks';
import { DIAGNOSTIC_SOURCE } from './confDiagnostics';

export const REPORT_SCHEME = 'pgbs-readiness';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

function severity(f: LiveFinding): vscode.DiagnosticSeverity {
  return f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

const ICON: Readonly<Record<string, string>> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

export interface RenderedReport {
  readonly text: string;
  /** Zero-based line of each finding in `text`, in the order of result.findings. */
  readonly findingLines: readonly number[];
}

export function renderReport(target: string, result: LiveCheckResult, applied: readonly string[] = []): RenderedReport {
  const lines: string[] = [
    `# Backup readiness of ${target}`,
    '',
    `PostgreSQL ${result.serverVersion} · backup role \`${result.role}\` · ${result.walMode === 'stream' ? 'STREAM' : 'ARCHIVE'} backups`,
    '',
  ];
  if (applied.length > 0) {
    lines.push(`Applied in one transaction (${applied.length} statement${applied.length === 1 ? '' : 's'}), then checked again:`, '', '```sql', ...applied, '```', '');
  }
  const findingLines: number[] = [];
  if (result.findings.length === 0) {
    lines.push('Nothing found: the server and the role are ready for pg_probackup.');
  } else {
    lines.push(`## Findings (${result.findings.length})`, '');
    for (const f of result.findings) {
      findingLines.push(lines.length);
      const where = f.file === undefined ? '' : ` — ${f.file}${f.line === undefined ? '' : `:${f.line}`}`;
      lines.push(`- ${ICON[f.severity] ?? ''} \`${f.code}\` ${f.message}${where}`);
    }
  }
  lines.push('');
  if (result.missingGrants.length > 0) {
    lines.push('## Missing grants', '', 'Run **PG Backup: Apply Missing GRANTs…** or **Open GRANT Script…**:', '', '```sql', result.grantScript.trimEnd(), '```', '');
  }
  return { text: lines.join('\n'), findingLines };
}

export class ReadinessReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly collection = vscode.languages.createDiagnosticCollection('pgBackupStudio.liveCheck');
  private readonly shownOn = new Map<string, vscode.Uri[]>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  uriFor(name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name.replace(/[/\\]/g, '_')} readiness.md` });
  }

  /** Stores the report and puts its findings in Problems; returns the report's URI. */
  publish(name: string, host: string, target: string, result: LiveCheckResult, applied: readonly string[] = []): vscode.Uri {
    const uri = this.uriFor(name);
    const rendered = renderReport(target, result, applied);
    this.texts.set(uri.toString(), rendered.text);
    this.changed.fire(uri);
    for (const u of this.shownOn.get(uri.toString()) ?? []) this.collection.delete(u);
    const local = LOCAL_HOSTS.has(host) || host.startsWith('/');
    const byUri = new Map<string, { uri: vscode.Uri; diags: vscode.Diagnostic[] }>();
    result.findings.forEach((f, i) => {
      let at: vscode.Uri = uri;
      let range = new vscode.Range(rendered.findingLines[i] ?? 0, 0, rendered.findingLines[i] ?? 0, 2);
      if (local && f.file !== undefined && existsSync(f.file)) {
        at = vscode.Uri.file(f.file);
        const line = Math.max(0, (f.line ?? 1) - 1);
        range = new vscode.Range(line, 0, line, 1000);
      }
      const d = new vscode.Diagnostic(range, f.message, severity(f));
      d.source = `${DIAGNOSTIC_SOURCE} (${name})`;
      d.code = diagnosticCode(f.code);
      const entry = byUri.get(at.toString()) ?? { uri: at, diags: [] };
      entry.diags.push(d);
      byUri.set(at.toString(), entry);
    });
    if (!byUri.has(uri.toString())) byUri.set(uri.toString(), { uri, diags: [] });
    for (const e of byUri.values()) this.collection.set(e.uri, e.diags);
    this.shownOn.set(uri.toString(), [...byUri.values()].map((e) => e.uri));
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
    this.collection.dispose();
  }
}
