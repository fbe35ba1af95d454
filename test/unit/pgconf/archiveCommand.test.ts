import * as assert from 'node:assert/strict';
import { archiveCommandProblems, canonicalArchiveCommand, confQuote, parseArchivePush, shellWords } from '../../../src/core/pgconf/archiveCommand';
import { parseConfText } from '../../../src/core/pgconf/confParser';

describe('archive_command for pg_probackup', () => {
  it('splits shell words with quotes and backslashes as sh does', () => {
    assert.deepEqual(shellWords(`"/opt/pg probackup/pg_probackup" archive-push -B '/b a'\\ c --instance=x`),
      ['/opt/pg probackup/pg_probackup', 'archive-push', '-B', '/b a c', '--instance=x']);
    assert.equal(shellWords("echo 'open"), undefined);
  });

  it('reads -B in all its spellings and --instance with = or a space', () => {
    for (const b of ['-B /cat', '-B/cat', '--backup-path=/cat', '--backup-path /cat']) {
      const c = parseArchivePush(`pg_probackup-15 archive-push ${b} --instance main --wal-file-path=%p --wal-file-name=%f`);
      assert.equal(c?.catalog, '/cat', b);
      assert.equal(c?.instance, 'main', b);
    }
    assert.equal(parseArchivePush('cp %p /archive/%f'), undefined);
    assert.equal(parseArchivePush('pg_probackup backup -B /cat'), undefined);
  });

  it('lists every missing part, and accepts the complete form', () => {
    assert.deepEqual(archiveCommandProblems('pg_probackup archive-push'), [
      'it names no backup catalog (-B)', 'it names no --instance', 'it lacks --wal-file-path=%p', 'it lacks --wal-file-name=%f']);
    assert.deepEqual(archiveCommandProblems('/usr/bin/pg_probackup archive-push -B /c --instance=i --wal-file-path=%p --wal-file-name=%f', { catalog: '/c', instance: 'i' }), []);
    assert.deepEqual(archiveCommandProblems('pg_probackup archive-push -B /c --instance=i --wal-file-path=%%p --wal-file-name=%f'), ['it lacks --wal-file-path=%p'],
      '%%p is a literal %p, not the path');
  });

  it('writes a canonical command that reads back to the same catalog and instance, even through postgresql.conf quoting', () => {
    const cat = "/srv/it's 50% full\\x";
    const cmd = canonicalArchiveCommand('/opt/pg_probackup', cat, 'main db');
    const conf = parseConfText('/p.conf', `archive_command = ${confQuote(cmd)}\n`);
    const value = conf.statements[0]?.value ?? '';
    assert.equal(value, cmd);
    assert.deepEqual(archiveCommandProblems(value, { catalog: cat, instance: 'main db' }), []);
  });
});
