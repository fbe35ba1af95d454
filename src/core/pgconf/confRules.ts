// Backup-readiness rules for postgresql.conf, written for pg_probackup. Each reads the
// settings in force after includes and overrides (defaults from the parameter facts) and
// reports findings on the line that sets the value, or on the main file when nothing does.
import { archiveCommandProblems, canonicalArchiveCommand, confQuote } from './archiveCommand';
import type { AppliedSetting, ConfTree } from './confTree';
import { appendLine, replaceToken } from './edits';
import type { Finding, Fix, Range, Severity } from './findings';
import { finding, range } from './findings';
import { checkValue, didYouMean, enumAccepts, numericValue, parseBool } from './gucValues';
import { ON_WORDS } from './hiddenEnumValues';
import type { ParamFact, ParamFacts } from './paramFacts';
import { paramFacts } from './paramFacts';
import { tokenRange } from './confLexer';

export interface ConfRuleOptions {
  readonly major: number;
  /** WAL delivery the user means to use. */
  readonly walMode: 'stream' | 'archive';
  readonly ptrack?: boolean;
  /** Catalog and instance archive-push must name; with probackupPath they also enable the rewrite fix. */
  readonly catalog?: string;
  readonly instance?: string;
  readonly probackupPath?: string;
  /** WAL senders already used by standbys and other clients (default 0). */
  readonly otherWalSenders?: number;
  /** STREAM backups with --slot or --temp-slot need a free replication slot. */
  readonly replicationSlot?: boolean;
  /** Replication slots already in use (default 0). */
  readonly otherSlots?: number;
}

const NOWHERE: Range = range(0, 0, 0, 0);

