// Hides secrets (a password given to a child process through its environment) in text that we
// show or log: stderr lines, collected stderr, and the messages of our own errors.

/** What a secret is replaced with. */
export const REDACTED = '***';

/** Environment variables whose values are secrets wherever they appear. */
export const SECRET_ENV_NAMES: readonly string[] = ['PGPASSWORD'];

/** The secret values in an environment (non-empty values of SECRET_ENV_NAMES), plus `extra`. */
export function secretsOf(
  env: Readonly<Record<string, string | undefined>> | undefined,
  extra: readonly string[] = [],
): string[] {
  const found = new Set<string>();
  for (const name of SECRET_ENV_NAMES) {
    const v = env?.[name];
    if (v !== undefined && v !== '') found.add(v);
  }
  for (const v of extra) if (v !== '') found.add(v);
  // Longest first, so that a secret that contains another one is hidden whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every secret replaced by REDACTED. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s === '' || !out.includes(s)) continue;
    out = out.split(s).join(REDACTED);
  }
  return out;
}
