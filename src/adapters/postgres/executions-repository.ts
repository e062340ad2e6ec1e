/** The local Step Functions' history: executions, their checkpoints and every state attempt. */
import { randomUUID } from 'node:crypto';
import type { ExecutionStatus, FinalStatus, JobTicket } from '../../core/domain.js';
import { ErrorNames, PipelineError } from '../../core/errors.js';
import { WORKER_LOST } from '../../core/transitions.js';
import type { PipelineDocument, StateError } from '../../core/pipeline.js';
import type { TimelineExecution } from '../../core/timeline.js';
import type {
  CheckpointResult,
  CheckpointStep,
  ExecutionRecord,
  ExecutionRepository,
  ImageRecord,
  StartResult,
} from '../../core/ports/index.js';
import { type Db, inTransaction, iso } from './db.js';

type ExecutionRow = Omit<ExecutionRecord, 'started_at' | 'ended_at'> & {
  started_at: Date;
  ended_at: Date | null;
};

const toExecution = (row: ExecutionRow): ExecutionRecord => ({
  id: row.id,
  name: row.name,
  image_id: row.image_id,
  user_id: row.user_id,
  seq: row.seq,
  status: row.status,
  current_state: row.current_state,
  document: row.document,
  started_at: iso(row.started_at)!,
  ended_at: iso(row.ended_at),
  error: row.error,
  cause: row.cause,
});

export class PostgresExecutionRepository implements ExecutionRepository {
  constructor(private readonly db: Db) {}

  async load(executionId: string): Promise<ExecutionRecord | null> {
    const { rows } = await this.db.query<ExecutionRow>('SELECT * FROM executions WHERE id = $1', [
      executionId,
    ]);
    return rows[0] ? toExecution(rows[0]) : null;
  }

  async nextName(imageId: string): Promise<string> {
    const { rows } = await this.db.query<{ next: number }>(
      'SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM executions WHERE image_id = $1',
      [imageId],
    );
    return `${imageId}-${rows[0]!.next}`;
  }

  async start(image: ImageRecord, name: string, trigger: string): Promise<StartResult> {
    for (let tries = 0; tries < 3; tries++) {
      const id = randomUUID();
      const document: Omit<PipelineDocument, 'execution_seq'> = {
        image_id: image.id,
        user_id: image.user_id,
        bucket: image.bucket,
        key: image.object_key,
        content_type: image.content_type,
        execution_id: id,
      };
      // One statement, so one transaction: the execution (unless its name exists or another execution
      // of the photo is active — any unique violation inserts nothing), and the seed's StartJob on the
      // photo: PROCESSING, with a rerun's previous outputs cleared.
      const { rows } = await this.db.query<ExecutionRow>(
        `WITH next AS (SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM executions WHERE image_id = $3),
         inserted AS (
           INSERT INTO executions (id, name, image_id, user_id, seq, trigger, document)
           SELECT $1, $2, $3, $4, next.seq, $5, $6::jsonb || jsonb_build_object('execution_seq', next.seq) FROM next
           ON CONFLICT DO NOTHING
           RETURNING *),
         started AS (
           UPDATE images SET status = 'PROCESSING', current_execution_id = $1, description = NULL, tags = '{}',
                  beauty_score = NULL, beauty_raw = NULL, labels = '[]', provenance = NULL, error = NULL,
                  error_cause = NULL, processed_at = NULL, processing_started_at = now(), updated_at = now()
            WHERE id = $3 AND EXISTS (SELECT 1 FROM inserted))
         SELECT * FROM inserted`,
        [id, name, image.id, image.user_id, trigger, JSON.stringify(document)],
      );
      if (rows[0]) return { kind: 'started', execution: toExecution(rows[0]) };
      // Lost to an existing execution (same name, or another one active): that one is the answer.
      const existing = await this.findByNameOrActive(image.id, name);
      if (existing) return { kind: 'existing', execution: existing };
    }
    throw new Error(`could not start an execution for image ${image.id}`);
  }

  private async findByNameOrActive(imageId: string, name: string): Promise<ExecutionRecord | null> {
    const { rows } = await this.db.query<ExecutionRow>(
      `SELECT * FROM executions WHERE name = $1 OR (image_id = $2 AND status = 'RUNNING')
       ORDER BY (name = $1) DESC LIMIT 1`,
      [name, imageId],
    );
    return rows[0] ? toExecution(rows[0]) : null;
  }

