// The Backups view's tree. Until catalogs are read, each configured catalog is listed by path;
// with none configured the view is empty and its welcome content offers the first steps.
import * as vscode from 'vscode';
import type { Settings } from '../../platform/settings';

export class CatalogTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly settings: Settings) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: string): string[] {
    return element === undefined ? this.settings.catalogs() : [];
  }

  getTreeItem(catalogPath: string): vscode.TreeItem {
    const item = new vscode.TreeItem(catalogPath, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = 'catalog';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
