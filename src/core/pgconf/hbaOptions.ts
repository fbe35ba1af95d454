// The name=value authentication options of a pg_hba.conf line, with the checks of hba.c's
// parse_hba_auth_opt (each option in turn: which methods and connection types take it, which
// values) and of the end of parse_hba_line (options a method requires, options that conflict),
// per major version 13-18. A failing option makes the whole line invalid, and with it the
// whole file (load_hba). Assumes a Linux build with OpenLDAP: ldapserver is not mandatory
// (HAVE_LDAP_INITIALIZE), and ldapurl is parsed (LDAP_API_FEATURE_X_OPENLDAP). RADIUS server
// names are not resolved here (the server refuses a name getaddrinfo cannot resolve).
import { cAtoi } from './gucNumber';
import { splitDirectoriesString, splitGucList } from './gucLists';
import type { Range } from './findings';
import type { HbaToken } from './hbaLoader';
import type { AuthMethod, ConnType, HbaOption } from './hbaRecord';
import { parseLdapUrl } from './ldapUrl';

export interface AuthOptionContext {
  readonly conntype: ConnType;
  /** After "ident" on a local line became "peer". */
  readonly method: AuthMethod;
  readonly major: number;
  /** oauth_validator_libraries of postgresql.conf (PostgreSQL 18); undefined: not known, not checked. */
  readonly oauthValidatorLibraries?: string;
}

export interface HbaNote {
  readonly message: string;
  readonly range: Range;
}

export interface ParsedAuthOptions {
  readonly options: readonly HbaOption[];
  /** What the server logs but still accepts (e.g. an invalid ldapscheme). */
  readonly warnings: readonly HbaNote[];
}

/** What the options have set, as the fields of hba.c's HbaLine. */
interface AuthState {
  readonly fields: Set<string>;
  /** Lengths of the RADIUS lists. */
  readonly lists: Map<string, number>;
  delegateIdentMapping: boolean;
  validator?: string;
  readonly warnings: HbaNote[];
}

type OptionCheck = (value: string, ctx: AuthOptionContext, state: AuthState, token: HbaToken) => string | undefined;

function onlyFor(option: string, methods: readonly AuthMethod[], label: string): (ctx: AuthOptionContext) => string | undefined {
  return (ctx) => (methods.includes(ctx.method) ? undefined : `authentication option "${option}" is only valid for authentication methods ${label}`);
}

/** An option of one method that only records that it is set (REQUIRE_AUTH_OPTION, then pstrdup). */
function field(option: string, method: AuthMethod, label: string = method): OptionCheck {
  const require = onlyFor(option, [method], label);
  return (_v, ctx, state) => {
    const problem = require(ctx);
    if (problem === undefined) state.fields.add(option);
    return problem;
  };
}

const mapCheck: OptionCheck = (_v, ctx, state) => {
  const oauth = ctx.major >= 18;
  const methods: AuthMethod[] = ['ident', 'peer', 'gss', 'sspi', 'cert', ...(oauth ? ['oauth' as const] : [])];
  const problem = onlyFor('map', methods, oauth ? 'ident, peer, gssapi, sspi, cert, and oauth' : 'ident, peer, gssapi, sspi, and cert')(ctx);
  if (problem === undefined) state.fields.add('map');
  return problem;
};

const clientcertCheck: OptionCheck = (value, ctx) => {
  if (ctx.conntype !== 'hostssl') return 'clientcert can only be configured for "hostssl" rows';
  if (ctx.major <= 13) {
    // 13: 1/verify-ca, verify-full, 0/no-verify (not with cert).
    if (['1', 'verify-ca', 'verify-full'].includes(value)) return undefined;
    if (value === '0' || value === 'no-verify') {
      return ctx.method === 'cert' ? 'clientcert cannot be set to "no-verify" when using "cert" authentication' : undefined;
    }
    return `invalid value for clientcert: "${value}"`;
  }
  if (value === 'verify-full') return undefined;
  if (value === 'verify-ca') return ctx.method === 'cert' ? 'clientcert can only be set to "verify-full" when using "cert" authentication' : undefined;
  return `invalid value for clientcert: "${value}"`;
};

const clientnameCheck: OptionCheck = (value, ctx) => {
  if (ctx.conntype !== 'hostssl') return 'clientname can only be configured for "hostssl" rows';
  return value === 'CN' || value === 'DN' ? undefined : `invalid value for clientname: "${value}"`;
};

const ldapurlCheck: OptionCheck = (value, ctx, state) => {
  const problem = onlyFor('ldapurl', ['ldap'], 'ldap')(ctx);
  if (problem !== undefined) return problem;
  const url = parseLdapUrl(value);
  if (url === undefined) return `could not parse LDAP URL "${value}"`;
  if (url.scheme !== 'ldap' && url.scheme !== 'ldaps') return `unsupported LDAP URL scheme: ${url.scheme}`;
  if (url.dn !== undefined) state.fields.add('ldapbasedn');
  if (url.hasAttributes) state.fields.add('ldapsearchattribute');
  if (url.hasFilter) state.fields.add('ldapsearchfilter');
  return undefined;
};

