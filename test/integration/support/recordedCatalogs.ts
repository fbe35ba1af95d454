// The two recorded catalogs of the shared fixtures, shown in the tree from their JSON (no
// pg_probackup behind them): the lesson's, and the archive-mode one after the corruption.
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { fixture } from '../../support/paths';

export const PB = 'pg_probackup-2.5.16-pg15';
export const LESSON = fixture(PB, 'catalog-metadata', 'catalog');
export const ARCHIVE = fixture(PB, 'catalog-metadata', 'cat2');

export const readRecorded = (...p: string[]): string => readFileSync(fixture(PB, ...p), 'utf8');

export async function loadRecordedCatalogs(): Promise<void> {
  await vscode.commands.executeCommand('pgBackupStudio.catalogs.loadJson', {
    catalog: LESSON, show: readRecorded('lesson', 'show2.json'), archive: readRecorded('lesson', 'show_archive.json'),
  });
  await vscode.commands.executeCommand('pgBackupStudio.catalogs.loadJson', {
    catalog: ARCHIVE, show: readRecorded('archive-mode', 'show_after_corrupt.json'), archive: readRecorded('archive-mode', 'show_archive.json'),
  });
}

export async function removeRecordedCatalogs(): Promise<void> {
  await vscode.commands.executeCommand('pgBackupStudio.removeCatalog', { catalog: LESSON });
  await vscode.commands.executeCommand('pgBackupStudio.removeCatalog', { catalog: ARCHIVE });
}
