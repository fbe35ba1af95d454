// The ldapurl option of pg_hba.conf as an OpenLDAP-built server reads it (hba.c hands it to
// ldap_url_parse, then accepts only the ldap and ldaps schemes). What is modelled, checked
// against PostgreSQL 15 built with OpenLDAP:
// - an optional <...> around it and an optional "URL:" prefix; no leading whitespace;
// - scheme ldap://, ldaps:// or ldapi:// in any case (others do not parse; ldapi parses but
//   the server refuses it);
// - host (IPv6 in brackets), then ":port" read by strtol (sign and leading blanks allowed,
//   nothing after the digits, not empty);
// - "/dn" (even an empty one sets the base DN; no slash sets none), then at most four
//   ?-separated parts: attributes, scope (base, one, onelevel, sub, subtree, subord,
//   subordinate, children, any case), filter, extensions.
// Percent-escapes are not validated.

export interface LdapUrl {
  readonly scheme: string;
  /** Present when the URL has a "/" after the host (it sets ldapbasedn, possibly to ""). */
  readonly dn?: string;
  readonly hasAttributes: boolean;
  readonly hasFilter: boolean;
}

const SCOPES: ReadonlySet<string> = new Set(['base', 'one', 'onelevel', 'sub', 'subtree', 'subord', 'subordinate', 'children']);

function stripWrapping(text: string): string | undefined {
  let s = text;
  if (s.startsWith('<')) {
    if (!s.endsWith('>')) return undefined;
    s = s.slice(1, -1);
  }
  return s.slice(0, 4).toUpperCase() === 'URL:' ? s.slice(4) : s;
}

function validHostPort(hostPort: string): boolean {
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return false;
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return false;
    port = after === '' ? undefined : after.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    port = colon < 0 ? undefined : hostPort.slice(colon + 1);
  }
  return port === undefined || /^[ \t\n\v\f\r]*[+-]?\d+$/.test(port);
}

/** The parts of an LDAP URL that pg_hba.conf uses, or undefined when ldap_url_parse fails. */
export function parseLdapUrl(text: string): LdapUrl | undefined {
  const s = stripWrapping(text);
  const m = s === undefined ? null : /^(ldaps?|ldapi):\/\/([^/?]*)(.*)$/i.exec(s);
  if (!m) return undefined;
  const scheme = (m[1] ?? '').toLowerCase();
  if (!validHostPort(m[2] ?? '')) return undefined;
  let rest = m[3] ?? '';
  let dn: string | undefined;
  if (rest.startsWith('/')) {
    const q = rest.indexOf('?');
    dn = q < 0 ? rest.slice(1) : rest.slice(1, q);
    rest = q < 0 ? '' : rest.slice(q);
  }
  const parts = rest === '' ? [] : rest.slice(1).split('?');
  if (parts.length > 4) return undefined;
  const [attrs = '', scope = '', filter = ''] = parts;
  if (scope !== '' && !SCOPES.has(scope.toLowerCase())) return undefined;
  return { scheme, ...(dn === undefined ? {} : { dn }), hasAttributes: attrs !== '', hasFilter: filter !== '' };
}
