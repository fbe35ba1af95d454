// Facts about server parameters per major version, generated from pg_settings of real
// servers by scripts/gen-pg-settings.ts. A major without its own file borrows the nearest
// one and says so (`exact: false`). Descriptions (the server's own category, short and extra
// text) are kept once in descriptions.json, with the text of the newest major that has the
// parameter; a major's `desc` holds only what differs there: [category index, short, extra],
// null or a missing element keeping the shared part, "" for an extra text the major lacks.
import { hiddenEnumValues } from './hiddenEnumValues';
import descriptions from './params/descriptions.json';
import pg13 from './params/pg13.json';
import pg14 from './params/pg14.json';
import pg15 from './params/pg15.json';
import pg16 from './params/pg16.json';
import pg17 from './params/pg17.json';
import pg18 from './params/pg18.json';

export type VarType = 'bool' | 'integer' | 'real' | 'string' | 'enum';

export interface ParamFact {
  readonly name: string;
  readonly vartype: VarType;
  readonly context: string;
  readonly unit: string | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly enumvals: readonly string[] | null;
  /** Enum values the server accepts that enumvals does not list (hidden entries of its option list). */
  readonly hiddenEnumvals?: readonly string[];
  readonly boot: string | null;
  /** pg_settings.category, e.g. "Write-Ahead Log / Settings". */
  readonly category: string;
  /** pg_settings.short_desc. */
  readonly shortDesc: string;
  /** pg_settings.extra_desc, null when the server has none. */
  readonly extraDesc: string | null;
}

export interface ParamFacts {
  /** The major asked for. */
  readonly major: number;
  /** The major the data came from. */
  readonly sourceMajor: number;
  readonly sourceVersion: string;
  readonly exact: boolean;
  /** By lower-case name. */
  readonly params: ReadonlyMap<string, ParamFact>;
}

type Row = [string, string, string | null, string | null, string | null, string[] | null, string | null];
type DescRow = [number, string, string?];
type DescDiff = [(number | null)?, (string | null)?, (string | null)?];
interface DataFile { major: number; version: string; params: Record<string, Row>; desc?: Record<string, DescDiff> }
interface SharedDescriptions { categories: string[]; params: Record<string, DescRow> }

const DATA: readonly DataFile[] = [pg13, pg14, pg15, pg16, pg17, pg18] as unknown as DataFile[];
const SHARED = descriptions as unknown as SharedDescriptions;

type Description = Pick<ParamFact, 'category' | 'shortDesc' | 'extraDesc'>;

function description(name: string, diff: DescDiff | undefined): Description {
  const base = SHARED.params[name];
  const [c, short, extra] = diff ?? [];
  const category = c ?? base?.[0];
  return {
    category: category === undefined ? '' : SHARED.categories[category] ?? '',
    shortDesc: short ?? base?.[1] ?? '',
    extraDesc: extra === undefined || extra === null ? base?.[2] ?? null : extra === '' ? null : extra,
  };
}

const cache = new Map<number, ParamFacts>();

function build(d: DataFile, major: number): ParamFacts {
  const params = new Map<string, ParamFact>();
  for (const [name, row] of Object.entries(d.params)) {
    const [vartype, context, unit, min, max, enumvals, boot] = row;
    params.set(name.toLowerCase(), {
      name,
      vartype: vartype as VarType,
      context,
      unit,
      min: min === null ? null : Number(min),
      max: max === null ? null : Number(max),
      enumvals,
      ...(vartype === 'enum' ? { hiddenEnumvals: hiddenEnumValues(name, d.major) } : {}),
      boot,
      ...description(name, d.desc?.[name]),
    });
  }
  return { major, sourceMajor: d.major, sourceVersion: d.version, exact: d.major === major, params };
}

/** Majors with data of their own. */
export function availableMajors(): number[] {
  return DATA.map((d) => d.major).sort((a, b) => a - b);
}

export function paramFacts(major: number): ParamFacts {
  const hit = cache.get(major);
  if (hit) return hit;
  let best = DATA[0];
  for (const d of DATA) {
    if (best === undefined || Math.abs(d.major - major) < Math.abs(best.major - major)) best = d;
  }
  if (best === undefined) throw new Error('no parameter data is bundled');
  const facts = build(best, major);
  cache.set(major, facts);
  return facts;
}
