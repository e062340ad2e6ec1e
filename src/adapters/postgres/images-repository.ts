/** The photos table: the system of record for uploads and their AI outputs. */
import { InvalidCursorError } from '../../core/errors.js';
import { NEAR_DUPLICATE_BITS } from '../../core/image-service.js';
import type {
  ImageQuery,
  ImageRecord,
  ImageRepository,
  NearDuplicate,
  NewImage,
} from '../../core/ports/index.js';
import type { InspectionRepository, ResultsRepository } from '../../core/ports/index.js';
import { type Db, inTransaction, iso, type Tx } from './db.js';

interface SearchColumns {
  search_vector?: unknown;
  search_text?: unknown;
}

type Row = Omit<
  ImageRecord,
  'created_at' | 'updated_at' | 'processing_started_at' | 'processed_at' | 'taken_at'
> & {
  created_at: Date;
  updated_at: Date;
  processing_started_at: Date | null;
  processed_at: Date | null;
  taken_at: Date | null;
  /** bit(128) arrives as a string of 0s and 1s. */
  phash: string | null;
};

/** bit(128) ⇄ 32 hex digits. */
const hexOfBits = (bits: string | null) => (bits ? BigInt(`0b${bits}`).toString(16).padStart(32, '0') : null);
const bitsParam = (hex: string | null | undefined) => (hex ? `x${hex}` : null);

