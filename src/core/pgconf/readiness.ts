// The whole backup-readiness check of a cluster's configuration files: postgresql.conf with
// its includes, then the pg_hba.conf it names (hba_file, else the data directory's), with
// ssl, password_encryption and oauth_validator_libraries taken from the settings in force.
// With ssl on, the check's client connects as libpq's default sslmode=prefer does: over SSL
// first (hostssl lines apply), then without SSL if the server refuses that; clientSsl fixes
// one or the other instead.
import * as path from 'node:path';
import type { ClientHostname } from './clientHostname';
import type { ConfRuleOptions } from './confRules';
import { checkConf } from './confRules';
import type { ConfTree } from './confTree';
import { loadConfTree } from './confTree';
import type { ConfReader, Finding } from './findings';
import { parseBool } from './gucValues';
import type { HbaFileSet } from './hbaLoader';
import { loadHba } from './hbaLoader';
import type { HbaRuleOptions } from './hbaRules';
import { checkHba, hbaNamesHosts } from './hbaRules';
import { paramFacts } from './paramFacts';

export interface ReadinessOptions extends ConfRuleOptions {
  /** Absolute path of postgresql.conf. */
  readonly configFile: string;
  /** The data directory (for postgresql.auto.conf and the default pg_hba.conf); default: configFile's directory. */
  readonly dataDirectory?: string;
  readonly backupRole?: string;
  readonly clientAddress?: string;
  /**
   * Finds clientAddress's host name as the server would (confirmedClientHostname); called only
   * when a pg_hba.conf line names a host. Without it, such lines do not match the client.
   */
  readonly resolveHostname?: (address: string) => Promise<ClientHostname>;
  readonly backupDatabase?: string;
  readonly memberOf?: readonly string[];
  /** Default: libpq's sslmode=prefer against the effective ssl setting (see checkHba). */
  readonly clientSsl?: boolean;
}

export interface ReadinessResult {
  readonly conf: ConfTree;
  readonly hba: HbaFileSet;
  readonly findings: readonly Finding[];
}

export async function checkReadiness(reader: ConfReader, options: ReadinessOptions): Promise<ReadinessResult> {
  const dataDirectory = options.dataDirectory ?? path.posix.dirname(options.configFile);
  const conf = await loadConfTree(reader, options.configFile, { dataDirectory });
  const facts = paramFacts(options.major);
  const value = (name: string): string => conf.effective.get(name)?.value ?? facts.params.get(name)?.boot ?? '';
  const hbaSetting = conf.effective.get('hba_file');
  const hbaFile = hbaSetting !== undefined && hbaSetting.value !== ''
    ? (path.posix.isAbsolute(hbaSetting.value) ? hbaSetting.value : path.posix.join(dataDirectory, hbaSetting.value))
    : path.posix.join(dataDirectory, 'pg_hba.conf');
  const hba = await loadHba(reader, hbaFile, { major: options.major });
  const clientHostname = await hostnameIfNeeded(hba, options.major, options.clientAddress, options.resolveHostname);
  const hbaOptions: HbaRuleOptions = {
    major: options.major,
    ssl: parseBool(value('ssl')) === true,
    passwordEncryption: value('password_encryption'),
    ...(options.backupRole === undefined ? {} : { backupRole: options.backupRole }),
    ...(options.clientAddress === undefined ? {} : { clientAddress: options.clientAddress }),
    ...(clientHostname === undefined ? {} : { clientHostname }),
    ...(options.backupDatabase === undefined ? {} : { backupDatabase: options.backupDatabase }),
    ...(options.memberOf === undefined ? {} : { memberOf: options.memberOf }),
    ...(options.clientSsl === undefined ? {} : { clientSsl: options.clientSsl }),
    ...(facts.params.has('oauth_validator_libraries') ? { oauthValidatorLibraries: value('oauth_validator_libraries') } : {}),
  };
  return { conf, hba, findings: [...checkConf(conf, options), ...checkHba(hba, hbaOptions)] };
}

/** The client's host name, looked up only when a line of the file names a host. */
export async function hostnameIfNeeded(
  hba: HbaFileSet, major: number, clientAddress: string | undefined, resolve: ((address: string) => Promise<ClientHostname>) | undefined,
): Promise<ClientHostname | undefined> {
  if (resolve === undefined || clientAddress === undefined || clientAddress === 'local') return undefined;
  return hbaNamesHosts(hba, major) ? resolve(clientAddress) : undefined;
}
