/**
 * The reconciler Lambda: EventBridge delivers Step Functions' "Execution Status Change" event (FAILED,
 * TIMED_OUT, ABORTED) for executions the service ended without our MarkFailed/Notify states; the core's
 * `closeEndedExecution` closes what the pipeline left open, idempotently.
 */
import { ErrorNames } from '../../core/errors.js';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { PipelineDocument, StateError } from '../../core/pipeline.js';
import { type Reconciliation, closeEndedExecution } from '../../core/reconciliation.js';
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
  return runtime.executions.findIdByName(detail.name);
}

export async function reconcile(
  runtime: LambdaRuntime,
  event: ExecutionStatusChangeEvent,
): Promise<Reconciliation> {
  const detail = event?.detail;
  const ours = runtime.env.PHAROS_STATE_MACHINE_ARN;
  if (!detail || !RECONCILED_STATUSES.includes(detail.status as ExecutionEndStatus)) return 'ignored';
  if (ours && detail.stateMachineArn !== ours) return 'ignored';
  const logger = runtime.logger.child({ execution_arn: detail.executionArn, status: detail.status });
  const executionId = await findExecution(runtime, detail);
  if (!executionId) {
    logger.info({ name: detail.name }, 'no such execution (its photo was deleted?): nothing to reconcile');
    return 'unknown execution';
  }
  return closeEndedExecution({ ...runtime, logger }, executionId, stateErrorOf(detail));
}

export const createReconcilerHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('reconciler', getRuntime, (runtime, event: ExecutionStatusChangeEvent, _context: Context) =>
    reconcile(runtime, event),
  );

export const handler = createReconcilerHandler(lambdaRuntime);
