// The sandbox of the STREAM-mode lesson: a cluster set up for streaming backups, a `sales`
// database with a little data, and a backup role that has only LOGIN, so that the lesson's
// first backup fails for lack of privileges exactly as it does in the course.
import type { Cluster, CreateClusterOptions } from './cluster';

export const LESSON_BACKUP_ROLE = 'backup_user';
export const LESSON_DATABASE = 'sales';

/** postgresql.conf and pg_hba.conf of the lesson (section 3). */
export const lessonClusterOptions: Pick<CreateClusterOptions, 'settings' | 'hbaLines'> = {
  // wal_keep_size keeps the segment with the lesson's own changes in pg_wal after the backups'
  // checkpoints, for the walkthrough's "look inside the WAL" step.
  settings: { wal_level: 'replica', max_wal_senders: 2, wal_keep_size: '256MB' },
  hbaLines: [
    'local replication all trust',
    'host replication all 127.0.0.1/32 trust',
    `host all ${LESSON_BACKUP_ROLE} 127.0.0.1/32 trust`,
  ],
};

const PRODUCTS = `
CREATE TABLE products (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    price DECIMAL(10,2),
    created_at TIMESTAMP DEFAULT NOW()
);
INSERT INTO products (name, price) VALUES
    ('Laptop', 999.99), ('Mouse', 29.99), ('Keyboard', 79.99), ('Monitor', 299.99), ('Headphones', 149.99);
INSERT INTO products (name, price) VALUES ('Wrong_value', -100), ('Wrong_value 2', -98);
DELETE FROM products WHERE price < 0;`;

/** Creates the lesson's database, table and backup role (LOGIN only, no grants). Idempotent. */
export async function prepareLessonDatabase(cluster: Cluster, password?: string): Promise<void> {
  const dbs = await cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [LESSON_DATABASE]);
  if (dbs[0]?.n === 0) await cluster.query(`CREATE DATABASE ${LESSON_DATABASE}`);
  const client = await cluster.connect(LESSON_DATABASE);
  try {
    const t = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'products' AND relkind = 'r'");
    if (t.rows[0]?.n === 0) await client.query(PRODUCTS);
  } finally {
    await client.end();
  }
  const roles = await cluster.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [LESSON_BACKUP_ROLE]);
  if (roles[0]?.n === 0) {
    // CREATE ROLE takes no bind parameters; the password is a literal, quoted by the server's own rule.
    const lit = password === undefined ? '' : ` PASSWORD ${quoteLiteral(password)}`;
    await cluster.query(`CREATE ROLE ${LESSON_BACKUP_ROLE} LOGIN${lit}`);
  }
}

/** A SQL string literal: single quotes doubled, and E'' with doubled backslashes when needed. */
export function quoteLiteral(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}