export function checkConf(tree: ConfTree, options: ConfRuleOptions): Finding[] {
  const facts = paramFacts(options.major);
  const out: Finding[] = [...tree.findings];
  const mainText = tree.files.get(tree.mainFile)?.text ?? '';

  const setting = (name: string): AppliedSetting | undefined => tree.effective.get(name);
  const value = (name: string): string => setting(name)?.value ?? facts.params.get(name)?.boot ?? '';
  const at = (s: AppliedSetting | undefined): { file: string; range: Range } =>
    s === undefined ? { file: tree.mainFile, range: NOWHERE } : { file: s.file, range: s.range };
  const report = (name: string, severity: Severity, code: string, message: string, fix?: Fix): void => {
    const where = at(setting(name));
    out.push(finding(where.file, where.range, severity, code, message, fix));
  };
  /** Sets a parameter: edits the line in force, or appends one to the main file. */
  const setFix = (name: string, newValue: string, title: string): Fix => {
    const s = setting(name);
    if (s !== undefined) return { title, edits: [replaceToken(s.file, s.valueToken, newValue)] };
    return { title, edits: [appendLine(tree.mainFile, mainText, `${name} = ${newValue}`)] };
  };

  checkNamesAndValues(tree, facts, out);

  // wal_level
  const walLevel = value('wal_level').toLowerCase();
  if (walLevel === 'minimal') {
    report('wal_level', 'error', 'pgconf/wal-level',
      'wal_level is minimal: pg_probackup needs replica or logical, both for STREAM and for ARCHIVE backups',
      setFix('wal_level', 'replica', 'Set wal_level = replica'));
  }

  // max_wal_senders
  if (options.walMode === 'stream') {
    const fact = facts.params.get('max_wal_senders');
    const senders = fact === undefined ? undefined : numericValue(fact, value('max_wal_senders'));
    const others = options.otherWalSenders ?? 0;
    const need = others + 1;
    if (senders !== undefined && senders < need) {
      report('max_wal_senders', 'error', 'pgconf/max-wal-senders',
        `max_wal_senders is ${senders}: a STREAM backup holds one WAL sender for its whole run` +
        (others > 0 ? `, and ${others} ${others === 1 ? 'is' : 'are'} already used by standbys or other clients` : '') +
        `, so it must be at least ${need}`,
        setFix('max_wal_senders', String(need), `Set max_wal_senders = ${need}`));
    }
  }

  // replication slot for --slot / --temp-slot
  if (options.walMode === 'stream' && options.replicationSlot === true) {
    const fact = facts.params.get('max_replication_slots');
    const slots = fact === undefined ? undefined : numericValue(fact, value('max_replication_slots'));
    const need = (options.otherSlots ?? 0) + 1;
    if (slots !== undefined && slots < need) {
      report('max_replication_slots', 'error', 'pgconf/max-replication-slots',
        `max_replication_slots is ${slots}: a STREAM backup with --slot or --temp-slot needs a free slot, so it must be at least ${need}`,
        setFix('max_replication_slots', String(need), `Set max_replication_slots = ${need}`));
    }
  }

  // archiving: archive_mode_options of xlog.c (always, on, off and the hidden true/yes/1...)
  const archiveMode = value('archive_mode');
  const archiveFact = facts.params.get('archive_mode');
  const archiveModeValid = archiveFact === undefined || enumAccepts(archiveFact, archiveMode);
  const archiving = [...ON_WORDS, 'always'].includes(archiveMode.toLowerCase());
  // An invalid archive_mode is reported as such (the server does not start), not as "off".
  if (options.walMode === 'archive' && !archiving && archiveModeValid) {
    report('archive_mode', 'error', 'pgconf/archive-mode',
      'archive_mode is off: ARCHIVE backups, PAGE backups and point-in-time recovery need continuous WAL archiving (archive_mode = on, or always on a standby)',
      setFix('archive_mode', 'on', 'Set archive_mode = on'));
  }
  const command = value('archive_command');
  const library = facts.params.has('archive_library') ? value('archive_library') : '';
  if (command !== '' && library !== '') {
    const fix = setFix('archive_library', "''", "Set archive_library = ''");
    if (options.major >= 16) {
      // pgarch.c (16+) checks this when the archiver starts or reloads, and the archiver exits.
      const serverSays = options.major >= 17 ? 'both "archive_command" and "archive_library" set' : 'both archive_command and archive_library set';
      report('archive_library', 'error', 'pgconf/archive-library-conflict',
        `archive_command and archive_library are both set: the server refuses to archive with both (its archiver fails with "${serverSays}", so no WAL is archived); set archive_library to '' to use pg_probackup archive-push`,
        fix);
    } else {
      // PostgreSQL 15 archives through the library and ignores archive_command without a word.
      report('archive_library', options.walMode === 'archive' ? 'error' : 'warning', 'pgconf/archive-library-conflict',
        `archive_command and archive_library are both set: PostgreSQL ${options.major} archives WAL through archive_library and ignores archive_command` +
        `${options.walMode === 'archive' ? ', so pg_probackup archive-push never runs and ARCHIVE backups wait for WAL that never reaches the catalog' : ''}` +
        "; set archive_library to '' to archive with archive_command",
        fix);
    }
  }
  if (options.walMode === 'archive' || archiving) {
    const canFix = options.probackupPath !== undefined && options.catalog !== undefined && options.instance !== undefined;
    const rewrite = canFix
      ? setFix('archive_command', confQuote(canonicalArchiveCommand(options.probackupPath ?? '', options.catalog ?? '', options.instance ?? '')),
        'Rewrite archive_command as pg_probackup archive-push')
      : undefined;
    if (command === '' && library === '') {
      report('archive_command', 'error', 'pgconf/archive-command',
        'archive_command is empty: no WAL is archived, so ARCHIVE backups wait for WAL that never arrives', rewrite);
    } else if (command !== '') {
      const expect = {
        ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
        ...(options.instance === undefined ? {} : { instance: options.instance }),
      };
      const problems = archiveCommandProblems(command, expect);
      if (problems.length > 0) {
        const wrongTarget = problems.some((p) => p.startsWith('it pushes to'));
        report('archive_command', wrongTarget ? 'error' : 'warning', 'pgconf/archive-command',
          `archive_command is not the pg_probackup form: ${problems.join('; ')}`, rewrite);
      }
    }
    const timeout = value('archive_timeout');
    const tfact = facts.params.get('archive_timeout');
    if (tfact !== undefined && (numericValue(tfact, timeout) ?? 0) === 0) {
      report('archive_timeout', 'info', 'pgconf/archive-timeout',
        'archive_timeout is not set: on a quiet server a WAL segment may wait long to be archived; pg_probackup waits for it only --archive-timeout (5 min by default), so set archive_timeout a little lower than that');
    }
  }

  // full_page_writes
  if (parseBool(value('full_page_writes')) === false) {
    report('full_page_writes', 'warning', 'pgconf/full-page-writes',
      'full_page_writes is off: backups taken from a standby of this server lack the full-page images they need (the server forces them only during a backup on the primary)',
      setFix('full_page_writes', 'on', 'Set full_page_writes = on'));
  }

  // PTRACK
  if (options.ptrack === true) {
    const libs = splitList(value('shared_preload_libraries'));
    if (!libs.includes('ptrack')) {
      const s = setting('shared_preload_libraries');
      const newList = confQuote([...libs, 'ptrack'].join(','));
      report('shared_preload_libraries', 'error', 'pgconf/ptrack',
        'ptrack is not in shared_preload_libraries: PTRACK backups need the ptrack extension loaded at server start',
        s !== undefined ? { title: 'Add ptrack to shared_preload_libraries', edits: [replaceToken(s.file, s.valueToken, newList)] }
          : setFix('shared_preload_libraries', newList, 'Add ptrack to shared_preload_libraries'));
    }
    const map = setting('ptrack.map_size');
    if (map === undefined || !(Number(map.value) > 0)) {
      report('ptrack.map_size', 'warning', 'pgconf/ptrack-map-size',
        'ptrack.map_size is not a positive number: ptrack tracks no pages until it is set (and the server restarted)');
    }
  }
  return out;
}

/** Splits a comma-separated list setting (shared_preload_libraries style). */
export function splitList(v: string): string[] {
  return v.split(',').map((x) => x.trim().replace(/^"(.*)"$/, '$1')).filter((x) => x !== '');
}

