// Free TCP ports on 127.0.0.1 for throwaway servers. A port chosen by binding to port 0 can
// be taken by someone else before our server binds it, so callers retry with a new port when
// the server says the address is in use (see isAddressInUse).
import * as net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Asks the kernel for a free port on 127.0.0.1 (binds port 0, reads it, closes). */
export function findFreePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port from the kernel')) : resolve(port)));
    });
  });
}

/** True when 127.0.0.1:port can be bound right now. */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free port not in `avoid` (ports that already failed us), trying at most `attempts` kernel picks. */
export async function pickPort(avoid: ReadonlySet<number> = new Set(), attempts = 20, host = LOOPBACK): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = await findFreePort(host);
    if (!avoid.has(port)) return port;
  }
  throw new Error(`no free port on ${host} outside ${[...avoid].join(', ')} after ${attempts} tries`);
}

/**
 * True when a PostgreSQL server log says it could not listen because the address or port was
 * taken (so a retry on another port may succeed).
 */
export function isAddressInUse(serverLog: string): boolean {
  return /could not bind IPv[46] address[^\n]*: Address already in use/.test(serverLog)
    || /could not create lock file "[^"]*\.s\.PGSQL\.\d+\.lock"/.test(serverLog);
}
