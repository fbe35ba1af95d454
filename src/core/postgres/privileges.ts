// What a non-superuser backup role needs for pg_probackup, per major version (from
// pg_probackup's documentation: PostgreSQL 11–14 and 15+ lists), and the SQL that checks it.
// STREAM backups also need the REPLICATION attribute.

export interface RequiredFunction {
  /** Schema-qualified name, e.g. pg_catalog.pg_backup_start. */
  readonly name: string;
  /** Argument types as the GRANT names them. */
  readonly args: readonly string[];
}

const COMMON_BEFORE: readonly RequiredFunction[] = [
  { name: 'pg_catalog.current_setting', args: ['text'] },
  { name: 'pg_catalog.set_config', args: ['text', 'text', 'boolean'] },
  { name: 'pg_catalog.pg_is_in_recovery', args: [] },
];

const COMMON_AFTER: readonly RequiredFunction[] = [
  { name: 'pg_catalog.pg_create_restore_point', args: ['text'] },
  { name: 'pg_catalog.pg_switch_wal', args: [] },
  { name: 'pg_catalog.pg_last_wal_replay_lsn', args: [] },
  { name: 'pg_catalog.txid_current', args: [] },
  { name: 'pg_catalog.txid_current_snapshot', args: [] },
  { name: 'pg_catalog.txid_snapshot_xmax', args: ['txid_snapshot'] },
  { name: 'pg_catalog.pg_control_checkpoint', args: [] },
];

/** The functions, in the documentation's order. PostgreSQL 15 renamed the backup functions. */
export function requiredFunctions(major: number): RequiredFunction[] {
  const backup: RequiredFunction[] = major >= 15
    ? [{ name: 'pg_catalog.pg_backup_start', args: ['text', 'boolean'] }, { name: 'pg_catalog.pg_backup_stop', args: ['boolean'] }]
    : [{ name: 'pg_catalog.pg_start_backup', args: ['text', 'boolean', 'boolean'] }, { name: 'pg_catalog.pg_stop_backup', args: ['boolean', 'boolean'] }];
  return [...COMMON_BEFORE, ...backup, ...COMMON_AFTER];
}

/** `name(type, type)` as has_function_privilege and GRANT accept it. */
export function functionSignature(f: RequiredFunction): string {
  return `${f.name}(${f.args.join(', ')})`;
}

export interface PrivilegeQuery {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * One row per required function: signature, whether it exists, and whether the role may
 * execute it; plus the role's attributes. Every input is a parameter: $1 the role name,
 * $2 the signatures as text[].
 */
export function privilegeCheckQuery(role: string, major: number): PrivilegeQuery {
  const text = [
    'SELECT f.sig AS signature,',
    '       to_regprocedure(f.sig) IS NOT NULL AS present,',
    '       CASE WHEN to_regprocedure(f.sig) IS NULL THEN NULL',
    "            ELSE has_function_privilege($1::text, to_regprocedure(f.sig), 'EXECUTE') END AS allowed,",
    '       r.rolsuper AS superuser, r.rolreplication AS replication, r.rolcanlogin AS login,',
    "       has_schema_privilege($1::text, 'pg_catalog', 'USAGE') AS catalog_usage",
    'FROM unnest($2::text[]) WITH ORDINALITY AS f(sig, ord)',
    'CROSS JOIN (SELECT rolsuper, rolreplication, rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1::text) AS r',
    'ORDER BY f.ord',
  ].join('\n');
  return { text, values: [role, requiredFunctions(major).map(functionSignature)] };
}

export interface PrivilegeRow {
  readonly signature: string;
  readonly present: boolean;
  readonly allowed: boolean | null;
  readonly superuser: boolean;
  readonly replication: boolean;
  readonly login: boolean;
  readonly catalog_usage: boolean;
}

export interface PrivilegeReport {
  /** False when the role does not exist (the query returns no rows). */
  readonly roleExists: boolean;
  readonly superuser: boolean;
  readonly replication: boolean;
  readonly login: boolean;
  readonly catalogUsage: boolean;
  /** Required functions the role may not execute. */
  readonly missing: readonly RequiredFunction[];
  /** Required functions this server does not have (wrong major?). */
  readonly absent: readonly RequiredFunction[];
}

export function readPrivilegeRows(rows: readonly PrivilegeRow[], major: number): PrivilegeReport {
  const required = requiredFunctions(major);
  const bySig = new Map(rows.map((r) => [r.signature, r]));
  const first = rows[0];
  const missing: RequiredFunction[] = [];
  const absent: RequiredFunction[] = [];
  for (const f of required) {
    const row = bySig.get(functionSignature(f));
    if (row === undefined) continue;
    if (!row.present) absent.push(f);
    else if (row.allowed !== true) missing.push(f);
  }
  return {
    roleExists: first !== undefined,
    superuser: first?.superuser ?? false,
    replication: first?.replication ?? false,
    login: first?.login ?? false,
    catalogUsage: first?.catalog_usage ?? false,
    missing: first === undefined ? required : missing,
    absent,
  };
}
