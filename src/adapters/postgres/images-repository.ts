/** The photos table: the system of record for uploads and their AI outputs. */
import type { ImageQuery, ImageRecord, ImageRepository, NewImage } from '../../core/ports/index.js';
import type { ResultsRepository } from '../../core/ports/index.js';
import { type Db, iso } from './db.js';

type Row = Omit<ImageRecord, 'created_at' | 'updated_at' | 'processing_started_at' | 'processed_at'> & {
  created_at: Date;
  updated_at: Date;
  processing_started_at: Date | null;
  processed_at: Date | null;
};

const toRecord = (row: Row): ImageRecord => ({
  ...row,
  created_at: iso(row.created_at)!,
  updated_at: iso(row.updated_at)!,
  processing_started_at: iso(row.processing_started_at),
  processed_at: iso(row.processed_at),
});

interface Cursor {
  /** created_at (ISO) or beauty (-1 for unrated), depending on the sort. */
  k: string | number;
  i: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeCursor(value: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    return typeof parsed.i === 'string' && (typeof parsed.k === 'string' || typeof parsed.k === 'number')
      ? parsed
      : null;
  } catch {
    return null;
  }
}

export class InvalidCursorError extends Error {}

export class PostgresImageRepository implements ImageRepository, ResultsRepository {
  constructor(private readonly db: Db) {}

  async insert(image: NewImage): Promise<ImageRecord> {
    const { rows } = await this.db.query<Row>(
      `INSERT INTO images (id, user_id, filename, content_type, bytes, width, height, bucket, object_key, thumbnail_key, auto_process)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        image.id,
        image.user_id,
        image.filename,
        image.content_type,
        image.bytes,
        image.width,
        image.height,
        image.bucket,
        image.object_key,
        image.thumbnail_key,
        image.auto_process,
      ],
    );
    return toRecord(rows[0]!);
  }

  async get(id: string, userId: string): Promise<ImageRecord | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM images WHERE id = $1 AND user_id = $2', [
      id,
      userId,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async getById(id: string): Promise<ImageRecord | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM images WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(
    userId: string,
    query: ImageQuery,
  ): Promise<{ items: ImageRecord[]; next_cursor: string | null }> {
    const params: unknown[] = [userId];
    const where = ['user_id = $1'];
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    if (query.tag) where.push(`tags @> ARRAY[$${params.push(query.tag.toLowerCase())}]::text[]`);
    const key = query.sort === 'beauty' ? 'COALESCE(beauty_score, -1)' : 'created_at';
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new InvalidCursorError('cursor is not valid');
      const keyParam =
        query.sort === 'beauty'
          ? `$${params.push(Number(cursor.k))}::int`
          : `$${params.push(String(cursor.k))}::timestamptz`;
      where.push(`(${key}, id) < (${keyParam}, $${params.push(cursor.i)}::uuid)`);
    }
    const { rows } = await this.db.query<Row & { sort_key: number | Date }>(
      `SELECT *, ${key} AS sort_key FROM images WHERE ${where.join(' AND ')}
       ORDER BY ${key} DESC, id DESC LIMIT $${params.push(query.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next_cursor =
      rows.length > query.limit && last
        ? encodeCursor({
            k: last.sort_key instanceof Date ? last.sort_key.toISOString() : last.sort_key,
            i: last.id,
          })
        : null;
    return { items: page.map(({ sort_key: _sortKey, ...row }) => toRecord(row)), next_cursor };
  }

  async delete(id: string, userId: string): Promise<ImageRecord | null> {
    const { rows } = await this.db.query<Row>(
      'DELETE FROM images WHERE id = $1 AND user_id = $2 RETURNING *',
      [id, userId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async saveResults(
    input: Parameters<ResultsRepository['saveResults']>[0],
  ): Promise<{ processed_at: string } | null> {
    // A single UPDATE is one transaction: every output and READY land together, or none do.
    const { rows } = await this.db.query<{ processed_at: Date }>(
      `UPDATE images SET description = $3, tags = $4, beauty_score = $5, beauty_raw = $6, labels = $7,
                provenance = $8, status = 'READY', error = NULL, error_cause = NULL,
                processed_at = now(), updated_at = now()
          WHERE id = $1 AND current_execution_id = $2
          RETURNING processed_at`,
      [
        input.image_id,
        input.execution_id,
        input.caption.description,
        input.caption.tags,
        input.beauty.score,
        JSON.stringify({ raw: input.beauty.raw ?? null, error: input.beauty.error ?? null }),
        JSON.stringify(input.labels),
        JSON.stringify({ ...input.provenance, usage: input.caption.usage ?? null }),
      ],
    );
    return rows[0] ? { processed_at: iso(rows[0].processed_at)! } : null;
  }

  async markFailed(input: {
    image_id: string;
    execution_id: string;
    error: string;
    cause: string;
  }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE images SET status = 'FAILED', error = $3, error_cause = $4, updated_at = now()
        WHERE id = $1 AND current_execution_id = $2`,
      [input.image_id, input.execution_id, input.error, input.cause],
    );
    return (rowCount ?? 0) > 0;
  }
}
