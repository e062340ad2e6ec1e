/**
 * SQS as the job queue. A worker long-polls, keeps each message invisible while its handler runs
 * (extending the visibility timeout on a heartbeat, so a slow job is not handed to a second worker),
 * deletes the message when the handler resolves, and otherwise leaves it: it reappears after a short
 * backoff, and after the queue's `maxReceiveCount` the redrive policy moves it to the dead-letter queue.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../../core/ports/index.js';
import type { JobQueue, QueuedJob } from '../../core/ports/index.js';
import { createSqsClient } from '../aws-sdk/clients.js';

export interface SqsQueueOptions {
  logger: Logger;
  client?: SQSClient;
  /** Prepended to the port's queue name to find the SQS queue (`{prefix}image-processing`). */
  queueNamePrefix?: string;
  /** Messages handled at once per `work()` (SQS receives at most 10 per call). */
  batchSize?: number;
  /** Long-poll wait, 0–20 s. */
  waitTimeSeconds?: number;
  /** Visibility granted at receipt and renewed every third of it while the handler runs. */
  visibilityTimeoutSeconds?: number;
  /** How long stop() lets in-flight jobs finish before aborting them (they are then redelivered). */
  shutdownGraceMs?: number;
}

export class SqsQueue implements JobQueue {
  private readonly client: SQSClient;
  private readonly urls = new Map<string, Promise<string>>();
  private readonly stopping = new AbortController();
  private readonly aborting = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: SqsQueueOptions) {
    this.client = options.client ?? createSqsClient();
  }

  private urlOf(queue: string): Promise<string> {
    let url = this.urls.get(queue);
    if (!url) {
      const QueueName = `${this.options.queueNamePrefix ?? ''}${queue}`;
      url = this.client.send(new GetQueueUrlCommand({ QueueName })).then((o) => o.QueueUrl!);
      url.catch(() => this.urls.delete(queue));
      this.urls.set(queue, url);
    }
    return url;
  }

  async send<T extends object>(queue: string, data: T): Promise<string> {
    const output = await this.client.send(
      new SendMessageCommand({ QueueUrl: await this.urlOf(queue), MessageBody: JSON.stringify(data) }),
    );
    return output.MessageId!;
  }

  async work<T extends object>(
    queue: string,
    handler: (job: QueuedJob<T>, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const url = await this.urlOf(queue); // fails here, at start, when the queue does not exist
    this.loops.push(this.poll(queue, url, handler));
  }

  private async poll<T extends object>(
    queue: string,
    url: string,
    handler: (job: QueuedJob<T>, signal: AbortSignal) => Promise<void>,
  ) {
    const capacity = Math.min(10, this.options.batchSize ?? 4);
    const inFlight = new Set<Promise<void>>();
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      if (inFlight.size >= capacity) {
        await Promise.race(inFlight);
        continue;
      }
      let messages: Message[];
      try {
        const output = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: capacity - inFlight.size,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
            VisibilityTimeout: this.visibility,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: this.stopping.signal },
        );
        messages = output.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        failures += 1;
        this.options.logger.warn({ err: error, queue }, 'queue receive failed; polling again');
        await sleep(Math.min(200 * 2 ** failures, 10_000), this.stopping.signal);
        continue;
      }
      for (const message of messages) {
        const job = this.handle(queue, url, message, handler).finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
    }
    await Promise.allSettled(inFlight);
  }

  private get visibility(): number {
    return this.options.visibilityTimeoutSeconds ?? 60;
  }

  private async handle<T extends object>(
    queue: string,
    url: string,
    message: Message,
    handler: (job: QueuedJob<T>, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const receipt = message.ReceiptHandle!;
    const heartbeat = setInterval(
      () => {
        this.client
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: url,
              ReceiptHandle: receipt,
              VisibilityTimeout: this.visibility,
            }),
          )
          .catch((error: unknown) =>
            this.options.logger.warn(
              { err: error, queue, job_id: message.MessageId },
              'visibility extension failed',
            ),
          );
      },
      (this.visibility * 1000) / 3,
    );
    try {
      let data: T;
      try {
        data = JSON.parse(message.Body ?? '') as T;
      } catch (error) {
        // Left alone, a body that is not JSON goes to the dead-letter queue after maxReceiveCount.
        throw new Error(`message ${message.MessageId} is not JSON`, { cause: error });
      }
      await handler({ id: message.MessageId!, data }, this.aborting.signal);
      clearInterval(heartbeat);
      await this.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receipt }));
    } catch (error) {
      clearInterval(heartbeat);
      const receives = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      // Back off before the redelivery (1 s, 2 s, 4 s … 30 s), like the local queue's retryBackoff.
      const backoff = Math.min(30, 2 ** (receives - 1));
      this.options.logger.warn(
        { err: error, queue, job_id: message.MessageId, receives },
        'job failed; it will be redelivered',
      );
      await this.client
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: receipt,
            VisibilityTimeout: backoff,
          }),
        )
        .catch(() => undefined); // the visibility timeout brings it back anyway
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('queue stopping'));
    const grace = this.options.shutdownGraceMs ?? 10_000;
    const abortLater = setTimeout(() => this.aborting.abort(new Error('shutting down')), grace);
    try {
      await Promise.allSettled(this.loops);
    } finally {
      clearTimeout(abortLater);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
