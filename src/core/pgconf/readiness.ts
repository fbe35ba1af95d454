// The whole backup-readiness check of a cluster's configuration files: postgresql.conf with
// its includes and the data directory's postgresql.auto.conf, then the pg_hba.conf it names
// (hba_file, else the one beside postgresql.conf), with
// ssl, password_encryption and oauth_validator_libraries taken from the settings in force.
// With ssl on, the check's client connects as libpq's default sslmode=prefer does: over SSL
// first (hostssl lines apply), then without SSL if the server refuses that; clientSsl fixes
// one or the other instead.
import * as path from 'node:path';
import type { ClientHostname } from './clientHostname';
import type { ConfRuleOptions } from './confRules';
import { checkConf } from './confRules';
import { tokenRange } from './confLexer';
import type { ConfSetting } from './confParser';
import type { ConfTree } from './confTree';
import { dataDirectorySetting, loadConfTree } from './confTree';
import type { ConfReader, Finding, Severity } from './findings';
import { finding } from './findings';
import { parseBool } from './gucValues';
import type { HbaFileSet } from './hbaLoader';
import { loadHba } from './hbaLoader';
import { identEntries } from './identMap';
import type { IdentEntry } from './identMap';
import type { HbaRuleOptions } from './hbaRules';
import { checkHba, hbaNamesHosts } from './hbaRules';
import { paramFacts } from './paramFacts';

export interface ReadinessOptions extends ConfRuleOptions {
  /** Absolute path of postgresql.conf. */
  readonly configFile: string;
  /**
   * The data directory (for postgresql.auto.conf, and the default pg_hba.conf); default: the
   * absolute data_directory postgresql.conf sets, else configFile's directory. Without it, the
   * default pg_hba.conf is the one beside postgresql.conf (see hbaFileOf).
   */
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
  /** The operating-system user pg_probackup runs as, for peer lines; pg_ident.conf is read for their maps. */
  readonly clientOsUser?: string;
}

export interface ReadinessResult {
  readonly conf: ConfTree;
  readonly hba: HbaFileSet;
  readonly findings: readonly Finding[];
}

export async function checkReadiness(reader: ConfReader, options: ReadinessOptions): Promise<ReadinessResult> {
  const conf = await loadConfTree(reader, options.configFile, options.dataDirectory === undefined ? {} : { dataDirectory: options.dataDirectory });
  const facts = paramFacts(options.major);
  const value = (name: string): string => conf.effective.get(name)?.value ?? facts.params.get(name)?.boot ?? '';
  const located = hbaFileOf(conf, options);
  const hba = await loadHba(reader, located.hbaFile, { major: options.major });
  const clientHostname = await hostnameIfNeeded(hba, options.major, options.clientAddress, options.resolveHostname);
  const ident = options.clientOsUser === undefined ? undefined : await identEntriesOf(reader, conf, options);
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
    ...(options.clientOsUser === undefined ? {} : { clientOsUser: options.clientOsUser }),
    ...(ident === undefined ? {} : { identEntries: ident }),
    ...(facts.params.has('oauth_validator_libraries') ? { oauthValidatorLibraries: value('oauth_validator_libraries') } : {}),
  };
  return { conf, hba, findings: [...checkConf(conf, options), ...located.findings, ...checkHba(hba, hbaOptions)] };
}

/**
 * pg_ident.conf's lines: ident_file when it is absolute, else pg_ident.conf where the default
 * pg_hba.conf is looked for. Undefined when it cannot be read (a relative ident_file, or a file
 * this process may not read): peer lines with map= are then not judged.
 */
async function identEntriesOf(reader: ConfReader, conf: ConfTree, options: ReadinessOptions): Promise<IdentEntry[] | undefined> {
  const setting = conf.effective.get('ident_file')?.value;
  if (setting !== undefined && !path.posix.isAbsolute(setting)) return undefined;
  const file = setting ?? path.posix.join(options.dataDirectory ?? path.posix.dirname(options.configFile), 'pg_ident.conf');
  const set = await loadHba(reader, file, { major: options.major });
  return set.files.has(file) ? identEntries(set) : undefined;
}

