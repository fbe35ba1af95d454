// Authentication options of pg_hba.conf lines, per major. Expectations are the server's:
// pg_hba_file_rules of PostgreSQL 13-18 servers with ssl on (a line the server cannot parse has
// no auth_method there, and an error message when hba.c sets one), PostgreSQL 15 built with
// OpenLDAP, PAM and GSSAPI for the ldap, pam and gss lines, and hba.c (parse_hba_auth_opt and the
// end of parse_hba_line) of REL_13, REL_15 and REL_18 for the message texts.
import * as assert from 'node:assert/strict';
import type { HbaLineContext } from '../../../src/core/pgconf/hbaRecord';
import { isHbaRecord, parseHbaRecord } from '../../../src/core/pgconf/hbaRecord';
import { loadHbaText } from '../../../src/core/pgconf/hbaLoader';

const HBA = '/srv/pg/data/pg_hba.conf';

/** The server's verdict on one line: undefined when it loads, else the message. */
async function problem(line: string, major: number, context: HbaLineContext = {}): Promise<string | undefined> {
  const set = await loadHbaText(HBA, `${line}\n`, { major });
  const [l] = set.lines;
  assert.ok(l, line);
  const r = parseHbaRecord(l, major, context);
  return isHbaRecord(r) ? undefined : r.message;
}

const ALL = [13, 14, 15, 16, 17, 18];

async function expectEverywhere(line: string, expected: string | undefined | RegExp, majors = ALL): Promise<void> {
  for (const major of majors) {
    const got = await problem(line, major);
    if (expected instanceof RegExp) assert.match(got ?? 'loads', expected, `${major}: ${line}`);
    else assert.equal(got, expected, `${major}: ${line}`);
  }
}