  async claim(
    executionId: string,
    workerId: string,
    leaseMs: number,
  ): Promise<'claimed' | 'busy' | 'finished'> {
    const { rows } = await this.db.query<{ status: string; claimed: boolean }>(
      `WITH claimed AS (
         UPDATE executions SET lease_owner = $2, lease_until = now() + ($3 || ' milliseconds')::interval
          WHERE id = $1 AND status = 'RUNNING'
            AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
          RETURNING id)
       SELECT e.status, EXISTS (SELECT 1 FROM claimed) AS claimed FROM executions e WHERE e.id = $1`,
      [executionId, workerId, String(leaseMs)],
    );
    const row = rows[0];
    if (!row || row.status !== 'RUNNING') return 'finished';
    return row.claimed ? 'claimed' : 'busy';
  }

  async renew(executionId: string, workerId: string, leaseMs: number): Promise<void> {
    await this.db.query(
      `UPDATE executions SET lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE id = $1 AND lease_owner = $2`,
      [executionId, workerId, String(leaseMs)],
    );
  }

  async release(executionId: string, workerId: string): Promise<void> {
    await this.db.query(
      'UPDATE executions SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2',
      [executionId, workerId],
    );
  }

  async abandonRunningAttempts(executionId: string): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE state_attempts SET status = 'FAILED', ended_at = clock_timestamp(), error = $2, cause = $3
        WHERE execution_id = $1 AND status = 'RUNNING'`,
      [executionId, WORKER_LOST.Error, WORKER_LOST.Cause],
    );
    return rowCount ?? 0;
  }

  async failedAttemptErrors(executionId: string, state: string, exceptAttemptId?: string): Promise<string[]> {
    const { rows } = await this.db.query<{ error: string | null }>(
      `SELECT error FROM state_attempts
        WHERE execution_id = $1 AND state = $2 AND status = 'FAILED' AND id IS DISTINCT FROM $3::bigint
        ORDER BY id`,
      [executionId, state, exceptAttemptId ?? null],
    );
    return rows.map((r) => r.error ?? 'Error');
  }

  async hasAttempt(executionId: string, state: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'SELECT 1 FROM state_attempts WHERE execution_id = $1 AND state = $2 LIMIT 1',
      [executionId, state],
    );
    return rows.length > 0;
  }

  async beginAttempt(executionId: string, state: string): Promise<{ attemptId: string; attempt: number }> {
    // Inserts nothing when the execution is gone (its photo was deleted mid-run).
    const { rows } = await this.db.query<{ id: string; attempt: number }>(
      `INSERT INTO state_attempts (execution_id, state, attempt, worker_id)
       SELECT e.id, $2,
              (SELECT COALESCE(MAX(a.attempt), 0) + 1 FROM state_attempts a WHERE a.execution_id = e.id AND a.state = $2),
              e.lease_owner
         FROM executions e WHERE e.id = $1
       RETURNING id::text, attempt`,
      [executionId, state],
    );
    const row = rows[0];
    if (!row)
      throw new PipelineError(ErrorNames.ExecutionNotFound, `execution ${executionId} no longer exists`);
    return { attemptId: row.id, attempt: row.attempt };
  }

  async failAttempt(attemptId: string, error: StateError, willRetry: boolean): Promise<void> {
    await this.db.query(
      `UPDATE state_attempts SET status = 'FAILED', ended_at = clock_timestamp(), error = $2, cause = $3, will_retry = $4
        WHERE id = $1`,
      [attemptId, error.Error, error.Cause, willRetry],
    );
  }

  async checkpoint(executionId: string, step: CheckpointStep): Promise<CheckpointResult> {
    // One statement: the attempt's success, the execution's next state and the next state's first
    // attempt (or the execution's end) commit together, in a single round trip per state.
    const { rows } = await this.db.query<{
      id: string | null;
      attempt: number | null;
      folded_id: string | null;
      folded_attempt: number | null;
    }>(
      `WITH attempt AS (
         UPDATE state_attempts SET status = 'SUCCEEDED', ended_at = clock_timestamp(), output = $4
          WHERE id = $3::bigint),
       folded AS (
         INSERT INTO state_attempts (execution_id, state, attempt, worker_id, status, ended_at, output)
         SELECT e.id, $10,
                (SELECT COALESCE(MAX(a.attempt), 0) + 1 FROM state_attempts a WHERE a.execution_id = e.id AND a.state = $10),
                e.lease_owner, 'SUCCEEDED', clock_timestamp(), $11
           FROM executions e WHERE e.id = $1 AND $10::text IS NOT NULL
         RETURNING id, attempt),
       execution AS (
         UPDATE executions SET current_state = $2, document = $5,
                status = COALESCE($7, status), ended_at = CASE WHEN $7 IS NULL THEN ended_at ELSE now() END,
                error = CASE WHEN $7 IS NULL THEN error ELSE $8 END, cause = CASE WHEN $7 IS NULL THEN cause ELSE $9 END,
                lease_owner = CASE WHEN $7 IS NULL THEN lease_owner END,
                lease_until = CASE WHEN $7 IS NULL THEN lease_until END
          WHERE id = $1 RETURNING id, lease_owner),
       next AS (
         INSERT INTO state_attempts (execution_id, state, attempt, worker_id)
         SELECT execution.id, $2,
                (SELECT COALESCE(MAX(a.attempt), 0) + 1 FROM state_attempts a WHERE a.execution_id = $1 AND a.state = $2),
                execution.lease_owner
           -- Reading folded first makes its row the older one (ids give the timeline its order).
           FROM execution, (SELECT count(*) FROM folded) AS folded_first WHERE $6::boolean
         RETURNING id, attempt)
       SELECT (SELECT id::text FROM next) AS id, (SELECT attempt FROM next) AS attempt,
              (SELECT id::text FROM folded) AS folded_id, (SELECT attempt FROM folded) AS folded_attempt`,
      [
        executionId,
        step.nextState,
        step.attemptId,
        JSON.stringify(step.output),
        JSON.stringify(step.document),
        step.beginNext ?? false,
        step.finish?.status ?? null,
        step.finish?.error?.Error ?? null,
        step.finish?.error?.Cause ?? null,
        step.folded?.state ?? null,
        step.folded ? JSON.stringify(step.folded.output) : null,
      ],
    );
    const row = rows[0];
    return {
      next: row?.id ? { attemptId: row.id, attempt: row.attempt! } : null,
      folded: row?.folded_id ? { attemptId: row.folded_id, attempt: row.folded_attempt! } : null,
    };
  }

  async finish(executionId: string, status: FinalStatus, error?: StateError): Promise<void> {
    await this.db.query(
      `UPDATE executions SET status = $2, ended_at = now(), error = $3, cause = $4, lease_owner = NULL, lease_until = NULL
        WHERE id = $1`,
      [executionId, status, error?.Error ?? null, error?.Cause ?? null],
    );
  }

  async findStalled(idleMs: number): Promise<JobTicket[]> {
    const { rows } = await this.db.query<JobTicket>(
      `SELECT i.bucket, i.object_key AS key, i.id::text AS image_id, i.user_id, e.id::text AS execution_id
         FROM executions e JOIN images i ON i.id = e.image_id
        WHERE e.status = 'RUNNING'
          AND COALESCE(e.lease_until, e.started_at) < now() - ($1 || ' milliseconds')::interval
       UNION ALL
       SELECT i.bucket, i.object_key, i.id::text, i.user_id, NULL
         FROM images i
        WHERE i.status = 'UPLOADED' AND i.auto_process AND i.current_execution_id IS NULL
          AND i.created_at < now() - ($1 || ' milliseconds')::interval
        LIMIT 500`,
      [String(idleMs)],
    );
    return rows.map(({ execution_id, ...ticket }) => (execution_id ? { ...ticket, execution_id } : ticket));
  }

  async findIdByName(name: string): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id::text FROM executions WHERE name = $1', [
      name,
    ]);
    return rows[0]?.id ?? null;
  }

  async exclusively<T>(executionId: string, work: () => Promise<T>): Promise<T> {
    // The lock lives on one pooled connection and ends with its transaction; `work` uses the others.
    return inTransaction(this.db, async (lock) => {
      await lock.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`execution:${executionId}`]);
      return work();
    });
  }

  async timeline(imageId: string): Promise<TimelineExecution[]> {
    const { rows } = await this.db.query<ExecutionRow & { trigger: string; states: TimelineRow[] | null }>(
      `SELECT e.*, (SELECT json_agg(a ORDER BY a.started_at, a.id) FROM state_attempts a WHERE a.execution_id = e.id) AS states
         FROM executions e WHERE e.image_id = $1 ORDER BY e.seq DESC`,
      [imageId],
    );
    return rows.map((row) => ({
      execution_id: row.id,
      name: row.name,
      seq: row.seq,
      trigger: row.trigger,
      status: row.status,
      started_at: iso(row.started_at)!,
      ended_at: iso(row.ended_at),
      error: row.error,
      cause: row.cause,
      states: (row.states ?? []).map((s) => ({
        state: s.state,
        attempt: s.attempt,
        status: s.status,
        started_at: iso(s.started_at)!,
        ended_at: iso(s.ended_at),
        duration_ms: s.ended_at ? new Date(s.ended_at).getTime() - new Date(s.started_at).getTime() : null,
        error: s.error,
        cause: s.cause,
        will_retry: s.will_retry,
        worker_id: s.worker_id,
      })),
    }));
  }
}

interface TimelineRow {
  state: string;
  attempt: number;
  status: ExecutionStatus;
  started_at: string;
  ended_at: string | null;
  error: string | null;
  cause: string | null;
  will_retry: boolean;
  worker_id: string | null;
}
