// Text that a throwaway cluster writes into its postgresql.conf and pg_hba.conf.
export type SettingValue = string | number | boolean;

/** A setting value as postgresql.conf spells it: numbers and booleans bare, everything else quoted. */
export function renderConfValue(value: SettingValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`setting value is not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  // Inside single quotes the config lexer reads '' as a quote and a backslash as an escape.
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Setting names are identifiers, optionally qualified (e.g. `auto_explain.log_min_duration`). */
export function isSettingName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(name);
}

/** `name = value` lines, appended after initdb's own so that they win. */
export function renderSettings(settings: Readonly<Record<string, SettingValue>>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (!isSettingName(name)) throw new Error(`not a setting name: ${JSON.stringify(name)}`);
    lines.push(`${name} = ${renderConfValue(value)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** pg_hba.conf text with the caller's lines first: the first matching line wins, so they take precedence over initdb's. */
export function prependHbaLines(hba: string, lines: readonly string[]): string {
  for (const l of lines) {
    if (/[\r\n]/.test(l)) throw new Error(`an hba line must be one line: ${JSON.stringify(l)}`);
  }
  if (lines.length === 0) return hba;
  return `# added for this cluster\n${lines.join('\n')}\n\n${hba}`;
}

/** The last `maxLines` lines of a log, for error messages. */
export function tail(text: string, maxLines = 30): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  return lines.slice(-maxLines).join('\n');
}
