/**
 * The starter: SQS batches (EventBridge's Object Created events, and the API's own tickets for
 * `POST /images/{id}/process`) become executions. Each record records PROCESSING and starts the state
 * machine through the ProcessingService with the Step Functions engine; a record that fails is
 * reported in `batchItemFailures` (Powertools' BatchProcessor) and redelivered alone, then dead-lettered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ticketFromObjectCreated } from '../../core/events.js';
import type { JobTicket } from '../../core/domain.js';
import type { ObjectCreatedEvent } from '../../core/ports/index.js';
import { type RuntimeProvider, remainingMs, withRuntime } from './middleware.js';
import { type LambdaRuntime, lambdaRuntime } from './runtime.js';

/** An SQS body is either an EventBridge event (the rule's target) or a ticket the API enqueued. */
export function ticketFromBody(body: string): JobTicket | null {
  const parsed = JSON.parse(body) as Partial<ObjectCreatedEvent> & Partial<JobTicket>;
  if (parsed.source === 'aws.s3' && parsed['detail-type'] === 'Object Created' && parsed.detail) {
    return ticketFromObjectCreated(parsed as ObjectCreatedEvent);
  }
  if (
    typeof parsed.image_id === 'string' &&
    typeof parsed.key === 'string' &&
    typeof parsed.user_id === 'string'
  ) {
    return {
      bucket: String(parsed.bucket ?? ''),
      key: parsed.key,
      image_id: parsed.image_id,
      user_id: parsed.user_id,
      ...(typeof parsed.execution_id === 'string' ? { execution_id: parsed.execution_id } : {}),
    };
  }
  return null;
}

export async function startBatch(
  runtime: LambdaRuntime,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const signal = AbortSignal.timeout(Math.min(remainingMs(context), 2_147_483_647));
  const record = async (item: SQSRecord) => {
    const ticket = ticketFromBody(item.body);
    if (!ticket) {
      // Not ours (another key layout, a test event): nothing to retry.
      runtime.logger.info(
        { message_id: item.messageId },
        'message is neither an upload event nor a ticket: dropped',
      );
      return;
    }
    await runtime.processing.handleTicket(ticket, signal);
  };
  // A batch that fails entirely is reported record by record too, rather than thrown: same redelivery.
  return processPartialResponse(event, record, processor, { context, throwOnFullBatchFailure: false });
}

export const createStarterHandler = (getRuntime: RuntimeProvider) =>
  withRuntime('starter', getRuntime, startBatch);

export const handler = createStarterHandler(lambdaRuntime);
