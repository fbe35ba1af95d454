// The host name the server gives a client when a pg_hba.conf line names a host (hba.c,
// check_hostname): a reverse lookup of the client's address that must return a name, then a
// forward lookup of that name that must return the address again. Only then can a line like
// `host replication backup_user localhost scram-sha-256` match; otherwise host-name lines
// never match that client. The lookups go through the system resolver (/etc/hosts first on
// most systems), as the server's getnameinfo and getaddrinfo calls do.
import { promises as dns } from 'node:dns';
import { parseIp } from './ipAddress';
import type { IpAddress } from './ipAddress';

/** The two resolver calls used; node:dns's promises API by default. */
export interface HostResolver {
  lookupService(address: string, port: number): Promise<{ hostname: string }>;
  lookup(hostname: string, options: { all: true }): Promise<readonly { address: string }[]>;
}

/** A client whose reverse lookup failed or did not confirm: host-name lines do not match it. */
export interface ClientHostname {
  /** The confirmed name; undefined when there is none. */
  readonly hostname: string | undefined;
  /** Why there is no name, for messages. */
  readonly why?: string;
}

function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.bytes.every((x, i) => x === b.bytes[i]);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The client's host name as the server would find it, or why it has none. `address` is an IP
 * address ('local' and other text have no host name). Each lookup is given `timeoutMs`.
 */
export async function confirmedClientHostname(address: string, resolver: HostResolver = dns, timeoutMs = 3000): Promise<ClientHostname> {
  const ip = parseIp(address);
  if (ip === undefined) return { hostname: undefined, why: `${address} is not an IP address` };
  let name: string;
  try {
    name = (await withTimeout(resolver.lookupService(address, 0), timeoutMs, `the reverse lookup of ${address}`)).hostname;
  } catch (e) {
    return { hostname: undefined, why: `the reverse lookup of ${address} found no name (${reason(e)})` };
  }
  // getnameinfo without a name returns the address itself as text; the server asks for a name (NI_NAMEREQD).
  const asIp = parseIp(name);
  if (name === '' || (asIp !== undefined && sameAddress(asIp, ip))) {
    return { hostname: undefined, why: `the reverse lookup of ${address} found no name` };
  }
  try {
    const found = await withTimeout(resolver.lookup(name, { all: true }), timeoutMs, `the lookup of ${name}`);
    if (found.some((f) => {
      const back = parseIp(f.address);
      return back !== undefined && sameAddress(back, ip);
    })) return { hostname: name };
    return { hostname: undefined, why: `${address} resolves to ${name}, but ${name} does not resolve back to ${address}` };
  } catch (e) {
    return { hostname: undefined, why: `${address} resolves to ${name}, but looking up ${name} failed (${reason(e)})` };
  }
}
