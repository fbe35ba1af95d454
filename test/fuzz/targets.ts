// The fuzz targets: every parser of tool output and configuration, each fed real inputs with
// mutations and random text. A target may only return, or throw the parser's own typed error
// (ProbackupError 'invalid-output' where the parser documents it); anything else is a crash.
import fc from 'fast-check';
import { overlayConfReader } from '../../src/core/pgconf/confReaders';
import { archiveCommandProblems, parseArchivePush, shellWords } from '../../src/core/pgconf/archiveCommand';
import { lexConf } from '../../src/core/pgconf/confLexer';
import { parseConfText } from '../../src/core/pgconf/confParser';
import { checkConf } from '../../src/core/pgconf/confRules';
import { loadConfTree } from '../../src/core/pgconf/confTree';
import { lexHba } from '../../src/core/pgconf/hbaLexer';
import { loadHbaText } from '../../src/core/pgconf/hbaLoader';
import { checkHba, parseHbaSet } from '../../src/core/pgconf/hbaRules';
import { checkReadiness } from '../../src/core/pgconf/readiness';
import { buildCatalogModel } from '../../src/core/probackup/catalogModel';
import { validationResults } from '../../src/core/probackup/dataCommands';
import { classifyLog, classifyMessage, errorFromRun } from '../../src/core/probackup/errorCodes';
import { announcedBackupId, logEvent, logEvents, parseBackupStart, parseLog, parseLogLine } from '../../src/core/probackup/logLines';
import { ProbackupError } from '../../src/core/probackup/probackupError';
import { createProgressTracker, parseProgressLine } from '../../src/core/probackup/progress';
import type { TrackedCommand } from '../../src/core/probackup/progress';
import { parseShowArchiveJson, parseShowConfigJson, parseShowJson } from '../../src/core/probackup/showOutput';
import { isProbackupTime, parseProbackupTime } from '../../src/core/probackup/timestamp';
import { parseProbackupVersion } from '../../src/core/probackup/version';
import { parseDescFields } from '../../src/core/waldump/descFields';
import { WaldumpIndex } from '../../src/core/waldump/dumpIndex';
import { formatLsn, lsnParts, parseLsn } from '../../src/core/waldump/lsn';
import { parseRecordLine, parseWaldumpLine } from '../../src/core/waldump/recordLineParser';
import { parseWalStats } from '../../src/core/waldump/statsParser';
import { recordHead } from '../../src/core/waldump/viewerPaging';
import { statsMarkdown } from '../../src/core/waldump/viewerStatsTable';
import { findLsns, isEndOfWalMessage, parseMessageLine } from '../../src/core/waldump/waldumpMessageLine';
import { describeSegment, lsnToWalLocation, parseWalFileName, segmentFileName, segmentNumber } from '../../src/core/waldump/walSegment';
import { listSegment, readWalBuffers } from '../../src/core/waldump/walReaderList';
import type { Corpus } from './corpus';
import { mutatedBytes, mutatedText, randomText, textInputs } from './mutate';
import { crcFixedMutation, recordSpots } from './walMutate';

export interface FuzzTarget {
  readonly name: string;
  /** Share of the total number of runs. */
  readonly weight: number;
  readonly arbitrary: fc.Arbitrary<unknown>;
  /** Size of an input in bytes, for the time limit per kilobyte. */
  readonly size: (input: unknown) => number;
  readonly run: (input: unknown) => void | Promise<void>;
  /** run returns a promise. */
  readonly async?: boolean;
  /** Inputs are large: report the first failure as is, without shrinking. */
  readonly noShrink?: boolean;
}

/** Real configuration files and WAL segments made at fuzz time (none in the smoke test). */
export interface ExtraInputs {
  readonly confTexts?: readonly string[];
  readonly hbaTexts?: readonly string[];
  /** Consecutive segments of one timeline, in order. */
  readonly walSegments?: readonly Uint8Array[];
}

/** The parser's documented failure: a ProbackupError with code invalid-output. */
function typed(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProbackupError && e.code === 'invalid-output') return;
    throw e;
  }
}

const textSize = (x: unknown): number => (typeof x === 'string' ? x.length : 0);

