/** The status store on PostgreSQL (DynamoDB's role): one row per photo, newer executions win. */
import type { StatusRecord, StatusStore } from '../../core/ports/index.js';
import { type Db, iso } from './db.js';

export class PostgresStatusStore implements StatusStore {
  constructor(private readonly db: Db) {}

  async put(record: Omit<StatusRecord, 'updated_at'>): Promise<boolean> {
    // Conditional write: an execution never overwrites the status written by a newer one.
    const { rowCount } = await this.db.query(
      `INSERT INTO image_status (image_id, user_id, status, execution_seq, execution_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (image_id) DO UPDATE
         SET status = EXCLUDED.status, execution_seq = EXCLUDED.execution_seq,
             execution_id = EXCLUDED.execution_id, updated_at = now()
       WHERE image_status.execution_seq <= EXCLUDED.execution_seq`,
      [record.image_id, record.user_id, record.status, record.execution_seq, record.execution_id],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(imageId: string): Promise<StatusRecord | null> {
    const { rows } = await this.db.query<Omit<StatusRecord, 'updated_at'> & { updated_at: Date }>(
      'SELECT image_id, user_id, status, execution_seq, execution_id, updated_at FROM image_status WHERE image_id = $1',
      [imageId],
    );
    const row = rows[0];
    return row ? { ...row, updated_at: iso(row.updated_at)! } : null;
  }

  async delete(imageId: string): Promise<void> {
    await this.db.query('DELETE FROM image_status WHERE image_id = $1', [imageId]);
  }
}
