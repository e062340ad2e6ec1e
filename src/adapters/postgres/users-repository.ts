/** Local accounts (PHAROS_AUTH=local). */
import type { UserRecord, UserRepository } from '../../core/ports/index.js';
import type { Db } from './db.js';

// The id column is a uuid: anything else cannot name a user (and would be a query error).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PostgresUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  async create(user: UserRecord): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRecord>(
      `INSERT INTO users (id, username, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING id, username, password_hash`,
      [user.id, user.username, user.password_hash],
    );
    return rows[0] ?? null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRecord>(
      'SELECT id, username, password_hash FROM users WHERE username = $1',
      [username],
    );
    return rows[0] ?? null;
  }

  async exists(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const { rowCount } = await this.db.query('SELECT 1 FROM users WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async delete(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const { rowCount } = await this.db.query('DELETE FROM users WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }
}