const ldapschemeCheck: OptionCheck = (value, ctx, state, token) => {
  const problem = onlyFor('ldapscheme', ['ldap'], 'ldap')(ctx);
  // Only logged: the line still loads, and connections use plain ldap unless it is "ldaps".
  if (problem === undefined && value !== 'ldap' && value !== 'ldaps') {
    state.warnings.push({ message: `invalid ldapscheme value: "${value}" (the server logs it and uses ldap)`, range: token.range });
  }
  return problem;
};

const ldapportCheck: OptionCheck = (value, ctx) =>
  onlyFor('ldapport', ['ldap'], 'ldap')(ctx) ?? (cAtoi(value) === 0 ? `invalid LDAP port number: "${value}"` : undefined);

/** A RADIUS list option: SplitGUCList syntax; ports must each read as a non-zero atoi. */
function radiusList(option: string, what: string): OptionCheck {
  const require = onlyFor(option, ['radius'], 'radius');
  return (value, ctx, state) => {
    const problem = require(ctx);
    if (problem !== undefined) return problem;
    const list = splitGucList(value);
    if (list === undefined) return `could not parse RADIUS ${what} list "${value}"`;
    if (option === 'radiusports' && list.some((p) => cAtoi(p) === 0)) return `invalid RADIUS port number: "${value}"`;
    state.lists.set(option, list.length);
    return undefined;
  };
}

const delegateCheck: OptionCheck = (value, ctx, state) => {
  const problem = onlyFor('delegate_ident_mapping', ['oauth'], 'oauth')(ctx);
  if (problem === undefined) state.delegateIdentMapping = value === '1';
  return problem;
};

const validatorCheck: OptionCheck = (value, ctx, state) => {
  const problem = onlyFor('validator', ['oauth'], 'oauth')(ctx);
  if (problem === undefined) state.validator = value;
  return problem;
};

const GSS_SSPI: readonly AuthMethod[] = ['gss', 'sspi'];

/** parse_hba_auth_opt's options of every major; majorFrom marks options added later. */
const OPTIONS: Readonly<Record<string, { readonly check: OptionCheck; readonly majorFrom?: number }>> = {
  map: { check: mapCheck },
  clientcert: { check: clientcertCheck },
  clientname: { check: clientnameCheck, majorFrom: 14 },
  pamservice: { check: field('pamservice', 'pam') },
  pam_use_hostname: { check: field('pam_use_hostname', 'pam') },
  ldapurl: { check: ldapurlCheck },
  ldaptls: { check: field('ldaptls', 'ldap') },
  ldapscheme: { check: ldapschemeCheck },
  ldapserver: { check: field('ldapserver', 'ldap') },
  ldapport: { check: ldapportCheck },
  ldapbinddn: { check: field('ldapbinddn', 'ldap') },
  ldapbindpasswd: { check: field('ldapbindpasswd', 'ldap') },
  ldapsearchattribute: { check: field('ldapsearchattribute', 'ldap') },
  ldapsearchfilter: { check: field('ldapsearchfilter', 'ldap') },
  ldapbasedn: { check: field('ldapbasedn', 'ldap') },
  ldapprefix: { check: field('ldapprefix', 'ldap') },
  ldapsuffix: { check: field('ldapsuffix', 'ldap') },
  krb_realm: { check: (_v, ctx) => onlyFor('krb_realm', GSS_SSPI, 'gssapi and sspi')(ctx) },
  include_realm: { check: (_v, ctx) => onlyFor('include_realm', GSS_SSPI, 'gssapi and sspi')(ctx) },
  compat_realm: { check: (_v, ctx) => onlyFor('compat_realm', ['sspi'], 'sspi')(ctx) },
  upn_username: { check: (_v, ctx) => onlyFor('upn_username', ['sspi'], 'sspi')(ctx) },
  radiusservers: { check: radiusList('radiusservers', 'server') },
  radiusports: { check: radiusList('radiusports', 'port') },
  radiussecrets: { check: radiusList('radiussecrets', 'secret') },
  radiusidentifiers: { check: radiusList('radiusidentifiers', 'identifiers') },
  issuer: { check: field('issuer', 'oauth'), majorFrom: 18 },
  scope: { check: field('scope', 'oauth'), majorFrom: 18 },
  validator: { check: validatorCheck, majorFrom: 18 },
  delegate_ident_mapping: { check: delegateCheck, majorFrom: 18 },
};

