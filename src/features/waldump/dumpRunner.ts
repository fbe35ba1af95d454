// Produces a session's text: pg_waldump of the WAL's major, streamed line by line through the
// runner with cancellation, or the built-in reader when no pg_waldump of that major is found or
// no program may run (untrusted workspace). The end-of-WAL message is information.
import { ProcessError, run } from '../../core/process/runner';
import { readSavedDump } from '../../core/waldump/savedDump';
import { builtinDump } from '../../core/waldump/viewerBuiltinDump';
import { builtinReaderNote } from '../../core/waldump/viewerRecordFormat';
import { filterProblems, waldumpArgs } from '../../core/waldump/viewerRange';
import { discoverWaldump } from '../../core/waldump/waldumpDiscovery';
import { parseMessageLine } from '../../core/waldump/waldumpMessageLine';
import type { Services } from '../../platform/services';
import type { DumpSession } from './dumpSession';

const GROWTH_MS = 400;

export interface RunOutcome {
  readonly ok: boolean;
  /** For the user: why it failed, or what to know (built-in reader, end of WAL). */
  readonly message: string | undefined;
}

async function chooseWaldump(session: DumpSession, services: Services): Promise<string | undefined> {
  const major = session.spec.major;
  if (!services.settings.canRunPrograms()) {
    session.producer = 'the built-in WAL reader';
    session.notes.push('This workspace is not trusted, so no program runs: the built-in WAL reader lists the records (it runs no program).');
    return undefined;
  }
  if (major === undefined) return undefined;
  if (session.spec.builtinOnly) {
    session.producer = 'the built-in WAL reader';
    session.notes.push('The built-in WAL reader was asked for: it lists record headers and block references without descriptions.');
    return undefined;
  }
  const found = await discoverWaldump(major, { paths: services.settings.waldumpPaths(), signal: session.controller.signal });
  for (const t of found.tried) services.log.info(`pg_waldump ${major}: ${t.file}: ${t.reason}`);
  if (found.found) {
    session.producer = `pg_waldump ${found.found.version.version} (${found.found.file})`;
    return found.found.file;
  }
  session.producer = 'the built-in WAL reader';
  session.notes.push(`No pg_waldump ${major} was found: the built-in WAL reader lists the records; pg_waldump ${major} would give full descriptions.`);
  return undefined;
}

async function runBuiltin(session: DumpSession, reason: string): Promise<RunOutcome> {
  session.mode = 'builtin';
  for (const l of builtinReaderNote(session.spec.major, reason)) session.pager.addLine(l);
  const res = await builtinDump({
    files: session.spec.files,
    source: session.spec.source,
    filters: session.spec.filters,
    singleSegment: session.spec.source.kind === 'file',
    signal: session.controller.signal,
    onLine: (l) => session.pager.addLine(l),
  });
  const end = res.end;
  if (end && end.kind !== 'segment-end' && !(end.kind === 'end-of-wal' && end.message === 'reader closed')) {
    session.pager.addLine(`-- ${end.message}`);
  }
  const bad = end && ['unknown-magic', 'invalid-segment', 'io-error', 'truncated', 'invalid-record'].includes(end.kind);
  if (end?.kind === 'end-of-wal') session.notes.push(`End of WAL: ${end.message}`);
  return { ok: !(bad && res.records === 0), message: bad ? end.message : undefined };
}

async function runWaldump(session: DumpSession, file: string, services: Services): Promise<RunOutcome> {
  const args = waldumpArgs(session.spec.source, session.spec.filters);
  services.log.info(`${file} ${args.join(' ')}`);
  const stderr: string[] = [];
  let result;
  try {
    result = await run(file, args, {
      signal: session.controller.signal,
      collectStdout: false,
      onStdoutLine: (l) => session.pager.addLine(l),
      onStderrLine: (l) => stderr.push(l),
    });
  } catch (e) {
    if (e instanceof ProcessError) return { ok: false, message: e.message };
    throw e;
  }
  const problems: string[] = [];
  for (const l of stderr) {
    session.pager.addLine(l);
    const m = parseMessageLine(l);
    if (m?.endOfWal) session.notes.push(`End of WAL: ${m.text}`);
    else if (m && m.severity !== 'information') problems.push(m.text);
    else if (!m && l.trim() !== '') problems.push(l);
  }
  if (result.cancelled) return { ok: false, message: 'cancelled' };
  if (result.exitCode !== 0 && problems.length > 0) return { ok: false, message: `pg_waldump: ${problems.join('; ')}` };
  return { ok: true, message: undefined };
}

/** Saved pg_waldump output, read in place: no program runs, so this works untrusted too. */
async function runSaved(session: DumpSession): Promise<RunOutcome> {
  const source = session.spec.source;
  if (source.kind !== 'file') return { ok: false, message: 'a saved dump is a file' };
  session.producer = 'saved pg_waldump output';
  const res = await readSavedDump(source.path, {
    signal: session.controller.signal,
    onLine: (line, start, end) => {
      session.savedBytes = start; // where a page that closes on this line ends
      session.pager.addLine(line);
      session.savedBytes = end;
    },
  });
  return res.ok ? { ok: true, message: undefined } : { ok: false, message: res.message };
}

/** Fills the session; resolves when the dump is complete. */
export async function produce(session: DumpSession, services: Services): Promise<RunOutcome> {
  const timer = setInterval(() => session.notifyGrowth(), GROWTH_MS);
  let outcome: RunOutcome;
  try {
    const major = session.spec.major;
    const problems = major === undefined ? [] : filterProblems(session.spec.filters, major);
    if (session.spec.savedDump) {
      outcome = await runSaved(session);
    } else if (problems.length > 0) {
      outcome = { ok: false, message: problems.join('; ') };
    } else {
      const file = await chooseWaldump(session, services);
      if (file) outcome = await runWaldump(session, file, services);
      else if (!services.settings.canRunPrograms()) outcome = await runBuiltin(session, 'this workspace is not trusted, so no program runs');
      else if (session.spec.builtinOnly) outcome = await runBuiltin(session, 'the built-in reader was asked for');
      else outcome = await runBuiltin(session, major === undefined ? 'the PostgreSQL version of this WAL is unknown' : `no pg_waldump ${major} is installed`);
    }
  } catch (e) {
    outcome = { ok: false, message: e instanceof Error ? e.message : String(e) };
  } finally {
    clearInterval(timer);
  }
  session.finish(outcome.ok ? undefined : outcome.message);
  return outcome;
}
