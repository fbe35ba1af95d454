// archive_command for pg_probackup: read the shell words of a command (the server runs it
// with /bin/sh after replacing %p, %f, %r and %%), tell whether it is a
// `pg_probackup archive-push` with the catalog (-B), the instance, --wal-file-path=%p and
// --wal-file-name=%f, and write the canonical form, quoted for the shell and for
// postgresql.conf.

export interface ArchivePushCommand {
  readonly words: readonly string[];
  readonly binary: string;
  readonly catalog?: string;
  readonly instance?: string;
  readonly walFilePath?: string;
  readonly walFileName?: string;
}

/** Splits a POSIX shell command into words (quotes and backslashes; no expansion). Undefined on an unclosed quote. */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] ?? '';
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += command.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && '$`"\\\n'.includes(command[j + 1] ?? '')) j++;
        cur += command[j] ?? '';
      }
      if (j >= command.length) return undefined;
      i = j;
      inWord = true;
    } else if (c === '\\') {
      cur += command[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Reads a pg_probackup archive-push command; undefined when the command is something else. */
export function parseArchivePush(command: string): ArchivePushCommand | undefined {
  const words = shellWords(command);
  if (words === undefined || words.length === 0) return undefined;
  const binary = words[0] ?? '';
  if (!/^pg_probackup(-\d+)?$/.test(baseName(binary)) || !words.includes('archive-push')) return undefined;
  const out: { catalog?: string; instance?: string; walFilePath?: string; walFileName?: string } = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    const next = words[i + 1];
    const take = (long: string, short: string | undefined, key: keyof typeof out): boolean => {
      if (w.startsWith(`${long}=`)) {
        out[key] = w.slice(long.length + 1);
        return true;
      }
      if (w === long || (short !== undefined && w === short)) {
        if (next !== undefined) out[key] = next;
        i++;
        return true;
      }
      if (short !== undefined && w.startsWith(short) && w.length > short.length) {
        out[key] = w.slice(short.length).replace(/^=/, '');
        return true;
      }
      return false;
    };
    if (take('--backup-path', '-B', 'catalog')) continue;
    if (take('--instance', undefined, 'instance')) continue;
    if (take('--wal-file-path', undefined, 'walFilePath')) continue;
    take('--wal-file-name', undefined, 'walFileName');
  }
  return { words, binary, ...out };
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p).replace(/\/{2,}/g, '/');
  return norm(a) === norm(b);
}

export interface ArchiveCommandExpectation {
  readonly catalog?: string;
  readonly instance?: string;
}

/** What is wrong with an archive_command for pg_probackup; an empty list when nothing. */
export function archiveCommandProblems(command: string, want: ArchiveCommandExpectation = {}): string[] {
  const cmd = parseArchivePush(command);
  if (cmd === undefined) return ['it is not a "pg_probackup archive-push" command'];
  const problems: string[] = [];
  // The server turns %% into % before the shell sees the command.
  const catalog = cmd.catalog?.replace(/%%/g, '%');
  const instance = cmd.instance?.replace(/%%/g, '%');
  if (catalog === undefined) problems.push('it names no backup catalog (-B)');
  else if (want.catalog !== undefined && !samePath(catalog, want.catalog)) problems.push(`it pushes to catalog "${catalog}", not "${want.catalog}"`);
  if (instance === undefined) problems.push('it names no --instance');
  else if (want.instance !== undefined && instance !== want.instance) problems.push(`it pushes to instance "${instance}", not "${want.instance}"`);
  if (cmd.walFilePath !== '%p') problems.push('it lacks --wal-file-path=%p');
  if (cmd.walFileName !== '%f') problems.push('it lacks --wal-file-name=%f');
  return problems;
}

/** Quotes a word for /bin/sh when it needs it. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_/.,:=+@%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The canonical command; `%` in paths is doubled so the server does not expand it. */
export function canonicalArchiveCommand(probackup: string, catalog: string, instance: string): string {
  const lit = (s: string): string => shellQuote(s.replace(/%/g, '%%'));
  return [lit(probackup), 'archive-push', '-B', lit(catalog), `--instance=${lit(instance)}`, '--wal-file-path=%p', '--wal-file-name=%f'].join(' ');
}

/** Writes a value as a postgresql.conf quoted string ('' for quotes, \\ for backslashes). */
export function confQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
