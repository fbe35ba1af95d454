// Where each finding code is explained: the PostgreSQL or pg_probackup documentation page
// about the setting or the pg_hba.conf feature it concerns.
import * as vscode from 'vscode';

const PG = 'https://www.postgresql.org/docs/current/';
const PB = 'https://postgrespro.github.io/pg_probackup/';

const LINKS: Readonly<Record<string, string>> = {
  'pgconf/wal-level': `${PG}runtime-config-wal.html#GUC-WAL-LEVEL`,
  'pgconf/max-wal-senders': `${PG}runtime-config-replication.html#GUC-MAX-WAL-SENDERS`,
  'pgconf/max-replication-slots': `${PG}runtime-config-replication.html#GUC-MAX-REPLICATION-SLOTS`,
  'pgconf/archive-mode': `${PB}#pbk-setting-up-continuous-wal-archiving`,
  'pgconf/archive-command': `${PB}#pbk-setting-up-continuous-wal-archiving`,
  'pgconf/archive-library-conflict': `${PG}runtime-config-wal.html#GUC-ARCHIVE-LIBRARY`,
  'pgconf/archive-timeout': `${PG}runtime-config-wal.html#GUC-ARCHIVE-TIMEOUT`,
  'pgconf/full-page-writes': `${PG}runtime-config-wal.html#GUC-FULL-PAGE-WRITES`,
  'pgconf/ptrack': `${PB}#pbk-setting-up-ptrack-backups`,
  'pgconf/ptrack-map-size': `${PB}#pbk-setting-up-ptrack-backups`,
  'pgconf/unknown-parameter': `${PG}config-setting.html`,
  'pgconf/invalid-value': `${PG}config-setting.html#CONFIG-SETTING-NAMES-VALUES`,
  'pgconf/internal-parameter': `${PG}runtime-config-preset.html`,
  'pgconf/syntax': `${PG}config-setting.html#CONFIG-SETTING-CONFIGURATION-FILE`,
  'pgconf/include': `${PG}config-setting.html#CONFIG-INCLUDES`,
  'pgconf/include-cycle': `${PG}config-setting.html#CONFIG-INCLUDES`,
  'pgconf/include-skipped': `${PG}config-setting.html#CONFIG-INCLUDES`,
  'pgconf/file-location': `${PG}runtime-config-file-locations.html`,
  'hba/no-replication-access': `${PB}#pbk-setting-up-stream-backups`,
  'hba/no-backup-access': `${PB}#pbk-configuring-the-database-cluster`,
  'hba/trust-remote': `${PG}auth-trust.html`,
  'hba/md5-with-scram': `${PG}auth-password.html`,
  'hba/peer-host': `${PG}auth-peer.html`,
  'hba/hostssl-without-ssl': `${PG}ssl-tcp.html`,
  'live/grants': `${PB}#pbk-configuring-the-database-cluster`,
  'live/role-replication': `${PB}#pbk-setting-up-stream-backups`,
  'live/hba-replication': `${PB}#pbk-setting-up-stream-backups`,
  'live/archiver-failing': `${PG}monitoring-stats.html#MONITORING-PG-STAT-ARCHIVER-VIEW`,
  'live/file-settings': `${PG}view-pg-file-settings.html`,
  'live/hba-error': `${PG}view-pg-hba-file-rules.html`,
  'live/pending-restart': `${PG}view-pg-settings.html`,
  'live/slot-inactive': `${PG}view-pg-replication-slots.html`,
  'live/slot-lost': `${PG}view-pg-replication-slots.html`,
  'live/data-checksums': `${PG}app-pgchecksums.html`,
};

export function codeTarget(code: string): vscode.Uri {
  const known = LINKS[code];
  if (known !== undefined) return vscode.Uri.parse(known);
  if (code.startsWith('hba/')) return vscode.Uri.parse(`${PG}auth-pg-hba-conf.html`);
  if (code.startsWith('live/')) return vscode.Uri.parse(`${PB}#pbk-configuring-the-database-cluster`);
  return vscode.Uri.parse(`${PG}config-setting.html`);
}

export function diagnosticCode(code: string): { value: string; target: vscode.Uri } {
  return { value: code, target: codeTarget(code) };
}
