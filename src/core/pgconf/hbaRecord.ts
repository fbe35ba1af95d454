// Turns a tokenized pg_hba.conf line into a record, with the checks and messages of
// parse_hba_line in hba.c: connection type, databases, roles, address (keyword, CIDR,
// address plus mask, or host name), method (oauth from PostgreSQL 18) and the name=value
// options (hbaOptions.ts).
import type { Range } from './findings';
import type { HbaLine, HbaToken } from './hbaLoader';
import type { HbaNote } from './hbaOptions';
import { parseAuthOptions } from './hbaOptions';
import type { IpAddress } from './ipAddress';
import { didYouMean } from './gucValues';
import { cidrMask, parseIp } from './ipAddress';

export type ConnType = 'local' | 'host' | 'hostssl' | 'hostnossl' | 'hostgssenc' | 'hostnogssenc';

export const AUTH_METHODS = [
  'trust', 'reject', 'md5', 'password', 'scram-sha-256', 'gss', 'sspi', 'ident', 'peer', 'pam', 'ldap', 'radius', 'cert', 'bsd', 'oauth',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The methods the server of a major knows: oauth from PostgreSQL 18. */
export function authMethodsOf(major: number): readonly AuthMethod[] {
  return major >= 18 ? AUTH_METHODS : AUTH_METHODS.filter((m) => m !== 'oauth');
}

/**
 * Methods that hba.c knows but compiles in only on some platforms: sspi on Windows builds
 * (ENABLE_SSPI), bsd where BSD Authentication exists (USE_BSD_AUTH, OpenBSD). Elsewhere the
 * server refuses the line, and with it the file. gss, pam and ldap depend on build options
 * that the files do not show, so they are taken as present.
 */
const PLATFORM_METHODS: Readonly<Partial<Record<AuthMethod, readonly NodeJS.Platform[]>>> = { sspi: ['win32'], bsd: ['openbsd'] };

/** Whether a server built for `platform` has a method (true unless it is one of PLATFORM_METHODS). */
export function methodBuiltOn(method: AuthMethod, platform: NodeJS.Platform): boolean {
  const platforms = PLATFORM_METHODS[method];
  return platforms === undefined || platforms.includes(platform);
}

/** What a line is checked against besides its text. */
export interface HbaLineContext {
  /** postgresql.conf's oauth_validator_libraries (18); undefined: not known, not checked. */
  readonly oauthValidatorLibraries?: string;
  /** The platform the server runs on; default: the checker's own (process.platform). */
  readonly platform?: NodeJS.Platform;
}

export type HbaAddress =
  | { readonly kind: 'all' | 'samehost' | 'samenet'; readonly range: Range }
  | { readonly kind: 'ip'; readonly ip: IpAddress; readonly mask: readonly number[]; readonly cidr: boolean; readonly range: Range; readonly maskRange?: Range }
  | { readonly kind: 'hostname'; readonly name: string; readonly range: Range };

export interface HbaOption {
  readonly name: string;
  readonly value: string;
  readonly token: HbaToken;
}

export interface HbaRecord {
  readonly line: HbaLine;
  readonly conntype: ConnType;
  readonly databases: readonly HbaToken[];
  readonly roles: readonly HbaToken[];
  readonly address?: HbaAddress;
  readonly method: AuthMethod;
  readonly methodToken: HbaToken;
  readonly options: readonly HbaOption[];
  /** What the server logs about the line but accepts. */
  readonly warnings?: readonly HbaNote[];
}

export interface HbaParseError {
  readonly line: HbaLine;
  readonly message: string;
  readonly range: Range;
  /** 'auth-option': an option value, or an option the method does not take or requires. */
  readonly kind?: 'auth-option';
}

const CONN_TYPES: ReadonlySet<string> = new Set(['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc']);
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t',
};

/**
 * A JavaScript approximation of a PostgreSQL regular expression (the text after the slash):
 * POSIX bracket classes are translated; undefined when it does not compile. PostgreSQL's
 * ARE dialect has more than JavaScript, so this decides matches for the checker only.
 */
export function pgRegex(source: string): RegExp | undefined {
  const translated = source.replace(/\[:([a-z]+):\]/g, (m, name: string) => POSIX_CLASSES[name] ?? m);
  for (const flags of ['u', '']) {
    try {
      return new RegExp(translated, flags);
    } catch {
      // try the next flags
    }
  }
  return undefined;
}

export function isKeyword(t: HbaToken, keyword: string): boolean {
  return !t.quoted && t.text === keyword;
}

