// The SQL a non-superuser backup role is missing when pg_probackup is refused a function:
// REPLICATION for STREAM, and EXECUTE on the functions of the server's major (the list the
// lesson gives). Shown by "Check Privileges" when the readiness checker is not installed.
import { functionSignature, requiredFunctions } from '../postgres/privileges';

/** A role name as SQL: bare when it is a plain lower-case identifier, else double-quoted. */
export function sqlIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function grantStatements(role: string, major: number): string[] {
  const q = sqlIdent(role);
  return [
    `ALTER ROLE ${q} WITH REPLICATION`,
    ...requiredFunctions(major).map((f) => `GRANT EXECUTE ON FUNCTION ${functionSignature(f)} TO ${q}`),
  ];
}

export function missingGrantsScript(e: { readonly subject?: string | undefined; readonly message: string }, role: string | undefined, major: number | undefined): string {
  const who = role ?? 'backup_user';
  const m = major ?? (e.subject?.includes('pg_start_backup') ? 14 : 15);
  return [
    `-- pg_probackup said: ${e.message.split('\n')[0] ?? ''}`,
    `-- The role ${who} needs these privileges (PostgreSQL ${m}); run them as a superuser.`,
    '-- REPLICATION is for STREAM backups.',
    ...grantStatements(who, m).map((s) => `${s};`),
    '',
  ].join('\n');
}