/**
 * PGC_INTERNAL parameters that pg_settings does not show (GUC_NO_SHOW_ALL), so the generated
 * facts lack them: guc_tables.c's is_superuser. Setting one in a file fails like any internal
 * parameter: 'parameter "is_superuser" cannot be changed'.
 */
const HIDDEN_INTERNAL: ReadonlySet<string> = new Set(['is_superuser']);

function checkNamesAndValues(tree: ConfTree, facts: ParamFacts, out: Finding[]): void {
  const names = [...facts.params.values()].map((f) => f.name);
  const note = facts.exact ? '' : ` (checked against PostgreSQL ${facts.sourceMajor} facts)`;
  for (const s of tree.settings) {
    const lower = s.name.toLowerCase();
    const fact = facts.params.get(lower);
    if (fact === undefined) {
      if (lower.includes('.')) continue; // placeholder of an extension
      if (HIDDEN_INTERNAL.has(lower)) {
        out.push(finding(s.file, tokenRange(s.nameToken), s.ignored ? 'warning' : 'error', 'pgconf/internal-parameter',
          `parameter "${s.name}" cannot be changed: the server sets it itself, and a configuration file that sets it stops the server from starting${overriddenNote(s)}`));
        continue;
      }
      const guess = didYouMean(s.name, names);
      out.push(finding(s.file, tokenRange(s.nameToken), 'error', 'pgconf/unknown-parameter',
        `unrecognized configuration parameter "${s.name}"${guess === undefined ? '' : `; did you mean "${guess}"?`}${note}`,
        guess === undefined ? undefined : { title: `Change to ${guess}`, edits: [replaceToken(s.file, s.nameToken, guess)] }));
      continue;
    }
    // The server skips a line only when a later one spells the name the same: such a bad line
    // does not stop it, but one overridden by another spelling is still applied, and fails.
    const overridden = overriddenNote(s);
    const severity: Severity = s.ignored ? 'warning' : 'error';
    if (fact.context === 'internal') {
      out.push(finding(s.file, tokenRange(s.nameToken), severity, 'pgconf/internal-parameter',
        `parameter "${s.name}" cannot be changed: it is a preset option that only reports how the server was built, initialized or is running, and a configuration file that sets it stops the server from starting${overridden}${note}`,
        { title: `Comment out the ${s.name} line`, edits: [{ file: s.file, range: range(s.nameToken.line, 0, s.nameToken.line, 0), newText: '# ' }] }));
      continue;
    }
    const problem = checkValue(fact, s.value);
    if (problem === undefined) continue;
    const r = tokenRange(s.valueToken);
    out.push(finding(s.file, r, severity, `pgconf/invalid-value`, describe(fact, s.value, problem) + overridden + note, enumFix(fact, s, problem)));
  }
}

/** What a later line setting the same parameter means for this one. */
function overriddenNote(s: AppliedSetting): string {
  if (s.ignored) return ' (a later line overrides it, so the server ignores this one)';
  if (!s.applied) {
    return ' (a later line sets it too, but spells the name differently, so the server still applies this line first and fails on it: ' +
      'it skips an earlier line only when a later one spells the name exactly the same)';
  }
  return '';
}

function describe(fact: ParamFact, v: string, p: NonNullable<ReturnType<typeof checkValue>>): string {
  switch (p.kind) {
    case 'bad-bool': return `parameter "${fact.name}" requires a Boolean value, not "${v}"`;
    case 'bad-number': return `invalid value for parameter "${fact.name}": "${v}"${p.hint === undefined ? '' : ` (${p.hint})`}${fact.unit ? ` (a number, optionally with a unit; base unit ${fact.unit})` : ''}`;
    case 'bad-unit': return `invalid unit in "${v}" for parameter "${fact.name}": valid units are ${p.validUnits.map((u) => `"${u}"`).join(', ')} (case matters)`;
    case 'out-of-range': return `${p.value}${fact.unit ? ` (in ${fact.unit})` : ''} is outside the valid range for parameter "${fact.name}" (${p.min} .. ${p.max})`;
    case 'bad-list': return `invalid value for parameter "${fact.name}": "${v}": list syntax is invalid (a comma-separated list of names; a name with blanks, commas or # must be in double quotes)`;
    case 'bad-enum': {
      const guess = didYouMean(v, p.allowed);
      return `invalid value for parameter "${fact.name}": "${v}"; available values: ${p.allowed.join(', ')}${guess === undefined ? '' : `; did you mean "${guess}"?`}`;
    }
  }
}

function enumFix(fact: ParamFact, s: AppliedSetting, p: NonNullable<ReturnType<typeof checkValue>>): Fix | undefined {
  if (p.kind !== 'bad-enum') return undefined;
  const guess = didYouMean(s.value, p.allowed);
  if (guess === undefined) return undefined;
  return { title: `Set ${fact.name} = ${guess}`, edits: [replaceToken(s.file, s.valueToken, guess)] };
}
