// Read-only markdown documents for reports (a backup, an instance's configuration, a validate
// run), served from memory under their own URI scheme.
import * as vscode from 'vscode';
import type { Backup, InstanceConfig } from '../../core/probackup/backup';
import type { BackupNode } from '../../core/probackup/catalogModel';
import { chainOf } from '../../core/probackup/catalogModel';
import { formatTime } from '../../core/probackup/format';
import { backupRows } from './tooltips';

export const REPORT_SCHEME = 'pgbackup-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }

  async open(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
    this.docs.set(uri.toString(), markdown);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function plainTable(rows: readonly (readonly [string, string | undefined])[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return ['| Field | Value |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v === undefined || v === '' ? '—' : v)} |`)].join('\n');
}

export function backupReport(catalog: string, b: Backup, node: BackupNode | undefined, byId: ReadonlyMap<string, Backup> | undefined): string {
  const lines = [`# Backup ${b.id}`, '', `Instance **${b.instance}** in catalog \`${catalog}\``, '', plainTable(backupRows(b, node))];
  if (byId) {
    const chain = chainOf(b.id, byId);
    if (chain.length > 1) {
      lines.push('', '## Chain (restore order)', '', ...chain.map((c, i) => `${i + 1}. ${c.id} — ${c.mode}, ${c.status}, ${formatTime(c.startTime)}`));
    }
  }
  if (b.primaryConninfo) lines.push('', '## primary_conninfo', '', '```', b.primaryConninfo, '```');
  if (b.tablespaceMap && b.tablespaceMap.length > 0) lines.push('', '## Tablespaces', '', ...b.tablespaceMap.map((t) => `- ${t.oid}: \`${t.path}\``));
  return `${lines.join('\n')}\n`;
}

export function configReport(catalog: string, instance: string, cfg: InstanceConfig): string {
  return `# Configuration of ${instance}\n\nCatalog \`${catalog}\`\n\n${plainTable(Object.entries(cfg.raw))}\n`;
}
