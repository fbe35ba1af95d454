// Builds the SQL that gives a backup role exactly what it lacks, with the role name quoted
// as PostgreSQL's quote_ident does.
import type { PrivilegeReport } from './privileges';
import { functionSignature } from './privileges';

/**
 * Reserved SQL keywords (those quote_ident must quote: reserved, and the type/function
 * name keywords that cannot be a bare column or role name). From PostgreSQL's kwlist.h
 * categories RESERVED_KEYWORD, TYPE_FUNC_NAME_KEYWORD and COL_NAME_KEYWORD.
 */
const QUOTE_KEYWORDS: ReadonlySet<string> = new Set([
  // reserved
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate',
  'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp',
  'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for',
  'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit',
  'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references',
  'returning', 'select', 'session_user', 'some', 'symmetric', 'system_user', 'table', 'then', 'to', 'trailing', 'true', 'union',
  'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
  // type or function name
  'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full', 'ilike', 'inner', 'is',
  'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar', 'tablesample', 'verbose',
  // column name
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract', 'float',
  'greatest', 'grouping', 'inout', 'int', 'integer', 'interval', 'json', 'json_array', 'json_arrayagg', 'json_exists',
  'json_object', 'json_objectagg', 'json_query', 'json_scalar', 'json_serialize', 'json_table', 'json_value', 'least',
  'merge_action', 'national', 'nchar', 'none', 'normalize', 'nullif', 'numeric', 'out', 'overlay', 'position', 'precision',
  'real', 'row', 'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat', 'trim', 'values', 'varchar', 'xmlattributes',
  'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

/**
 * Quotes an identifier when needed, like quote_ident: left bare only when it is all lower-case
 * letters, digits, underscores (not starting with a digit) and not a keyword that needs quoting.
 * Inside quotes a double quote is doubled.
 */
export function quoteIdent(name: string): string {
  const safe = /^[a-z_][a-z0-9_]*$/.test(name) && !QUOTE_KEYWORDS.has(name);
  return safe ? name : `"${name.replace(/"/g, '""')}"`;
}

export interface GrantScriptOptions {
  /** Also add REPLICATION (needed for STREAM backups) when the role lacks it. */
  readonly stream: boolean;
}

/** The statements that give the role what the report says it lacks; an empty list when nothing. */
export function buildGrantStatements(role: string, report: PrivilegeReport, options: GrantScriptOptions): string[] {
  const r = quoteIdent(role);
  const out: string[] = [];
  if (!report.roleExists) out.push(`CREATE ROLE ${r} WITH LOGIN${options.stream ? ' REPLICATION' : ''};`);
  if (report.superuser) return out;
  if (report.roleExists && !report.login) out.push(`ALTER ROLE ${r} WITH LOGIN;`);
  if (report.roleExists && options.stream && !report.replication) out.push(`ALTER ROLE ${r} WITH REPLICATION;`);
  if (!report.roleExists || !report.catalogUsage) out.push(`GRANT USAGE ON SCHEMA pg_catalog TO ${r};`);
  for (const f of report.missing) out.push(`GRANT EXECUTE ON FUNCTION ${functionSignature(f)} TO ${r};`);
  return out;
}

/** The statements wrapped in one transaction, as pg_probackup's documentation lays them out. */
export function buildGrantScript(role: string, report: PrivilegeReport, options: GrantScriptOptions): string {
  const body = buildGrantStatements(role, report, options);
  if (body.length === 0) return '';
  return ['BEGIN;', ...body, 'COMMIT;', ''].join('\n');
}
