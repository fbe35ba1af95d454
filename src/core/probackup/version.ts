// `pg_probackup --version` prints `pg_probackup 2.5.16 (PostgreSQL 15.18)`; distributions may
// carry their own suffix in the server version (`PostgreSQL 15.18 (Debian 15.18-0+deb12u1)`),
// and builds against Postgres Pro print `(Postgres Pro 15.4.1 standard)`.
import { ProbackupError } from './probackupError';

export interface ProbackupVersion {
  /** `2.5.16` */
  readonly program: string;
  readonly programParts: readonly [number, number, number];
  readonly server: {
    readonly product: 'PostgreSQL' | 'Postgres Pro';
    /** `15.18`, `16beta2` */
    readonly version: string;
    /** 15 for 15.x; 9.6 style majors give 9.6. */
    readonly major: number;
    /** The rest inside the parentheses: `Debian 15.18-0+deb12u1`, `standard`, ... */
    readonly detail: string | undefined;
  };
}

const VERSION_RE = /^pg_probackup(?:-\d+)?\s+(\d+)\.(\d+)\.(\d+)\S*\s+\((PostgreSQL|Postgres Pro)\s+(\d+(?:\.\d+)*(?:[a-z]+\d*)?)\s*(.*)\)\s*$/;

export function parseProbackupVersion(text: string): ProbackupVersion {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  const m = VERSION_RE.exec(line);
  if (!m) {
    throw new ProbackupError('invalid-output', `not a pg_probackup version line: "${line.slice(0, 200)}"`);
  }
  const version = m[5] ?? '';
  const head = version.split(/[.a-z]/);
  const first = Number(head[0]);
  const major = first < 10 && head[1] !== undefined ? Number(`${first}.${head[1]}`) : first;
  const rawDetail = (m[6] ?? '').trim();
  const detail = rawDetail.startsWith('(') && rawDetail.endsWith(')') ? rawDetail.slice(1, -1) : rawDetail;
  return {
    program: `${m[1]}.${m[2]}.${m[3]}`,
    programParts: [Number(m[1]), Number(m[2]), Number(m[3])],
    server: {
      product: m[4] === 'Postgres Pro' ? 'Postgres Pro' : 'PostgreSQL',
      version,
      major,
      detail: detail === '' ? undefined : detail,
    },
  };
}

/** True when the program is 2.5.x, the series these parsers follow. */
export function isSupportedProgram(v: ProbackupVersion): boolean {
  return v.programParts[0] === 2 && v.programParts[1] === 5;
}
