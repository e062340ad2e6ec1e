/**
 * The scheduled sweep (an EventBridge schedule invokes it every few minutes): Step Functions'
 * status-change events are best-effort, so an execution whose event was lost would stay RUNNING in
 * PostgreSQL and its photo PROCESSING forever. Every execution still RUNNING past the state machine's
 * own timeout (plus a grace period) is looked up with DescribeExecution:
 * - ended FAILED, TIMED_OUT or ABORTED → reconciled exactly as the event would have been;
 * - never started (ExecutionDoesNotExist: the ticket was dead-lettered before StartExecution) → FAILED;
 * - SUCCEEDED → the row is closed SUCCEEDED (the photo's results were saved by SaveResults);
 * - still RUNNING → left alone (cannot outlive its timeout; the next sweep sees it end).
 * It also removes upload slots never used (the photo UPLOADING past the slot's expiry and grace).
 */
import { DescribeExecutionCommand, type DescribeExecutionOutput, SFNClient } from '@aws-sdk/client-sfn';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { findOverdueExecutions } from '../../adapters/postgres/overdue-executions.js';
import { directUploadsFor } from '../../app/direct-uploads.js';
import { executionNameFor } from '../../adapters/stepfunctions/engine.js';
import { type RuntimeProvider, remainingMs, withRuntime } from './middleware.js';
import { type ExecutionStatusChangeEvent, reconcile } from './reconciler.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

/** Time after the state machine's timeout before a RUNNING row counts as lost (events arrive in seconds). */
export const SWEEP_GRACE_SECONDS = 300;

export interface SweepReport {
  checked: number;
  reconciled: number;
  closedSucceeded: number;
  stillRunning: number;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionNameFor(name)}`;
}

async function describe(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionOutput | null> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return null;
    throw error;
  }
}

export async function sweepOverdueExecutions(
  runtime: LambdaRuntime,
  sfn: SFNClient,
  context?: Context,
): Promise<SweepReport> {
  const stateMachineArn = runtime.env.PHAROS_STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('PHAROS_STATE_MACHINE_ARN is required');
  const timeout = Number(runtime.env.PHAROS_EXECUTION_TIMEOUT_SECONDS ?? 3600);
  const overdue = await findOverdueExecutions(runtime.db, timeout + SWEEP_GRACE_SECONDS);
  const report: SweepReport = { checked: 0, reconciled: 0, closedSucceeded: 0, stillRunning: 0 };
  for (const row of overdue) {
    // Stop early rather than be cut off mid-write; the next run continues.
    if (remainingMs(context, 5_000) <= 0) break;
    report.checked++;
    const executionArn = executionArnFor(stateMachineArn, row.name);
    const described = await describe(sfn, executionArn);
    const log = runtime.logger.child({ execution_id: row.id, execution_arn: executionArn });
    if (described?.status === 'RUNNING' || described?.status === 'PENDING_REDRIVE') {
      report.stillRunning++;
      continue;
    }
    if (described?.status === 'SUCCEEDED') {
      await runtime.executions.finish(row.id, 'SUCCEEDED');
      log.warn({}, 'sweep: execution had succeeded but its row was still RUNNING: closed');
      report.closedSucceeded++;
      continue;
    }
    const event = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn,
        stateMachineArn,
        name: row.name,
        status: described?.status ?? 'FAILED',
        input: described?.input ?? null,
        error: described ? (described.error ?? null) : 'Execution.NotStarted',
        cause: described
          ? (described.cause ?? null)
          : 'Step Functions has no such execution: it was never started (its ticket was dead-lettered?)',
      },
    } as unknown as ExecutionStatusChangeEvent;
    if ((await reconcile(runtime, event)) === 'reconciled') {
      log.warn({ status: event.detail.status }, 'sweep: reconciled an execution whose end event was lost');
      report.reconciled++;
    }
  }
  return report;
}

let client: SFNClient | undefined;

/** Upload slots never used (UPLOADING past their expiry and grace): removed with anything under their keys. */
export async function expireUploadSlots(runtime: LambdaRuntime): Promise<number> {
  const uploads = directUploadsFor(runtime.config, {
    images: runtime.images,
    rawStorage: runtime.storage,
    status: runtime.status,
    logger: runtime.logger,
  });
  return uploads ? uploads.expireSlots() : 0;
}

export const createSweepHandler = (getRuntime: RuntimeProvider, sfn: () => SFNClient) =>
  withRuntime('sweep', getRuntime, async (runtime, _event: ScheduledEvent, context: Context) => ({
    ...(await sweepOverdueExecutions(runtime, sfn(), context)),
    expiredUploads: await expireUploadSlots(runtime),
  }));

export const handler = createSweepHandler(lambdaRuntime, () => (client ??= new SFNClient({})));