/** The search columns are the database's own index material, not part of the record. */
const toRecord = ({ search_vector: _v, search_text: _t, ...row }: Row & SearchColumns): ImageRecord => ({
  ...row,
  created_at: iso(row.created_at)!,
  updated_at: iso(row.updated_at)!,
  processing_started_at: iso(row.processing_started_at),
  processed_at: iso(row.processed_at),
  photo_metadata: row.photo_metadata ?? null,
  taken_at: iso(row.taken_at),
  phash: hexOfBits(row.phash),
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

type ListRow = Row & SearchColumns & { sort_key: number | string | Date };

/** Words of 4+ letters match with a small typo: pg_trgm word similarity above this (0.5 lets "tower" match "flower"). */
const TYPO_SIMILARITY = 0.51;
/** The closest known words a typo may stand for: enough for any real typo, and a bounded query. */
const MAX_TYPO_WORDS = 20;
/** Field weights for ts_rank, in its order {D, C, B, A}: text in the photo, label names, caption, tags. */
const WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
const KEY_TYPES: Record<ImageQuery['sort'], string> = {
  created_at: 'timestamptz',
  taken_at: 'timestamptz',
  beauty: 'int',
  relevance: 'numeric',
};

/** A cursor made for another sort (or edited by hand) is refused before it reaches a cast. */
const KEY_CHECKS: Record<ImageQuery['sort'], (k: string | number) => boolean> = {
  created_at: (k) => typeof k === 'string' && !Number.isNaN(Date.parse(k)),
  taken_at: (k) => typeof k === 'string' && !Number.isNaN(Date.parse(k)),
  beauty: (k) => Number.isInteger(k),
  relevance: (k) => typeof k === 'string' && /^-?\d+(\.\d+)?$/.test(k),
};

/** A term as a prefix tsquery: only its letters and digits reach to_tsquery, so no input is syntax. */
const prefixQuery = (term: string) =>
  term
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((token) => `${token}:*`)
    .join(' & ');

/**
 * The near-duplicate group of a photo getting the hash $hash: that of the owner's closest other
 * photo within NEAR_DUPLICATE_BITS (oldest first on a tie), else the photo's own id.
 */
const duplicateGroup = (id: string, user: string, hash: string, bits: string) =>
  `COALESCE((SELECT o.duplicate_group FROM images o
              WHERE o.user_id = ${user} AND o.id <> ${id} AND o.duplicate_group IS NOT NULL
                AND bit_count(o.phash # ${hash}::bit(128)) <= ${bits}
              ORDER BY bit_count(o.phash # ${hash}::bit(128)), o.created_at, o.id LIMIT 1),
            CASE WHEN ${hash}::bit(128) IS NULL THEN NULL ELSE ${id} END)`;

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * A search word with the known words it is a small typo of (4+ characters: pg_trgm word similarity
 * above TYPO_SIMILARITY to a word of the user's photos, from the search_words table).
 */
interface Term {
  term: string;
  typoOf: string[];
}

/** The word's full-text query: its prefix, or any of the words it is a typo of. */
const termQuery = ({ term, typoOf }: Term) =>
  [prefixQuery(term), ...typoOf.map(prefixQuery).filter(Boolean)].map((q) => `(${q})`).join(' | ');

/**
 * One search word matches a photo as a word prefix or a corrected typo (both one full-text query) or
 * as a substring (3+ characters). Each branch can use a GIN index (the tsvector's or the trigrams'),
 * so PostgreSQL can combine them in a bitmap instead of testing every photo of the owner.
 */
function termMatches(term: Term, params: unknown[]): string {
  const fts = `search_vector @@ to_tsquery('english', $${params.push(termQuery(term))})`;
  if (term.term.length < 3) return `(${fts})`;
  return `(${fts} OR search_text LIKE $${params.push(likePattern(term.term))})`;
}

/**
 * The ORDER BY key. Relevance: the weighted full-text rank of any word (a corrected typo ranks as the
 * word it was corrected to; a photo found only by a substring ranks 0, after the word matches), rounded
 * to a numeric so the cursor compares exactly what was returned.
 */
function sortKey(query: ImageQuery, terms: Term[], params: unknown[]): string {
  if (query.sort === 'beauty') return 'COALESCE(beauty_score, -1)';
  if (query.sort === 'created_at') return 'created_at';
  if (query.sort === 'taken_at') return 'COALESCE(taken_at, created_at)';
  const any = `to_tsquery('english', $${params.push(terms.map((term) => `(${termQuery(term)})`).join(' | '))})`;
  return `round(ts_rank('${WEIGHTS}', search_vector, ${any})::numeric, 6)`;
}

export class PostgresImageRepository implements ImageRepository, ResultsRepository, InspectionRepository {
  constructor(private readonly db: Db) {}

  async insert(image: NewImage): Promise<ImageRecord> {
    const { rows } = await this.groupingDuplicates(image.phash, image.user_id, (db) =>
      db.query<Row>(
        `INSERT INTO images (id, user_id, filename, content_type, bytes, width, height, bucket, object_key, thumbnail_key,
                           auto_process, photo_metadata, taken_at, phash, status, duplicate_group)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::bit(128), COALESCE($15, 'UPLOADED'),
               ${duplicateGroup('$1::uuid', '$2', '$14', '$16')}) RETURNING *`,
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
          image.photo_metadata ? JSON.stringify(image.photo_metadata) : null,
          image.taken_at ?? null,
          bitsParam(image.phash),
          image.status ?? null,
          NEAR_DUPLICATE_BITS,
        ],
      ),
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

  /** Photos per status, for the metrics gauge. */
  async countByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM images GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async getById(id: string): Promise<ImageRecord | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM images WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(
    userId: string,
    query: ImageQuery,
  ): Promise<{ items: ImageRecord[]; next_cursor: string | null }> {
    if (!query.terms?.length) return this.page(this.db, userId, query, []);
    // The typo threshold is set for this transaction only (pg_trgm's `<%` operator reads it), and stop
    // words ("a", "the": no lexeme) are found first, to be ignored rather than match nothing.
    return inTransaction(this.db, async (tx) => {
      const { rows } = await tx.query<{ lexemes: number[] }>(
        `SELECT set_config('pg_trgm.word_similarity_threshold', $1, true),
                array(SELECT numnode(to_tsquery('english', t)) FROM unnest($2::text[]) AS t) AS lexemes`,
        [String(TYPO_SIMILARITY), query.terms!.map(prefixQuery)],
      );
      const words = query.terms!.filter((_, i) => rows[0]!.lexemes[i]! > 0);
      const terms = await this.withTypos(tx, userId, words);
      return this.page(tx, userId, { ...query, terms: words.length ? words : query.terms }, terms);
    });
  }

  /**
   * Each word of 4+ characters with the known words of the user it is a small typo of: a trigram
   * lookup in the short search_words list rather than a similarity test over every photo's text.
   */
  private async withTypos(tx: Tx, userId: string, words: string[]): Promise<Term[]> {
    const typoable = words.filter((word) => word.length >= 4);
    if (typoable.length === 0) return words.map((term) => ({ term, typoOf: [] }));
    const { rows } = await tx.query<{ term: string; words: string[] }>(
      `SELECT t.term, array(SELECT w.word FROM search_words w
                             WHERE w.user_id = $1 AND t.term <% w.word AND w.word <> t.term
                             ORDER BY t.term <<-> w.word, w.word LIMIT $3) AS words
         FROM unnest($2::text[]) AS t(term)`,
      [userId, typoable, MAX_TYPO_WORDS],
    );
    const found = new Map(rows.map((row) => [row.term, row.words]));
    return words.map((term) => ({ term, typoOf: found.get(term) ?? [] }));
  }

  private async page(
    db: Db | Tx,
    userId: string,
    query: ImageQuery,
    terms: Term[],
  ): Promise<{ items: ImageRecord[]; next_cursor: string | null }> {
    const params: unknown[] = [userId];
    const where = ['user_id = $1'];
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    if (query.tag) where.push(`tags @> ARRAY[$${params.push(query.tag)}]::text[]`);
    if (query.duplicateGroup) where.push(`duplicate_group = $${params.push(query.duplicateGroup)}::uuid`);
    for (const term of terms) where.push(termMatches(term, params));
    const key = sortKey(query, terms, params);
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor || !KEY_CHECKS[query.sort](cursor.k)) throw new InvalidCursorError('cursor is not valid');
      const keyParam = `$${params.push(String(cursor.k))}::${KEY_TYPES[query.sort]}`;
      where.push(`(${key}, id) < (${keyParam}, $${params.push(cursor.i)}::uuid)`);
    }
    const sql = `SELECT *, ${key} AS sort_key FROM images WHERE ${where.join(' AND ')}
       ORDER BY sort_key DESC, id DESC LIMIT $${params.push(query.limit + 1)}`;
    const { rows } = await db.query<ListRow>(sql, params);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next_cursor =
      rows.length > query.limit && last
        ? encodeCursor({
            k: last.sort_key instanceof Date ? last.sort_key.toISOString() : last.sort_key,
            i: last.id,
          })
        : null;
    const counts = await this.duplicateCounts(db, userId, page);
    return {
      items: page.map(({ sort_key: _sortKey, ...row }) => ({
        ...toRecord(row),
        duplicates_count: row.duplicate_group ? (counts.get(row.duplicate_group) ?? 1) - 1 : 0,
      })),
      next_cursor,
    };
  }

  /** Members per near-duplicate group of a page's photos: one index lookup per group on the page. */
  private async duplicateCounts(db: Db | Tx, userId: string, page: Row[]): Promise<Map<string, number>> {
    const groups = [...new Set(page.flatMap((row) => (row.duplicate_group ? [row.duplicate_group] : [])))];
    if (groups.length === 0) return new Map();
    const { rows } = await db.query<{ duplicate_group: string; n: number }>(
      `SELECT duplicate_group, count(*)::int AS n FROM images
        WHERE user_id = $1 AND duplicate_group = ANY ($2::uuid[]) GROUP BY duplicate_group`,
      [userId, groups],
    );
    return new Map(rows.map((row) => [row.duplicate_group, row.n]));
  }

  async nearDuplicates(id: string, userId: string, maxDistance: number): Promise<NearDuplicate[]> {
    // A scan of the owner's hashes: a XOR and a popcount per photo, cheap next to any index upkeep.
    const { rows } = await this.db.query<Row & { distance: number }>(
      `SELECT other.*, bit_count(other.phash # me.phash)::int AS distance
         FROM images me JOIN images other ON other.user_id = me.user_id AND other.id <> me.id
        WHERE me.id = $1 AND me.user_id = $2 AND other.phash IS NOT NULL
          AND bit_count(other.phash # me.phash) <= $3
        ORDER BY distance, other.created_at DESC, other.id`,
      [id, userId, maxDistance],
    );
    return rows.map(({ distance, ...row }) => ({ image: toRecord(row), distance }));
  }

  async delete(id: string, userId: string): Promise<ImageRecord | null> {
    const { rows } = await this.db.query<Row>(
      'DELETE FROM images WHERE id = $1 AND user_id = $2 RETURNING *',
      [id, userId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findExpiredUploads(olderThanSeconds: number, limit: number): Promise<ImageRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM images WHERE status = 'UPLOADING' AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
    return rows.map(toRecord);
  }

  async recordInspection(
    id: string,
    inspection: Parameters<InspectionRepository['recordInspection']>[1],
  ): Promise<void> {
    await this.groupingDuplicates(inspection.phash, { imageId: id }, (db) =>
      db.query(
        `UPDATE images SET content_type = $2, width = $3, height = $4, bytes = $5, photo_metadata = $6,
                taken_at = $7, phash = $8::bit(128),
                duplicate_group = ${duplicateGroup('images.id', 'images.user_id', '$8', '$9')}, updated_at = now()
        WHERE id = $1`,
        [
          id,
          inspection.content_type,
          inspection.width,
          inspection.height,
          inspection.bytes,
          inspection.photo_metadata ? JSON.stringify(inspection.photo_metadata) : null,
          inspection.taken_at,
          bitsParam(inspection.phash),
          NEAR_DUPLICATE_BITS,
        ],
      ),
    );
  }

  /**
   * A write that puts a photo in a near-duplicate group, run under its owner's lock: two copies stored
   * at the same moment would each miss the other's uncommitted row and start two groups. The write is a
   * statement after the lock, so its snapshot holds every earlier photo of the owner.
   */
  private async groupingDuplicates<T>(
    phash: NewImage['phash'],
    owner: string | { imageId: string },
    write: (db: Tx | Db) => Promise<T>,
  ): Promise<T> {
    if (!phash) return write(this.db); // no hash, no group to join
    return inTransaction(this.db, async (tx) => {
      await (typeof owner === 'string'
        ? tx.query(`SELECT pg_advisory_xact_lock(hashtext('duplicates:' || $1))`, [owner])
        : tx.query(
            `SELECT pg_advisory_xact_lock(hashtext('duplicates:' || user_id)) FROM images WHERE id = $1`,
            [owner.imageId],
          ));
      return write(tx);
    });
  }

  async saveResults(
    input: Parameters<ResultsRepository['saveResults']>[0],
  ): Promise<{ processed_at: string } | null> {
    // A single UPDATE is one transaction: every output and READY land together, or none do.
    const { rows } = await this.db.query<{ processed_at: Date }>(
      `UPDATE images SET description = $3, tags = $4, beauty_score = $5, beauty_raw = $6, labels = $7,
                provenance = $8, text_content = $9, status = 'READY', error = NULL, error_cause = NULL,
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
        input.text || null,
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