const JSON_PIECES = ['{', '}', '[', ']', ',', ':', '"', '"instance"', '"backups"', '"status"', '"OK"', '"ERROR"', '"id"', '"start-time"',
  '"2026-11-24 18:19:20+00"', '"0/2000028"', '"timelines"', '"tli"', 'null', 'true', '-1', '1e309', '9007199254740993', '"\\u0000"', ' ', '\n'];
const LOG_PIECES = ['INFO: ', 'WARNING: ', 'ERROR: ', 'LOG: ', 'VERBOSE: ', 'Progress: (', '/', ')', '. Process file "', 'Backup ', ' ', '"',
  'backup ID: ', ', backup mode: FULL', ', wal mode: STREAM', 'completed', 'is valid', 'SJ1ABC', 'TP0QVT', '\n', '0/2000028', 'Requested backup', ' is not found',
  'permission denied for function ', 'pg_backup_start', 'Validate file "', 'Restore file "', 'Merging file "', 'Delete file "', '(1/10)', '(10/1)',
  '(99999999999999999999/1)'];
const WALDUMP_PIECES = ['rmgr: ', 'Heap', 'Heap2', 'Btree', 'Transaction', 'XLOG', ' len (rec/tot): ', '54/', '  54', ', tx: ', '0', ', lsn: ',
  '0/01000028', ', prev ', ', desc: ', 'INSERT off 1 flags 0x00', 'COMMIT 2026-11-24 18:19:20.123456 UTC', ', blkref #0: rel 1663/5/16384 blk 0',
  ' FPW', 'pg_waldump: error: ', 'error in WAL record at ', 'invalid record length', '\tblkref #1: rel 1663/5/1259 fork fsm blk 2 (FPW); hole: offset: 48, length: 8',
  ' ', ',', ';', ':', '=', '(', ')', '[', ']', '{', '}', 'UTC', '-', '+'];
const STATS_PIECES = ['Type', 'N', '(%)', 'Record size', 'FPI size', 'Combined size', '----', 'Total', 'XLOG', 'Heap/INSERT', '  ', '\n', '100.00',
  '(100.00%)', '12345', '[', ']', '%', 'pg_waldump: error: ', 'WAL statistics between 0/1000028 and 0/2000000:'];
const CONF_PIECES = ['=', "'", "''", '\\', '"', '#', ',', ' ', '\t', '\n', '\r\n', 'include ', 'include_if_exists ', 'include_dir ', "'a.conf'",
  "'conf.d'", "'postgresql.conf'", 'wal_level', 'replica', 'minimal', 'archive_mode', 'on', 'archive_command', 'max_wal_senders', '10', '64MB',
  '0x10', '1e5', '-1', 'hba_file', "'/d/pg_hba.conf'", 'ssl', 'password_encryption', 'scram-sha-256', 'é', '\u0000'];
const HBA_PIECES = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'all', 'replication', 'sameuser', 'samerole', '+', '@', '/', '"',
  '127.0.0.1/32', '::1/128', '0.0.0.0', '255.255.255.0', 'samehost', 'samenet', 'md5', 'scram-sha-256', 'trust', 'peer', 'cert', 'reject',
  'map=', 'clientcert=verify-full', 'include ', 'include_dir ', 'include_if_exists ', '@file', ' ', '\t', '\n', '#', ',', '\\\n', '"a b"', 'é'];
const TRACKED: readonly TrackedCommand[] = ['backup', 'restore', 'validate', 'merge', 'delete', 'checkdb', 'catchup'];

const RMGRS = ['XLOG', 'Transaction', 'Storage', 'CLOG', 'Database', 'Tablespace', 'MultiXact', 'RelMap', 'Standby', 'Heap2', 'Heap', 'Btree',
  'Hash', 'Gin', 'Gist', 'Sequence', 'SPGist', 'BRIN', 'CommitTs', 'ReplicationOrigin', 'Generic', 'LogicalMessage', 'Unknown', ''];
/** Numbers as text: small, at the edges of 32 and 64 bits, beyond them, negative, with junk. */
const numberText = fc.oneof(fc.nat(100_000).map(String), fc.constantFrom('0', '4294967295', '4294967296', '18446744073709551615',
  '18446744073709551616', '99999999999999999999999', '-1', '007', '1e3', ''), fc.bigInt({ min: 0n, max: 1n << 70n }).map(String));
