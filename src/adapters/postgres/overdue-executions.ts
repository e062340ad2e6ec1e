/** Executions PostgreSQL still shows RUNNING long after they began: candidates for the AWS sweep. */
import type { Db } from './db.js';

export interface OverdueExecution {
  id: string;
  name: string;
  started_at: string;
}

export async function findOverdueExecutions(
  db: Db,
  olderThanSeconds: number,
  limit = 100,
): Promise<OverdueExecution[]> {
  const { rows } = await db.query<OverdueExecution>(
    `SELECT id::text, name, started_at::text FROM executions
      WHERE status = 'RUNNING' AND started_at < now() - make_interval(secs => $1)
      ORDER BY started_at LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows;
}
