/**
 * The system of record: the embedded PostgreSQL (default) or the one `DATABASE_URL` names, a pool, and
 * the schema migrated. Closing ends the pool, then stops the embedded server if this process started it.
 */
import path from 'node:path';
import { type Db, createPool } from '../adapters/postgres/db.js';
import { startEmbeddedPostgres } from '../adapters/postgres/embedded.js';
import { migrate } from '../adapters/postgres/migrate.js';
import type { Logger } from '../core/ports/index.js';
import type { Config } from './config.js';

export interface Database {
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger, poolSize = 20): Promise<Database> {
  const embedded = config.DATABASE_URL
    ? null
    : await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), logger, {
        home: config.PHAROS_POSTGRES_HOME,
      });
  const url = config.DATABASE_URL ?? embedded!.url;
  const db = createPool(url, poolSize);
  const close = async () => {
    await db.end();
    await embedded?.stop();
  };
  try {
    await migrate(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, url, close };
}