const hexText = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map((n) => n.toString(16).toUpperCase()),
  fc.stringMatching(/^[0-9A-Fa-f]{0,20}$/));

/** pg_waldump record lines built from their grammar, with odd numbers, LSNs and desc text. */
const recordLines: fc.Arbitrary<string> = fc.record({
  rmgr: fc.constantFrom(...RMGRS),
  pad: fc.constantFrom('', ' ', '  ', '\t'),
  rec: numberText, tot: numberText, tx: numberText,
  lsn: fc.tuple(hexText, hexText), prev: fc.tuple(hexText, hexText),
  desc: fc.array(fc.constantFrom(...WALDUMP_PIECES), { maxLength: 30 }).map((a) => a.join('')),
  v17: fc.boolean(),
}).map((r) => `rmgr: ${r.rmgr.padEnd(11)}${r.pad}len (rec/tot): ${r.rec.padStart(6)}/${r.tot.padStart(6)}, tx: ${r.tx.padStart(10)}, ` +
  `lsn: ${r.lsn[0]}/${r.v17 ? r.lsn[1].padStart(8, '0') : r.lsn[1]}, prev ${r.prev[0]}/${r.prev[1]}, desc: ${r.desc}`);

/** Parsed fixture JSON with one to three leaves (or subtrees) replaced by arbitrary JSON values. */
function mutatedJson(bases: readonly string[]): fc.Arbitrary<string> {
  const values = bases.flatMap((b) => {
    try {
      return [JSON.parse(b) as unknown];
    } catch {
      return [];
    }
  });
  if (values.length === 0) return fc.json();
  return fc.tuple(fc.nat(values.length - 1), fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 }))
    .map(([i, edits]) => {
      const copy = structuredClone(values[i]);
      for (const [k, v] of edits) replaceNode(copy, k, v);
      return JSON.stringify(copy, null, 1);
    });
}

function replaceNode(root: unknown, k: number, v: unknown): void {
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach((c, i) => { slots.push({ parent: n, key: i }); walk(c); });
    else if (n !== null && typeof n === 'object') for (const [key, c] of Object.entries(n)) { slots.push({ parent: n as Record<string, unknown>, key }); walk(c); }
  };
  walk(root);
  const s = slots[k % Math.max(1, slots.length)];
  if (s) (s.parent as Record<string | number, unknown>)[s.key] = v;
}

function jsonInputs(c: Corpus): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedJson(c.probackupJson) },
    { weight: 3, arbitrary: mutatedText(c.probackupJson) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: randomText(JSON_PIECES) },
  );
}

const CONF_SAMPLE = "# a sample\nwal_level = replica\narchive_mode = on\narchive_command = 'pg_probackup archive-push -B /c --instance=i --wal-file-path=%p --wal-file-name=%f'\nmax_wal_senders = 10\ninclude_if_exists 'a.conf'\ninclude_dir 'conf.d'\n";
const HBA_SAMPLE = 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost replication backup 127.0.0.1/32 md5\nhostssl "db one",+grp @users ::1/128 cert clientcert=verify-full\n';

