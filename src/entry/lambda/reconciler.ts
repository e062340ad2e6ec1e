/**
 * The reconciler: Step Functions can end an execution without our MarkFailed/Notify states running (the
 * machine's own timeout, an abort, a `States.Runtime` error, a Lambda failure in a state without a Catch).
 * EventBridge delivers its "Step Functions Execution Status Change" event (FAILED, TIMED_OUT, ABORTED);
 * this closes what the pipeline left open: the `executions` row FAILED with the service's error, the photo
 * FAILED with that reason (only while this execution is still the photo's current one), the status store,
 * and the seed's completion message — the same writes as the MarkFailed and Notify steps.
 *
 * Idempotent: a serialising lock per execution, and nothing is done unless the execution is still RUNNING
 * (or FAILED with its photo still PROCESSING, when MarkFailed itself failed). An execution the pipeline
 * finished (including through MarkFailed → Notify → Failed, which emits a FAILED event too) is left alone.
 */
import { ErrorNames } from '../../core/errors.js';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { PipelineDocument, StateError } from '../../core/pipeline.js';
import { announceOutcome } from '../../core/steps.js';
import { inTransaction } from '../../adapters/postgres/db.js';
import { type RuntimeProvider, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

export type ExecutionEndStatus = 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export const RECONCILED_STATUSES: ExecutionEndStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** `detail` of the event Step Functions sends to EventBridge (`input` is the JSON string StartExecution got). */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate?: number;
  stopDate?: number | null;
  input?: string | null;
  inputDetails?: { included: boolean };
  output?: string | null;
  outputDetails?: { included: boolean } | null;
  error?: string | null;
  cause?: string | null;
}
export type ExecutionStatusChangeEvent = EventBridgeEvent<
  'Step Functions Execution Status Change',
  ExecutionStatusChange
>;

export type Reconciliation = 'reconciled' | 'already finished' | 'unknown execution' | 'ignored';

const DEFAULT_ERRORS: Record<ExecutionEndStatus, string> = {
  FAILED: ErrorNames.Runtime,
  TIMED_OUT: 'States.Timeout',
  ABORTED: 'Execution.Aborted',
};

/** The service's error; a Lambda error's JSON envelope is reduced to its message, as the step handler does. */
export function stateErrorOf(detail: ExecutionStatusChange): StateError {
  const status = detail.status as ExecutionEndStatus;
  let cause = detail.cause ?? `Step Functions ended the execution ${detail.status} before MarkFailed ran`;
  if (cause.startsWith('{')) {
    try {
      const message = (JSON.parse(cause) as { errorMessage?: unknown }).errorMessage;
      if (typeof message === 'string') cause = message;
    } catch {
      // Not a Lambda envelope: keep the cause as given.
    }
  }
  return { Error: detail.error ?? DEFAULT_ERRORS[status] ?? ErrorNames.Runtime, Cause: cause };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The execution id in the document the starter passed, else the execution's name (the engine names it after the row). */
async function findExecution(runtime: LambdaRuntime, detail: ExecutionStatusChange): Promise<string | null> {
  let id: unknown;
  try {
    id = (JSON.parse(detail.input ?? 'null') as Partial<PipelineDocument> | null)?.execution_id;
  } catch {
    id = undefined;
  }
  if (typeof id === 'string' && UUID.test(id) && (await runtime.executions.load(id))) return id;
  const { rows } = await runtime.db.query<{ id: string }>('SELECT id::text FROM executions WHERE name = $1', [
    detail.name,
  ]);
  return rows[0]?.id ?? null;
}

export async function reconcile(
  runtime: LambdaRuntime,
  event: ExecutionStatusChangeEvent,
): Promise<Reconciliation> {
  const detail = event?.detail;
  const ours = runtime.env.PHAROS_STATE_MACHINE_ARN;
  if (!detail || !RECONCILED_STATUSES.includes(detail.status as ExecutionEndStatus)) return 'ignored';
  if (ours && detail.stateMachineArn !== ours) return 'ignored';
  const log = runtime.logger.child({ execution_arn: detail.executionArn, status: detail.status });
  const executionId = await findExecution(runtime, detail);
  if (!executionId) {
    log.info({ name: detail.name }, 'no such execution (its photo was deleted?): nothing to reconcile');
    return 'unknown execution';
  }
  // One delivery at a time per execution (EventBridge may deliver twice): the lock is held on one pooled
  // connection and ends with its transaction; the writes below use the pool's other connection.
  return inTransaction(runtime.db, async (lock) => {
    await lock.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reconcile:${executionId}`]);
    const execution = await runtime.executions.load(executionId);
    const image = execution && (await runtime.images.getById(execution.image_id));
    const imageOpen = image?.status === 'PROCESSING' && image.current_execution_id === executionId;
    if (!execution || !(execution.status === 'RUNNING' || (execution.status === 'FAILED' && imageOpen))) {
      log.info({ recorded: execution?.status }, 'execution already finished: nothing to reconcile');
      return 'already finished';
    }
    const error = stateErrorOf(detail);
    // MarkFailed's write: only while this execution is still the photo's current one.
    const marked = await runtime.images.markFailed({
      image_id: execution.image_id,
      execution_id: executionId,
      error: error.Error,
      cause: error.Cause,
    });
    if (marked) {
      // Notify's writes: the status scoreboard, then the completion message.
      await announceOutcome(
        runtime,
        {
          image_id: execution.image_id,
          user_id: execution.user_id,
          execution_seq: execution.seq,
          execution_id: executionId,
        },
        'FAILED',
      );
    }
    // Closed last, so a delivery that fails half-way is redone in full by the retry.
    if (execution.status === 'RUNNING') {
      await runtime.executions.abandonRunningAttempts(executionId);
      await runtime.executions.finish(executionId, 'FAILED', error);
    }
    log.info(
      { image_id: execution.image_id, error: error.Error, image_marked: marked },
      'execution reconciled',
    );
    return 'reconciled';
  });
}

export const createReconcilerHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('reconciler', getRuntime, (runtime, event: ExecutionStatusChangeEvent, _context: Context) =>
    reconcile(runtime, event),
  );

export const handler = createReconcilerHandler(lambdaRuntime);
