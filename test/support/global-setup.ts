/**
 * One real PostgreSQL for the whole test run (the same embedded server `npm start` uses); each test
 * file gets a fresh database of its own from `freshDatabaseUrl()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { silentLogger } from '../../src/core/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Under /tmp so the 'postgres' user can enter every parent directory when tests run as root.
  const root = await mkdtemp(path.join(tmpdir(), 'pharos-test-pg-'));
  const server = await startEmbeddedPostgres(root, silentLogger);
  project.provide('postgresAdminUrl', server.url.replace(/\/pharos$/, '/postgres'));
  return async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  };
}