/** Parses one line; returns a record or the first error, like the server. */
export function parseHbaRecord(line: HbaLine, major = 17, context: HbaLineContext = {}): HbaRecord | HbaParseError {
  const err = (message: string, range: Range): HbaParseError => ({ line, message, range });
  if (line.error) return err(line.error.message, line.error.range);
  const fields = line.fields;
  let fi = 0;
  const conn = fields[fi++] ?? [];
  const connTok = conn[0];
  if (connTok === undefined) return err('empty line', line.range);
  if (conn.length > 1) return err('multiple values specified for connection type', connTok.range);
  if (!CONN_TYPES.has(connTok.text)) {
    const guess = didYouMean(connTok.text, [...CONN_TYPES]);
    return err(`invalid connection type "${connTok.text}"${guess === undefined ? '' : `; did you mean "${guess}"?`}`, connTok.range);
  }
  const conntype = connTok.text as ConnType;

  const databases = fields[fi++];
  if (databases === undefined) return err('end-of-line before database specification', line.range);
  const roles = fields[fi++];
  if (roles === undefined) return err('end-of-line before role specification', line.range);
  for (const t of [...databases, ...roles]) {
    // PostgreSQL 16+ reads a database or role starting with a slash as a regular expression.
    if (major >= 16 && t.text.startsWith('/') && pgRegex(t.text.slice(1)) === undefined) {
      return err(`invalid regular expression "${t.text.slice(1)}"`, t.range);
    }
  }

  let address: HbaAddress | undefined;
  if (conntype !== 'local') {
    const af = fields[fi++];
    if (af === undefined) return err('end-of-line before IP address specification', line.range);
    const tok = af[0];
    if (tok === undefined) return err('end-of-line before IP address specification', line.range);
    if (af.length > 1) return err('multiple values specified for host address', tok.range);
    if (isKeyword(tok, 'all') || isKeyword(tok, 'samehost') || isKeyword(tok, 'samenet')) {
      address = { kind: tok.text as 'all' | 'samehost' | 'samenet', range: tok.range };
    } else {
      const slash = tok.text.indexOf('/');
      const addrText = slash >= 0 ? tok.text.slice(0, slash) : tok.text;
      const ip = parseIp(addrText);
      if (ip === undefined && slash >= 0) {
        const zoned = addrText.includes('%') && parseIp(addrText.slice(0, addrText.indexOf('%')))?.family === 6;
        return err(`specifying both host name and CIDR mask is invalid: "${tok.text}"` + (zoned
          ? ' (an IPv6 address with a %zone is numeric only when the zone is a number, or the name of an interface of this machine after a link-local address; otherwise it is read as a host name)'
          : ''), tok.range);
      }
      if (ip === undefined) {
        address = { kind: 'hostname', name: addrText, range: tok.range };
      } else if (slash >= 0) {
        const mask = cidrMask(tok.text.slice(slash + 1), ip.family);
        if (mask === undefined) return err(`invalid CIDR mask in address "${tok.text}"`, tok.range);
        address = { kind: 'ip', ip, mask, cidr: true, range: tok.range };
      } else {
        const mf = fields[fi++];
        if (mf === undefined) return err('end-of-line before netmask specification', tok.range);
        const mtok = mf[0];
        if (mtok === undefined) return err('end-of-line before netmask specification', tok.range);
        if (mf.length > 1) return err('multiple values specified for netmask', mtok.range);
        const mask = parseIp(mtok.text);
        if (mask === undefined) return err(`invalid IP mask "${mtok.text}"`, mtok.range);
        if (mask.family !== ip.family) return err('IP address and mask do not match', mtok.range);
        address = { kind: 'ip', ip, mask: mask.bytes, cidr: false, range: tok.range, maskRange: mtok.range };
      }
    }
  }

  const mf = fields[fi++];
  if (mf === undefined) return err('end-of-line before authentication method', line.range);
  const methodToken = mf[0];
  if (methodToken === undefined) return err('end-of-line before authentication method', line.range);
  if (mf.length > 1) return err('multiple values specified for authentication type', methodToken.range);
  const methods = authMethodsOf(major);
  if (!(methods as readonly string[]).includes(methodToken.text)) {
    const guess = didYouMean(methodToken.text, methods);
    return err(`invalid authentication method "${methodToken.text}"${guess === undefined ? '' : `; did you mean "${guess}"?`}`, methodToken.range);
  }
  let method = methodToken.text as AuthMethod;
  if (!methodBuiltOn(method, context.platform ?? process.platform)) {
    return err(`invalid authentication method "${method}": not supported by this build`, methodToken.range);
  }
  if (conntype === 'local' && method === 'ident') method = 'peer';
  if (conntype === 'local' && method === 'gss') return err('gssapi authentication is not supported on local sockets', methodToken.range);
  if (conntype !== 'local' && method === 'peer') return err('peer authentication is only supported on local sockets', methodToken.range);
  if (conntype !== 'hostssl' && method === 'cert') return err('cert authentication is only supported on hostssl connections', methodToken.range);

  const parsed = parseAuthOptions(fields.slice(fi).flat(), {
    conntype, method, major,
    ...(context.oauthValidatorLibraries === undefined ? {} : { oauthValidatorLibraries: context.oauthValidatorLibraries }),
  });
  if ('message' in parsed) {
    const range = parsed.token?.range ?? methodToken.range;
    return /^(authentication option not in name=value|unrecognized authentication option)/.test(parsed.message)
      ? err(parsed.message, range) : { ...err(parsed.message, range), kind: 'auth-option' };
  }
  const { options, warnings } = parsed;
  return {
    line, conntype, databases, roles, ...(address === undefined ? {} : { address }), method, methodToken, options,
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

export function isHbaRecord(r: HbaRecord | HbaParseError): r is HbaRecord {
  return 'conntype' in r;
}
