/** Local accounts (PHAROS_AUTH=local). */
import type { Db } from './db.js';

export interface UserRecord {
  id: string;
  username: string;
  password_hash: string;
}

export class PostgresUserRepository {
  constructor(private readonly db: Db) {}

  /** Null when the username is taken. */
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
}