/** Whether the server of a major knows an option name. */
function isAuthOptionName(name: string, major: number): boolean {
  const o = OPTIONS[name];
  return o !== undefined && (o.majorFrom === undefined || major >= o.majorFrom);
}

function optionProblem(token: HbaToken, ctx: AuthOptionContext, state: AuthState, options: HbaOption[]): string | undefined {
  const eq = token.text.indexOf('=');
  if (eq < 0) return `authentication option not in name=value format: ${token.text}`;
  const name = token.text.slice(0, eq);
  const value = token.text.slice(eq + 1);
  const known = isAuthOptionName(name, ctx.major) ? OPTIONS[name] : undefined;
  if (known === undefined) return `unrecognized authentication option name: "${name}"`;
  const problem = known.check(value, ctx, state, token);
  if (problem === undefined) options.push({ name, value, token });
  return problem;
}

/** Reads the option tokens in order; the first invalid one fails the line. */
export function parseAuthOptions(tokens: readonly HbaToken[], ctx: AuthOptionContext): ParsedAuthOptions | { readonly message: string; readonly token: HbaToken | undefined } {
  const state: AuthState = { fields: new Set(), lists: new Map(), delegateIdentMapping: false, warnings: [] };
  const options: HbaOption[] = [];
  for (const t of tokens) {
    const message = optionProblem(t, ctx, state, options);
    if (message !== undefined) return { message, token: t };
  }
  const missing = methodProblem(ctx, state);
  if (missing !== undefined) return { message: missing, token: undefined };
  return { options, warnings: state.warnings };
}

/** The checks at the end of parse_hba_line: what a method requires and which options conflict. */
function methodProblem(ctx: AuthOptionContext, state: AuthState): string | undefined {
  switch (ctx.method) {
    case 'ldap': return ldapProblem(ctx, state.fields);
    case 'radius': return radiusProblem(state.lists);
    case 'oauth': return oauthProblem(ctx, state);
    default: return undefined;
  }
}

function ldapProblem(ctx: AuthOptionContext, set: ReadonlySet<string>): string | undefined {
  if (set.has('ldapprefix') || set.has('ldapsuffix')) {
    if (['ldapbasedn', 'ldapbinddn', 'ldapbindpasswd', 'ldapsearchattribute', 'ldapsearchfilter'].some((f) => set.has(f))) {
      return ctx.major >= 18 ? 'cannot mix options for simple bind and search+bind modes'
        : 'cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix';
    }
  } else if (!set.has('ldapbasedn')) {
    return 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set';
  }
  if (set.has('ldapsearchattribute') && set.has('ldapsearchfilter')) return 'cannot use ldapsearchattribute together with ldapsearchfilter';
  return undefined;
}

function radiusProblem(lists: ReadonlyMap<string, number>): string | undefined {
  // An empty list is NIL, the same as not set.
  const servers = lists.get('radiusservers') ?? 0;
  const secrets = lists.get('radiussecrets') ?? 0;
  if (servers === 0) return 'authentication method "radius" requires argument "radiusservers" to be set';
  if (secrets === 0) return 'authentication method "radius" requires argument "radiussecrets" to be set';
  const counts: [string, number][] = [['secrets', secrets], ['ports', lists.get('radiusports') ?? 0], ['identifiers', lists.get('radiusidentifiers') ?? 0]];
  for (const [what, n] of counts) {
    if (!(n === 0 || n === 1 || n === servers)) return `the number of RADIUS ${what} (${n}) must be 1 or the same as the number of RADIUS servers (${servers})`;
  }
  return undefined;
}

function oauthProblem(ctx: AuthOptionContext, state: AuthState): string | undefined {
  if (!state.fields.has('scope')) return 'authentication method "oauth" requires argument "scope" to be set';
  if (!state.fields.has('issuer')) return 'authentication method "oauth" requires argument "issuer" to be set';
  const validator = validatorProblem(ctx, state.validator);
  if (validator !== undefined) return validator;
  if (state.delegateIdentMapping && state.fields.has('map')) return 'map cannot be used in combination with delegate_ident_mapping';
  return undefined;
}

/** check_oauth_validator of auth-oauth.c, when oauth_validator_libraries is known. */
function validatorProblem(ctx: AuthOptionContext, validator: string | undefined): string | undefined {
  const libraries = ctx.oauthValidatorLibraries;
  if (libraries === undefined) return undefined;
  if (libraries === '') return 'oauth_validator_libraries must be set for authentication method oauth';
  const list = splitDirectoriesString(libraries);
  if (list === undefined) return 'invalid list syntax in parameter "oauth_validator_libraries"';
  if (validator === undefined) {
    return list.length === 1 ? undefined : 'authentication method "oauth" requires argument "validator" to be set when oauth_validator_libraries contains multiple options';
  }
  return list.includes(validator) ? undefined : `validator "${validator}" is not permitted by oauth_validator_libraries`;
}
