// The WAL viewer in the real extension host, on WAL written by a real PostgreSQL 15 cluster made
// inside the test: the dump opens in the pg-waldump language through pg_waldump 15, a hover over
// a known record explains its transaction and links its COMMIT, go-to-definition on `prev` lands
// on the record with that LSN, the outline lists the transaction, "Go to LSN" finds a record,
// and a .gz copy opens while a fake .gz is refused with a clear message.
import * as assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster } from '../../src/core/postgres/cluster';
import { debianInstallation, debianMajors, hasProgram, programPath } from '../../src/core/postgres/installations';
import { run } from '../../src/core/process/runner';
import { activateExtension, EXTENSION_ID, screenshot, sleep, waitFor } from './support/host';
import { skipBecause } from '../support/skip';

interface OpenResult { ok: boolean; message?: string; uri?: string; sessionId?: string; producer?: string; records?: number; notes?: string[] }

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('extension host: WAL viewer', function () {
  this.timeout(180_000);
  let cluster: Cluster | undefined;
  let tmp = '';
  let segment = '';
  let xid = 0;

  before(async function () {
    if (!debianMajors().includes(15)) skipBecause(this, "Debian's PostgreSQL 15 (with pg_waldump) is not installed");
    const inst = await debianInstallation(15);
    if (!hasProgram(inst, 'pg_waldump')) skipBecause(this, 'pg_waldump 15 is missing');
    await activateExtension();
    // The cluster's OS user must traverse its parent folder: not the host's private temp folder.
    tmp = mkdtempSync(path.join(process.getuid?.() === 0 ? path.join(path.parse(os.tmpdir()).root, 'tmp') : os.tmpdir(), 'pgbs-viewer-'));
    chmodSync(tmp, 0o755);
    cluster = await createCluster({ installation: inst, settings: { wal_level: 'replica', wal_keep_size: '1GB' }, baseDir: tmp });
    const c = await cluster.connect();
    try {
      // Start a fresh segment, so the whole workload is in one.
      await c.query('SELECT pg_switch_wal()');
      await c.query('CREATE TABLE viewer_t (id int PRIMARY KEY, v text)');
      // (after a record: at the segment boundary itself pg_walfile_name names the previous segment)
      const seg = await c.query<{ f: string }>('SELECT pg_walfile_name(pg_current_wal_lsn()) AS f');
      await c.query('BEGIN');
      const r = await c.query<{ x: string }>("INSERT INTO viewer_t SELECT g, 'row ' || g FROM generate_series(1, 50) g RETURNING txid_current()::text AS x");
      xid = Number(r.rows[0]?.x);
      await c.query('COMMIT');
      await c.query('SELECT pg_switch_wal()');
      segment = path.join(cluster.dataDir, 'pg_wal', seg.rows[0]?.f ?? '');
    } finally {
      await c.end();
    }
    // Keep a copy (the segment is complete after the switch), so the viewer can read it after the cluster is gone.
    const copy = path.join(tmp, path.basename(segment));
    copyFileSync(segment, copy);
    segment = copy;
    await cluster.remove();
    cluster = undefined;
  });

  after(async () => {
    await cluster?.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('contributes the pg-waldump language and its grammar', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { languages: { id: string }[]; grammars: { language: string; scopeName: string }[] } };
    assert.ok(pkg.contributes.languages.some((l) => l.id === 'pg-waldump'));
    assert.ok(pkg.contributes.grammars.some((g) => g.language === 'pg-waldump' && g.scopeName === 'source.pg-waldump'));
  });

  it('opens a real segment through pg_waldump 15 and explains, navigates and outlines it', async () => {
    const res = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    assert.equal(res.ok, true, res.message);
    assert.match(res.producer ?? '', /^pg_waldump 15\./);
    const doc = await waitFor('the dump document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === res.uri && d.lineCount > 10));
    assert.equal(doc.languageId, 'pg-waldump');
    const lines = doc.getText().split('\n');
    // Our transaction's records: a Heap INSERT of xid, and its COMMIT.
    const insertAt = lines.findIndex((l) => l.startsWith('rmgr: Heap ') && new RegExp(`tx:\\s+${xid},`).test(l) && /desc: INSERT/.test(l));
    const commitAt = lines.findIndex((l) => l.startsWith('rmgr: Transaction ') && new RegExp(`tx:\\s+${xid},`).test(l) && /desc: COMMIT /.test(l));
    assert.ok(insertAt >= 0 && commitAt > insertAt, `INSERT at ${insertAt}, COMMIT at ${commitAt} of xid ${xid} in ${path.basename(segment)}: ${lines.length} lines, ${
      lines.filter((l) => l.includes(`${xid},`)).length} with the xid; first ${lines[0]}; last ${lines.at(-2)}`);
    const insert = lines[insertAt] ?? '';
    const commitLsn = /lsn: ([0-9A-F]+\/[0-9A-F]+)/.exec(lines[commitAt] ?? '')?.[1] ?? '';

    // Hover over the xid: the transaction and its COMMIT.
    const xidCol = insert.indexOf(`${xid},`);
    const onXid = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(insertAt, xidCol + 1)));
    assert.match(onXid, new RegExp(`Transaction ${xid}`));
    assert.ok(onXid.includes(`COMMIT at ${commitLsn}`), onXid);
    // Hover over the record type: what a Heap INSERT is.
    const typeCol = insert.indexOf('INSERT', insert.indexOf('desc: '));
    const onType = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(insertAt, typeCol + 1)));
    assert.match(onType, /Heap\/INSERT/);

    // Go to Definition on prev: the line whose lsn is that prev.
    const prevText = /prev ([0-9A-F]+\/[0-9A-F]+)/.exec(insert)?.[1] ?? '';
    const prevCol = insert.indexOf(`prev ${prevText}`) + 6;
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(insertAt, prevCol));
    const def = defs[0];
    assert.ok(def, 'a definition for prev');
    const defLine = 'range' in def ? def.range.start.line : def.targetRange.start.line;
    assert.ok(lines[defLine]?.includes(`lsn: ${prevText},`), `line ${defLine}: ${lines[defLine]}`);

    // References of the transaction: every line of xid.
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, new vscode.Position(insertAt, xidCol + 1));
    const expected = lines.filter((l) => new RegExp(`^rmgr: .*tx:\\s+${xid},`).test(l)).length;
    assert.equal(refs.length, expected);

    // Outline: the transaction is there.
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.ok(symbols.length > 0);
    assert.ok(symbols.some((s) => s.children.some((c) => c.name === `tx ${xid}`)), 'the outline lists our transaction');

    // Go to LSN: the COMMIT.
    const went = await vscode.commands.executeCommand<{ ok: boolean; line?: number }>('pgBackupStudio.waldump.goToLsn', { lsn: commitLsn });
    assert.equal(went.ok, true);
    assert.equal(went.line, commitAt);

    // A screenshot with the hover over the INSERT's xid.
    const editor = await vscode.window.showTextDocument(doc);
    const pos = new vscode.Position(insertAt, xidCol + 1);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
    await sleep(300);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1200);
    await screenshot('waldump-viewer');
  });

  it('pages a dump, turns pages, and goes to a prev on the page before', async () => {
    const res = await vscode.commands.executeCommand<OpenResult & { pages?: number }>('pgBackupStudio.waldump.openSegment', { path: segment, pageRecords: 40, wait: true });
    assert.equal(res.ok, true, res.message);
    assert.ok((res.pages ?? 0) >= 2, `${res.pages} pages`);
    const next = await vscode.commands.executeCommand<{ ok: boolean; page?: number; uri?: string }>('pgBackupStudio.waldump.nextPage');
    assert.equal(next.ok, true);
    assert.equal(next.page, 1);
    const page2 = await waitFor('page 2', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === next.uri && d.lineCount > 1));
    assert.equal(page2.languageId, 'pg-waldump');
    const first = page2.lineAt(0).text;
    assert.ok(first.startsWith('rmgr: '), first);
    const prevText = /prev ([0-9A-F]+\/[0-9A-F]+)/.exec(first)?.[1] ?? '';
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', page2.uri, new vscode.Position(0, first.indexOf(`prev ${prevText}`) + 6));
    const def = defs[0];
    assert.ok(def, 'a definition on the page before');
    const uri = 'uri' in def ? def.uri : def.targetUri;
    const line = 'range' in def ? def.range.start.line : def.targetRange.start.line;
    assert.notEqual(uri.toString(), page2.uri.toString());
    const page1 = await vscode.workspace.openTextDocument(uri);
    assert.ok(page1.lineAt(line).text.includes(`lsn: ${prevText},`), page1.lineAt(line).text);
    const back = await vscode.commands.executeCommand<{ ok: boolean; page?: number }>('pgBackupStudio.waldump.previousPage');
    assert.deepEqual([back.ok, back.page], [true, 0]);

    // Find All References on our transaction lists its records on every page, not only this one.
    const whole = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    const wholeDoc = await vscode.workspace.openTextDocument(vscode.Uri.parse(whole.uri ?? ''));
    const ofXid = new RegExp(`^rmgr: .*tx:\\s+${xid},`);
    const lsnIn = (l: string): string => /lsn: ([0-9A-F]+\/[0-9A-F]+)/.exec(l)?.[1] ?? '';
    const expectedLsns = wholeDoc.getText().split('\n').filter((l) => ofXid.test(l)).map(lsnIn);
    let pageDoc = await vscode.workspace.openTextDocument(vscode.Uri.parse(res.uri ?? ''));
    await vscode.window.showTextDocument(pageDoc); // page turning follows the active editor
    for (let k = 0; k < (res.pages ?? 0) && !pageDoc.getText().split('\n').some((l) => ofXid.test(l)); k++) {
      const n = await vscode.commands.executeCommand<{ ok: boolean; uri?: string }>('pgBackupStudio.waldump.nextPage');
      pageDoc = await vscode.workspace.openTextDocument(vscode.Uri.parse(n.uri ?? ''));
    }
    const onPage = pageDoc.getText().split('\n').findIndex((l) => ofXid.test(l));
    assert.ok(onPage >= 0, `a page with a record of xid ${xid}`);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', pageDoc.uri,
      new vscode.Position(onPage, pageDoc.lineAt(onPage).text.indexOf(`${xid},`) + 1));
    const found: string[] = [];
    for (const r of refs) found.push(lsnIn((await vscode.workspace.openTextDocument(r.uri)).lineAt(r.range.start.line).text));
    assert.deepEqual([...found].sort(), [...expectedLsns].sort());
    assert.ok(new Set(refs.map((r) => r.uri.toString())).size > 1, `the ${expectedLsns.length} records of xid ${xid} span more than one page of 40 records`);
  });

  it('lists the same records with the built-in reader, with a note naming pg_waldump 15', async () => {
    const viaDump = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    const viaReader = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, reader: 'builtin', wait: true });
    assert.equal(viaReader.ok, true, viaReader.message);
    assert.match(viaReader.producer ?? '', /built-in/);
    const text = (uri?: string): string[] => (vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText() ?? '').split('\n');
    const dump = text(viaDump.uri);
    const ours = text(viaReader.uri);
    assert.ok(ours.some((l) => l.includes('pg_waldump 15')), 'the note names pg_waldump 15');
    // Same records: the header up to the record type, and the block references at the end.
    const key = (l: string): string => {
      const head = /^rmgr: .*?, desc: \S+/.exec(l)?.[0] ?? '';
      const blocks = /(, blkref #.*)$/.exec(l)?.[1] ?? '';
      return `${head}|${blocks}`;
    };
    const theirs = dump.filter((l) => l.startsWith('rmgr: ')).map(key);
    assert.ok(theirs.length > 100);
    assert.deepEqual(ours.filter((l) => l.startsWith('rmgr: ')).map(key), theirs);
    assert.equal(viaReader.records, viaDump.records);
  });

  it('filters through pg_waldump (-r Transaction) and shows --stats=record as a sorted table', async () => {
    const base = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    assert.equal(base.ok, true, base.message);
    // By the session id the open returned: the active editor can still be the previous test's page for a moment.
    const filtered = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.filter', { filters: { rmgr: 'Transaction' }, wait: true, sessionId: base.sessionId });
    assert.equal(filtered.ok, true, filtered.message);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === filtered.uri);
    const recs = (doc?.getText() ?? '').split('\n').filter((l) => l.startsWith('rmgr: '));
    assert.ok(recs.length > 0 && recs.every((l) => l.startsWith('rmgr: Transaction ')), `${recs.length} records, all Transaction`);
    assert.ok(recs.some((l) => new RegExp(`tx:\\s+${xid},.*desc: COMMIT `).test(l)), 'our COMMIT is among them');
    const stats = await vscode.commands.executeCommand<{ ok: boolean; rows?: number; uri?: string; message?: string }>('pgBackupStudio.waldump.showStats', { sortBy: 'count', sessionId: filtered.sessionId });
    assert.equal(stats.ok, true, stats.message);
    const md = vscode.workspace.textDocuments.find((d) => d.uri.toString() === stats.uri)?.getText() ?? '';
    const counts = md.split('\n').filter((l) => /^\| Transaction\//.test(l)).map((l) => Number(l.split('|')[2]));
    assert.ok(counts.length > 0, md);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  });

  it('opens a .gz copy of the segment and refuses a .gz that is not gzip', async () => {
    const gz = path.join(tmp, `${path.basename(segment)}.gz`);
    writeFileSync(gz, gzipSync(readFileSync(segment)));
    const ok = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: gz, wait: true });
    assert.equal(ok.ok, true, ok.message);
    const plain = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: segment, wait: true });
    assert.equal(ok.records, plain.records);
    const fake = path.join(tmp, '000000010000000000000099.gz');
    writeFileSync(fake, 'this is not gzip');
    const bad = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openSegment', { path: fake, wait: true });
    assert.equal(bad.ok, false);
    assert.match(bad.message ?? '', /not a gzip file/);
  });

  it('pages saved pg_waldump output in place, with hovers and go-to across pages', async () => {
    const inst = await debianInstallation(15);
    const saved = path.join(tmp, 'saved.waldump');
    const dumped = await run(programPath(inst, 'pg_waldump'), [segment]);
    writeFileSync(saved, dumped.stdout);
    const res = await vscode.commands.executeCommand<OpenResult & { pages?: number }>('pgBackupStudio.waldump.openDumpFile', { path: saved, pageRecords: 40, wait: true });
    assert.equal(res.ok, true, res.message);
    assert.equal(res.producer, 'saved pg_waldump output');
    assert.ok((res.pages ?? 0) >= 2, `${res.pages} pages`);
    // The pages, read back through their documents, are the file.
    const texts: string[] = [];
    let doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(res.uri ?? ''));
    await vscode.window.showTextDocument(doc);
    texts.push(doc.getText());
    for (let k = 1; k < (res.pages ?? 0); k++) {
      const n = await vscode.commands.executeCommand<{ ok: boolean; uri?: string }>('pgBackupStudio.waldump.nextPage');
      doc = await waitFor(`page ${k + 1}`, () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === n.uri && d.getText() !== ''));
      texts.push(doc.getText());
    }
    assert.equal(texts.join(''), readFileSync(saved, 'utf8'));
    // On the last page: a hover explains a record, and prev of its first record is on the page before.
    const first = doc.lineAt(0).text;
    const typeCol = first.indexOf('desc: ') + 7;
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, typeCol)));
    assert.match(hover, new RegExp(`${/^rmgr: (\S+)/.exec(first)?.[1] ?? '?'}/`));
    const prevText = /prev ([0-9A-F]+\/[0-9A-F]+)/.exec(first)?.[1] ?? '';
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(0, first.indexOf(`prev ${prevText}`) + 6));
    const def = defs[0];
    assert.ok(def, 'a definition on the page before');
    const target = await vscode.workspace.openTextDocument('uri' in def ? def.uri : def.targetUri);
    assert.notEqual(target.uri.toString(), doc.uri.toString());
    assert.ok(target.lineAt('range' in def ? def.range.start.line : def.targetRange.start.line).text.includes(`lsn: ${prevText},`));
    // Filters would run pg_waldump again on the WAL, which a saved dump does not have.
    const filtered = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.filter', { filters: { rmgr: 'Heap' } });
    assert.deepEqual([filtered.ok, filtered.message], [false, 'a saved dump cannot be filtered']);
    // A file that is not pg_waldump output is refused with the reason.
    const notDump = path.join(tmp, 'notes.waldump');
    writeFileSync(notDump, 'just some notes\n');
    const bad = await vscode.commands.executeCommand<OpenResult>('pgBackupStudio.waldump.openDumpFile', { path: notDump, wait: true });
    assert.equal(bad.ok, false);
    assert.match(bad.message ?? '', /not pg_waldump output/);
  });
});