const CODE_LOCATION = 'pgconf/file-location';

/**
 * The pg_hba.conf to check, as SelectConfigFiles finds it: hba_file made absolute against the
 * server's working directory, else pg_hba.conf in the -D directory (where postgresql.conf is,
 * unless the server is given config_file). Where the files cannot tell, a warning says so.
 */
function hbaFileOf(conf: ConfTree, options: ReadinessOptions): { hbaFile: string; findings: Finding[] } {
  const findings: Finding[] = [];
  const warn = (s: ConfSetting, message: string, severity: Severity = 'warning'): void => {
    findings.push(finding(s.file, tokenRange(s.valueToken), severity, CODE_LOCATION, message));
  };
  const configDirectory = path.posix.dirname(options.configFile);
  const dataSetting = options.dataDirectory === undefined ? dataDirectorySetting(conf.settings) : undefined;
  if (dataSetting !== undefined && !path.posix.isAbsolute(dataSetting.value)) {
    warn(dataSetting, `data_directory is a relative path: the server resolves it against the directory it is started from, which this check cannot know; postgresql.auto.conf is looked for in ${conf.dataDirectory}. Give an absolute path`);
  }
  const identSetting = conf.effective.get('ident_file');
  if (identSetting !== undefined && !path.posix.isAbsolute(identSetting.value)) {
    warn(identSetting, `ident_file is ${identSetting.value === '' ? 'empty, which the server takes for' : 'a relative path, which the server resolves against'} ` +
      'the directory it is started from, not the data directory or the configuration file\'s. Give an absolute path');
  }
  const hbaSetting = conf.effective.get('hba_file');
  if (hbaSetting !== undefined) {
    if (path.posix.isAbsolute(hbaSetting.value)) return { hbaFile: path.posix.normalize(hbaSetting.value), findings };
    // make_absolute_path: relative to the postmaster's working directory at start (pg_ctlcluster
    // and systemd units start it in /), which the files do not tell. An empty hba_file is that
    // directory itself: the server logs 'could not read file "<dir>": Is a directory' and stops.
    const guess = path.posix.join(conf.dataDirectory, hbaSetting.value);
    if (hbaSetting.value === '') {
      warn(hbaSetting, 'hba_file is empty: the server does not fall back to the default pg_hba.conf but takes the directory it is started from, cannot read that as pg_hba.conf, and does not start. Remove the line or give an absolute path', 'error');
    } else {
      warn(hbaSetting, `hba_file is a relative path: the server resolves it against the directory it is started from, not against the data directory, which this check cannot know; checked here as ${guess}. Give an absolute path`);
    }
    return { hbaFile: guess, findings };
  }
  if (options.dataDirectory !== undefined) return { hbaFile: path.posix.join(options.dataDirectory, 'pg_hba.conf'), findings };
  const hbaFile = path.posix.join(configDirectory, 'pg_hba.conf');
  if (dataSetting !== undefined && conf.dataDirectory !== configDirectory && path.posix.isAbsolute(dataSetting.value)) {
    warn(dataSetting, `hba_file is not set, so the server reads pg_hba.conf from the directory it is given with -D: ${hbaFile} when that is this configuration directory ` +
      `(checked here), ${path.posix.join(conf.dataDirectory, 'pg_hba.conf')} when it is started with -D ${conf.dataDirectory} and -c config_file (as Debian's pg_ctlcluster does). Set hba_file to an absolute path`);
  }
  return { hbaFile, findings };
}

/** The client's host name, looked up only when a line of the file names a host. */
export async function hostnameIfNeeded(
  hba: HbaFileSet, major: number, clientAddress: string | undefined, resolve: ((address: string) => Promise<ClientHostname>) | undefined,
): Promise<ClientHostname | undefined> {
  if (resolve === undefined || clientAddress === undefined || clientAddress === 'local') return undefined;
  return hbaNamesHosts(hba, major) ? resolve(clientAddress) : undefined;
}
