import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentUser, firstUntraversable, parsePasswd } from '../../../src/core/postgres/clusterUser';
import type { OsUser } from '../../../src/core/postgres/clusterUser';

describe('cluster OS user', () => {
  it('parses passwd lines and skips malformed ones', () => {
    const users = parsePasswd([
      'root:x:0:0:root:/root:/bin/bash',
      'postgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash',
      'broken:x:notanumber:1:x:/:/bin/sh',
      'short:x:5',
      '',
    ].join('\n'));
    assert.deepEqual(users.map((u) => [u.name, u.uid, u.gid, u.home]), [
      ['root', 0, 0, '/root'],
      ['postgres', 101, 104, '/var/lib/postgresql'],
    ]);
  });

  it("finds this machine's own user in /etc/passwd", () => {
    const me = currentUser();
    const found = parsePasswd(readFileSync('/etc/passwd', 'utf8')).find((u) => u.uid === me.uid);
    assert.equal(found?.name, me.name);
  });

  it('names the first directory that another user cannot search', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'pgbs-unit-traverse-'));
    const stranger: OsUser = { name: 'stranger', uid: 65530, gid: 65530, home: '/' };
    try {
      const inner = path.join(root, 'a', 'b');
      mkdirSync(inner, { recursive: true });
      chmodSync(root, 0o755);
      chmodSync(path.join(root, 'a'), 0o750);
      assert.equal(firstUntraversable(inner, stranger), path.join(root, 'a'));
      chmodSync(path.join(root, 'a'), 0o751);
      assert.equal(firstUntraversable(inner, stranger), undefined);
      // The owner's bits count for the owner.
      const owner: OsUser = { ...currentUser() };
      chmodSync(path.join(root, 'a'), 0o700);
      assert.equal(firstUntraversable(inner, owner), undefined);
      assert.equal(firstUntraversable(path.join(root, 'missing'), stranger), path.join(root, 'missing'));
    } finally {
      chmodSync(path.join(root, 'a'), 0o755);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