describe('pg_hba.conf authentication options', () => {
  it('an option of another method fails the line', async () => {
    await expectEverywhere('host all all all scram-sha-256 pamservice=x', 'authentication option "pamservice" is only valid for authentication methods pam');
    await expectEverywhere('host all all all md5 krb_realm=X', 'authentication option "krb_realm" is only valid for authentication methods gssapi and sspi');
    await expectEverywhere('host all all all md5 include_realm=0', 'authentication option "include_realm" is only valid for authentication methods gssapi and sspi');
    await expectEverywhere('host all all all gss compat_realm=1', 'authentication option "compat_realm" is only valid for authentication methods sspi');
    await expectEverywhere('host all all all md5 ldapurl=ldap://h/dc=x', 'authentication option "ldapurl" is only valid for authentication methods ldap');
    await expectEverywhere('host all all all md5 radiusports=1', 'authentication option "radiusports" is only valid for authentication methods radius');
    await expectEverywhere('host all all all trust map=x', /"map" is only valid for authentication methods ident, peer, gssapi, sspi, (and cert|cert, and oauth)$/);
    await expectEverywhere('hostssl all all all cert map=x', undefined);
    await expectEverywhere('local all all ident map=x', undefined, [15]);
    await expectEverywhere('host all all all pam pamservice=x pam_use_hostname=1', undefined, [15]);
    await expectEverywhere('host all all all gss include_realm=0 krb_realm=X map=m', undefined, [15]);
    // The singular spellings exist in no major.
    await expectEverywhere('host all all all radius radiusserver=127.0.0.1 radiussecret=x', 'unrecognized authentication option name: "radiusserver"');
  });

  it('clientcert: hostssl only; 13 takes 1/0/verify-ca/verify-full/no-verify, 14+ verify-ca and verify-full', async () => {
    await expectEverywhere('host all all all md5 clientcert=verify-full', 'clientcert can only be configured for "hostssl" rows');
    await expectEverywhere('hostssl all all all md5 clientcert=verify-full', undefined);
    await expectEverywhere('hostssl all all all md5 clientcert=verify-ca', undefined);
    for (const v of ['1', '0', 'no-verify']) {
      await expectEverywhere(`hostssl all all all md5 clientcert=${v}`, undefined, [13]);
      await expectEverywhere(`hostssl all all all md5 clientcert=${v}`, `invalid value for clientcert: "${v}"`, [14, 15, 16, 17, 18]);
    }
    await expectEverywhere('hostssl all all all md5 clientcert=VERIFY-CA', 'invalid value for clientcert: "VERIFY-CA"');
    await expectEverywhere('hostssl all all all md5 clientcert=', 'invalid value for clientcert: ""');
    // cert implies verify-full: 13 refuses no-verify with it, 14+ refuse verify-ca.
    await expectEverywhere('hostssl all all all cert clientcert=0', 'clientcert cannot be set to "no-verify" when using "cert" authentication', [13]);
    await expectEverywhere('hostssl all all all cert clientcert=verify-ca', undefined, [13]);
    await expectEverywhere('hostssl all all all cert clientcert=verify-ca', 'clientcert can only be set to "verify-full" when using "cert" authentication', [14, 15, 16, 17, 18]);
    await expectEverywhere('hostssl all all all cert clientcert=verify-full', undefined);
  });

  it('clientname: unknown to 13; hostssl only and CN or DN from 14', async () => {
    await expectEverywhere('hostssl all all all md5 clientname=CN', 'unrecognized authentication option name: "clientname"', [13]);
    await expectEverywhere('hostssl all all all md5 clientname=CN', undefined, [14, 15, 16, 17, 18]);
    await expectEverywhere('hostssl all all all cert clientname=DN', undefined, [14, 15, 16, 17, 18]);
    await expectEverywhere('host all all all md5 clientname=CN', 'clientname can only be configured for "hostssl" rows', [14, 15, 16, 17, 18]);
    await expectEverywhere('hostssl all all all md5 clientname=cn', 'invalid value for clientname: "cn"', [14, 15, 16, 17, 18]);
  });

  it('ldap: base DN, prefix or suffix required, and the two bind modes do not mix', async () => {
    const ldap = (opts: string): string => `host all all all ldap ${opts}`;
    await expectEverywhere('host all all all ldap', 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set');
    await expectEverywhere(ldap('ldapserver=x'), /requires argument "ldapbasedn"/);
    await expectEverywhere(ldap('ldapbasedn=dc=x'), undefined);
    await expectEverywhere(ldap('ldapprefix= ldapbinddn=x'), 'cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix', [13, 15, 17]);
    await expectEverywhere(ldap('ldapprefix=cn= ldapbasedn=dc=x'), 'cannot mix options for simple bind and search+bind modes', [18]);
    await expectEverywhere(ldap('ldapbasedn=x ldapsearchattribute=uid ldapsearchfilter=(uid=$username)'), 'cannot use ldapsearchattribute together with ldapsearchfilter');
    // ldapport is atoi(): 0 (including "abc", "+0", 2^32) fails; "12abc", "-5", " 12" pass.
    for (const bad of ['abc', '0', '+0', '4294967296']) await expectEverywhere(ldap(`ldapprefix=p "ldapport=${bad}"`), `invalid LDAP port number: "${bad}"`);
    for (const ok of ['12abc', '-5', ' 12', '389']) await expectEverywhere(ldap(`ldapprefix=p "ldapport=${ok}"`), undefined);
    // An invalid ldapscheme is only logged.
    await expectEverywhere(ldap('ldapprefix=cn= ldapscheme=bogus'), undefined);
  });

  it('ldapurl: ldap and ldaps only; a DN sets the base DN, attributes and filter count as search options', async () => {
    const url = (u: string, more = ''): string => `host all all all ldap "ldapurl=${u}"${more}`;
    for (const ok of ['ldap://h/dc=x', 'LDAP://h/dc=x', 'ldaps://h/dc=x', 'ldap://h/', 'ldap:///dc=x', 'ldap://h:0/dc=x', 'ldap://h:-1/dc=x', 'ldap://h: 1/dc=x',
      '<ldap://h/dc=x>', 'URL:ldap://h/dc=x', 'ldap://[::1]:389/dc=x', 'ldap://h/dc=x?uid?SUB', 'ldap://h/dc=x??base', 'ldap://h/dc%zz']) {
      await expectEverywhere(url(ok), undefined, [15]);
    }
    for (const bad of ['http://h/dc=x', 'garbage', 'cldap://h/dc=x', ' ldap://h/dc=x', 'ldap:', '', 'ldap://h:/dc=x', 'ldap://h:12x/dc=x', 'ldap://[::1/dc=x',
      'ldap://h/dc=x?uid?bogus', 'ldap://h/dc=x?uid?sub?(x)?ext?more']) {
      await expectEverywhere(url(bad), `could not parse LDAP URL "${bad}"`, [15]);
    }
    await expectEverywhere(url('ldapi://h/dc=x'), 'unsupported LDAP URL scheme: ldapi', [15]);
    await expectEverywhere(url('ldap://h'), /requires argument "ldapbasedn"/, [15]);
    await expectEverywhere(url('ldap://h?uid'), /requires argument "ldapbasedn"/, [15]);
    await expectEverywhere(url('ldap://h', ' ldapprefix=x'), undefined, [15]);
    await expectEverywhere(url('ldap://h/dc=x?', ' ldapprefix=x'), /together with ldapprefix/, [15]);
    await expectEverywhere(url('ldap://h/dc=x?uid', ' ldapsearchfilter=x'), 'cannot use ldapsearchattribute together with ldapsearchfilter', [15]);
  });

  it('radius: servers and secrets required, list syntax, atoi ports, list lengths', async () => {
    const radius = (opts: string): string => `host all all all radius ${opts}`;
    await expectEverywhere('host all all all radius', 'authentication method "radius" requires argument "radiusservers" to be set');
    await expectEverywhere(radius('radiusservers=127.0.0.1'), 'authentication method "radius" requires argument "radiussecrets" to be set');
    await expectEverywhere(radius('radiusservers= radiussecrets=x'), /requires argument "radiusservers"/, [13, 18]);
    await expectEverywhere(radius('radiusservers=127.0.0.1 radiussecrets=x'), undefined);
    await expectEverywhere(radius('radiusservers="127.0.0.1,127.0.0.2" radiussecrets=x'), undefined);
    await expectEverywhere(radius('radiusservers="127.0.0.1, 127.0.0.2" radiussecrets="x,y" radiusports="-1"'), undefined);
    await expectEverywhere(radius('radiusservers="127.0.0.1,127.0.0.2,127.0.0.3" radiussecrets="a,b"'), 'the number of RADIUS secrets (2) must be 1 or the same as the number of RADIUS servers (3)');
    await expectEverywhere(radius('radiusservers=127.0.0.1 radiussecrets=x radiusports="1,2"'), 'the number of RADIUS ports (2) must be 1 or the same as the number of RADIUS servers (1)');
    await expectEverywhere(radius('radiusservers=127.0.0.1 radiussecrets=x radiusidentifiers="a,b"'), 'the number of RADIUS identifiers (2) must be 1 or the same as the number of RADIUS servers (1)');
    await expectEverywhere(radius('radiusservers=127.0.0.1 radiussecrets=x radiusports=abc'), 'invalid RADIUS port number: "abc"');
    await expectEverywhere(radius('radiusservers=127.0.0.1 radiussecrets=x radiusports=12x'), undefined);
    await expectEverywhere(radius('radiusservers="a b" radiussecrets=x'), 'could not parse RADIUS server list "a b"');
    await expectEverywhere(radius('radiusservers="127.0.0.1,,127.0.0.2" radiussecrets=x'), /could not parse RADIUS server list/);
  });

  it('oauth is a method of PostgreSQL 18, with issuer and scope required and its own options', async () => {
    await expectEverywhere('host all all all oauth issuer=x scope=y', 'invalid authentication method "oauth"', [13, 14, 15, 16, 17]);
    await expectEverywhere('host all all all trust issuer=x', 'unrecognized authentication option name: "issuer"', [13, 14, 15, 16, 17]);
    await expectEverywhere('host all all all trust issuer=x', 'authentication option "issuer" is only valid for authentication methods oauth', [18]);
    await expectEverywhere('host all all all md5 delegate_ident_mapping=1', 'authentication option "delegate_ident_mapping" is only valid for authentication methods oauth', [18]);
    await expectEverywhere('host all all all oauth', 'authentication method "oauth" requires argument "scope" to be set', [18]);
    await expectEverywhere('host all all all oauth scope=y', 'authentication method "oauth" requires argument "issuer" to be set', [18]);
    // Without postgresql.conf the validator cannot be checked; the line is otherwise complete.
    await expectEverywhere('host all all all oauth issuer=x scope=y', undefined, [18]);
    await expectEverywhere('local all all oauth issuer=x scope=y map=m', undefined, [18]);
    // check_oauth_validator with the server's oauth_validator_libraries ('' by default).
    const line = 'host all all all oauth issuer=x scope=y';
    assert.equal(await problem(line, 18, { oauthValidatorLibraries: '' }), 'oauth_validator_libraries must be set for authentication method oauth');
    assert.equal(await problem(line, 18, { oauthValidatorLibraries: 'a' }), undefined);
    assert.equal(await problem(line, 18, { oauthValidatorLibraries: 'a, b' }), 'authentication method "oauth" requires argument "validator" to be set when oauth_validator_libraries contains multiple options');
    assert.equal(await problem(`${line} validator=b`, 18, { oauthValidatorLibraries: 'a, b' }), undefined);
    assert.equal(await problem(`${line} validator=c`, 18, { oauthValidatorLibraries: 'a, b' }), 'validator "c" is not permitted by oauth_validator_libraries');
    assert.equal(await problem(`${line} validator=a`, 18, { oauthValidatorLibraries: 'a,,b' }), 'invalid list syntax in parameter "oauth_validator_libraries"');
    assert.equal(await problem(`${line} validator=a map=m delegate_ident_mapping=1`, 18, { oauthValidatorLibraries: 'a' }), 'map cannot be used in combination with delegate_ident_mapping');
    assert.equal(await problem(`${line} validator=a map=m delegate_ident_mapping=0`, 18, { oauthValidatorLibraries: 'a' }), undefined);
  });
});
