// Values an enum parameter accepts that pg_settings.enumvals does not list: the entries
// marked hidden in the server's option lists (guc.c up to 15, guc_tables.c from 16, and
// wal_level_options/archive_mode_options of xlog.c). They are exact words, compared without
// case like every enum value: "true" is accepted where the list has it, "tr" or "t" never.
// Checked against PostgreSQL 13-18 servers: each word below is accepted in postgresql.conf,
// and boolean prefixes ("t", "tr", "y", "of", ...) are refused.

/** The hidden on/off spellings of *_options lists that say "we accept all the likely variants of on and off". */
const BOOLEAN_WORDS: readonly string[] = ['true', 'false', 'yes', 'no', '1', '0'];

const HIDDEN: Readonly<Record<string, readonly string[]>> = {
  archive_mode: BOOLEAN_WORDS,
  backslash_quote: BOOLEAN_WORDS,
  compute_query_id: BOOLEAN_WORDS,
  constraint_exclusion: BOOLEAN_WORDS,
  debug_parallel_query: BOOLEAN_WORDS,
  force_parallel_mode: BOOLEAN_WORDS,
  huge_pages: BOOLEAN_WORDS,
  recovery_prefetch: BOOLEAN_WORDS,
  synchronous_commit: BOOLEAN_WORDS,
  // An enum from 15 (a boolean before): pglz, lz4, zstd, on, off, and the hidden words.
  wal_compression: BOOLEAN_WORDS,
  // client_message_level_options: {"debug", DEBUG2, true}, {"info", INFO, true}.
  client_min_messages: ['debug', 'info'],
  trace_recovery_messages: ['debug', 'info'],
  icu_validation_level: ['debug', 'info'],
  // server_message_level_options: {"debug", DEBUG2, true}.
  log_min_messages: ['debug'],
  log_min_error_statement: ['debug'],
  // wal_level_options: the names of 9.5 and before.
  wal_level: ['archive', 'hot_standby'],
};

/** PostgreSQL 13's password_encryption_options: on, true, yes and 1 mean md5 (removed in 14). */
const PASSWORD_ENCRYPTION_13: readonly string[] = ['on', 'true', 'yes', '1'];

/** The hidden values of a parameter in a major (empty when it has none). */
export function hiddenEnumValues(name: string, major: number): readonly string[] {
  if (name === 'password_encryption') return major <= 13 ? PASSWORD_ENCRYPTION_13 : [];
  return HIDDEN[name] ?? [];
}

/** The enum values (listed or hidden) that mean the same as "on" for a parameter with on/off. */
export const ON_WORDS: readonly string[] = ['on', 'true', 'yes', '1'];
