// A standby's primary_conninfo goes to pg_probackup on its command line, which every user of
// the machine can read: one that carries a password is refused before anything runs.
import * as assert from 'node:assert/strict';
import { restoreCommand } from '../../../src/core/probackup/dataCommands';

const base = { binary: '/usr/bin/pg_probackup', catalog: '/srv/backups', instance: 'main', pgdata: '/srv/standby', asReplica: true };

describe('restore: primary_conninfo and passwords', () => {
  for (const conninfo of ['host=db password=s3cret', 'password=s3cret host=db', "host=db  PASSWORD = 's3cret'"]) {
    it(`refuses ${JSON.stringify(conninfo)}`, () => {
      assert.throws(() => restoreCommand({ ...base, primaryConninfo: conninfo }), /visible in the process list/);
    });
  }

  it('passes a conninfo without a password through unchanged', () => {
    const inv = restoreCommand({ ...base, primaryConninfo: 'host=db port=5432 user=replicator passfile=/home/pg/.pgpass' });
    assert.ok(inv.args.includes('--primary-conninfo=host=db port=5432 user=replicator passfile=/home/pg/.pgpass'), inv.args.join(' '));
  });
});
