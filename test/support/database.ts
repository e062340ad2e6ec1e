/** A fresh database per test file on the run's embedded PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseIfMissing } from '../../src/adapters/postgres/embedded.js';

export async function freshDatabaseUrl(): Promise<string> {
  const admin = inject('postgresAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(admin, name);
  return admin.replace(/\/postgres$/, `/${name}`);
}