export function buildTargets(c: Corpus, extra: ExtraInputs = {}): FuzzTarget[] {
  const confBases = [CONF_SAMPLE, ...(extra.confTexts ?? [])];
  const hbaBases = [HBA_SAMPLE, ...(extra.hbaTexts ?? [])];
  const targets: FuzzTarget[] = [
    {
      name: 'probackup show JSON',
      weight: 4,
      arbitrary: jsonInputs(c),
      size: textSize,
      run: (t) => {
        typed(() => {
          const shows = parseShowJson(t as string);
          buildCatalogModel(shows);
        });
      },
    },
    {
      name: 'probackup show --archive JSON',
      weight: 4,
      arbitrary: jsonInputs(c),
      size: textSize,
      run: (t) => typed(() => parseShowArchiveJson(t as string)),
    },
    {
      name: 'probackup show-config JSON',
      weight: 4,
      arbitrary: jsonInputs(c),
      size: textSize,
      run: (t) => typed(() => parseShowConfigJson(t as string)),
    },
    {
      name: 'probackup log, errors and progress (whole runs)',
      weight: 6,
      arbitrary: textInputs(c.probackupLogs, LOG_PIECES, 2000),
      size: textSize,
      run: (t) => {
        const text = t as string;
        parseLog(text);
        logEvents(text);
        classifyLog(text);
        announcedBackupId(text);
        validationResults(text);
        errorFromRun({ file: 'pg_probackup', args: [], exitCode: 1, stdout: '', stderr: text, cancelled: false, durationMs: 0 });
        for (const cmd of TRACKED) {
          const tracker = createProgressTracker(cmd);
          for (const line of text.split('\n')) tracker.push(line);
          tracker.complete();
        }
      },
    },
    {
      name: 'probackup log and progress lines',
      weight: 14,
      arbitrary: textInputs(c.probackupLines, LOG_PIECES, 300),
      size: textSize,
      run: (t) => {
        const line = t as string;
        const l = parseLogLine(line);
        if (l) logEvent(l);
        parseProgressLine(line);
        classifyMessage(line);
        parseBackupStart(line);
      },
    },
    {
      name: 'probackup version and time',
      weight: 6,
      arbitrary: textInputs([
        'pg_probackup 2.5.16 (PostgreSQL 15.18 (Debian 15.18-0+deb12u1))\n', 'pg_probackup 2.5.15 (Postgres Pro 15.4.1 standard)',
        'pg_probackup-15 2.5.16 (PostgreSQL 15.18)', '2026-11-24 18:19:20+00', '2026-11-24 18:19:20.123456+03:30', '2026-11-24 18:19:20-07',
      ], ['pg_probackup', ' ', '2.5.16', '(', ')', 'PostgreSQL', 'Postgres Pro', '15.18', '9.6.24', '16beta2', '2026-11-24', '18:19:20', '+00', '.', '-'], 200),
      size: textSize,
      run: (t) => {
        typed(() => parseProbackupVersion(t as string));
        parseProbackupTime(t as string);
        isProbackupTime(t as string);
      },
    },
    {
      name: 'pg_waldump lines (records, blkrefs, messages, desc fields)',
      weight: 30,
      arbitrary: fc.oneof({ weight: 3, arbitrary: textInputs(c.waldumpLines, WALDUMP_PIECES, 400) }, { weight: 1, arbitrary: recordLines }),
      size: textSize,
      run: (t) => {
        const line = t as string;
        parseWaldumpLine(line);
        const r = parseRecordLine(line);
        if (r) {
          parseDescFields(line, r.descStart, r.descEnd);
          void r.blockRefs;
        }
        parseMessageLine(line);
        recordHead(line);
        findLsns(line);
        isEndOfWalMessage(line);
      },
    },
    {
      name: 'pg_waldump output index (windows of lines)',
      weight: 3,
      arbitrary: textInputs(c.waldumpWindows, WALDUMP_PIECES, 2000),
      size: textSize,
      run: (t) => {
        WaldumpIndex.of(t as string);
      },
    },
    {
      name: 'pg_waldump --stats (and its table)',
      weight: 4,
      arbitrary: textInputs(c.waldumpStats, STATS_PIECES, 2000),
      size: textSize,
      run: (t) => {
        const stats = parseWalStats(t as string);
        for (const column of ['name', 'count', 'recordSize', 'fpiSize', 'combinedSize'] as const) statsMarkdown(stats, column, 'stats');
      },
    },
    {
      name: 'LSNs and WAL file names',
      weight: 10,
      arbitrary: fc.tuple(
        textInputs([...c.lsns, ...c.walFileNames], ['0', '1', 'F', 'f', 'G', '/', '.', 'gz', 'partial', 'backup', 'history', '00000001', 'FFFFFFFF'], 60),
        fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).map((mb) => mb * 1024 * 1024),
        fc.integer({ min: 1, max: 0xffffffff }),
      ),
      size: (x) => textSize((x as [string])[0]),
      run: (x) => {
        const [t, segSize, tli] = x as [string, number, number];
        const lsn = parseLsn(t);
        if (lsn !== undefined) {
          formatLsn(lsn);
          lsnParts(lsn);
          const segno = segmentNumber(lsn, segSize);
          segmentFileName(tli, segno, segSize);
          lsnToWalLocation(lsn, tli, segSize);
        }
        const w = parseWalFileName(t, segSize);
        if (w) describeSegment(w);
      },
    },
    {
      name: 'postgresql.conf lexer and parser',
      weight: 6,
      arbitrary: textInputs(confBases, CONF_PIECES, 1500),
      size: textSize,
      run: (t) => {
        lexConf(t as string);
        parseConfText('/d/postgresql.conf', t as string);
      },
    },
    {
      name: 'postgresql.conf tree with includes, and its rules',
      weight: 3,
      arbitrary: fc.tuple(textInputs(confBases, CONF_PIECES, 800), textInputs(confBases, CONF_PIECES, 300), fc.constantFrom(12, 13, 14, 15, 16, 17)),
      size: (x) => textSize((x as [string, string])[0]) + textSize((x as [string, string])[1]),
      async: true,
      run: async (x) => {
        const [main, inc, major] = x as [string, string, number];
        // The included files include each other and the main file again: loops must be cut.
        const reader = overlayConfReader(new Map([
          ['/d/postgresql.conf', main], ['/d/a.conf', inc], ['/d/conf.d/b.conf', `${inc}\ninclude '../postgresql.conf'`], ['/d/postgresql.auto.conf', inc],
        ]));
        const tree = await loadConfTree(reader, '/d/postgresql.conf');
        checkConf(tree, { major, walMode: major % 2 === 0 ? 'archive' : 'stream', ptrack: true, catalog: '/c', instance: 'i', probackupPath: '/p' });
      },
    },
    {
      name: 'archive_command words',
      weight: 3,
      arbitrary: textInputs([
        'pg_probackup archive-push -B /c --instance=i --wal-file-path=%p --wal-file-name=%f',
        "'/usr/bin/pg_probackup-15' archive-push -B '/srv/a b' --instance \"main\" --wal-file-name=%f --compress",
        'test ! -f /mnt/%f && cp %p /mnt/%f',
      ], ["'", '"', '\\', ' ', '%p', '%f', '%%', '-B', '--instance=', 'archive-push', '&&', ';', '|', '$(', '`'], 300),
      size: textSize,
      run: (t) => {
        shellWords(t as string);
        parseArchivePush(t as string);
        archiveCommandProblems(t as string, { catalog: '/c', instance: 'i' });
      },
    },
    {
      name: 'pg_hba.conf lexer, loader and rules',
      weight: 6,
      arbitrary: fc.tuple(textInputs(hbaBases, HBA_PIECES, 1500), fc.constantFrom(12, 13, 14, 15, 16, 17)),
      size: (x) => textSize((x as [string])[0]),
      async: true,
      run: async (x) => {
        const [t, major] = x as [string, number];
        lexHba(t, major);
        const set = await loadHbaText('/d/pg_hba.conf', t, { major });
        parseHbaSet(set, major);
        checkHba(set, { major, backupRole: 'backup', clientAddress: '127.0.0.1', backupDatabase: 'postgres', ssl: major > 14, memberOf: ['grp'] });
      },
    },
    {
      name: 'readiness (postgresql.conf + pg_hba.conf)',
      weight: 2,
      arbitrary: fc.tuple(textInputs(confBases, CONF_PIECES, 800), textInputs(hbaBases, HBA_PIECES, 800), fc.constantFrom(13, 15, 17)),
      size: (x) => textSize((x as [string, string])[0]) + textSize((x as [string, string])[1]),
      async: true,
      run: async (x) => {
        const [conf, hba, major] = x as [string, string, number];
        const reader = overlayConfReader(new Map([['/d/postgresql.conf', conf], ['/d/pg_hba.conf', hba], ['/e/pg_hba.conf', hba]]));
        await checkReadiness(reader, { configFile: '/d/postgresql.conf', major, walMode: 'stream', backupRole: 'backup', clientAddress: '127.0.0.1', backupDatabase: 'postgres' });
      },
    },
  ];
  const segs = extra.walSegments ?? [];
  if (segs.length > 0) {
    targets.push({
      name: 'WAL reader on mutated real segments',
      weight: 0.5,
      arbitrary: fc.oneof(mutatedBytes(segs), crcFixedMutation(segs, recordSpots(segs))),
      size: (b) => (b as Uint8Array).length,
      run: (b) => {
        const bytes = b as Uint8Array;
        // Through the following real segments, and as one segment alone.
        readWalBuffers([bytes, ...segs.slice(1)]);
        listSegment(bytes, { following: segs.slice(1) });
      },
      noShrink: true,
    });
  }
  return targets;
}
