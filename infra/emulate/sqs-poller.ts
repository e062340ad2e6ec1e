/**
 * A Lambda event source mapping on an SQS queue, as the Lambda service runs it: pollers (the mapping's
 * maximum concurrency) long-poll the queue, gather up to the batch size within the batching window,
 * invoke the function with the SQS event, and delete what succeeded — everything, or with
 * ReportBatchItemFailures everything but the reported items. A failed batch is left to the queue:
 * it reappears after the visibility timeout and, past maxReceiveCount, the redrive policy moves it.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { LocalFunction } from './lambda.js';
import { REGION } from './template.js';

export interface PollerOptions {
  batchSize: number;
  windowSeconds: number;
  concurrency: number;
  reportBatchItemFailures: boolean;
}

export class SqsPoller {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
    private readonly fn: LocalFunction,
    private readonly options: PollerOptions,
  ) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < Math.max(1, this.options.concurrency); i++) this.loops.push(this.loop());
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const output = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: this.abort.signal },
    );
    return output.Messages ?? [];
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.receive(this.options.batchSize, 1);
        if (!batch.length) continue;
        // The batching window: keep gathering until the batch is full or the window closes.
        const closes = Date.now() + this.options.windowSeconds * 1000;
        while (this.running && batch.length < this.options.batchSize && Date.now() < closes)
          batch.push(...(await this.receive(this.options.batchSize - batch.length, 0)));
        await this.deliver(batch);
      } catch {
        if (this.running) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async deliver(batch: Message[]): Promise<void> {
    const event = {
      Records: batch.map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAEMULATED',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: this.queueArn,
        awsRegion: REGION,
      })),
    };
    let failed = new Set<string>();
    try {
      const result = (await this.fn.invoke(event)) as {
        batchItemFailures?: { itemIdentifier: string }[];
      } | null;
      if (this.options.reportBatchItemFailures)
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      return; // the whole batch comes back after its visibility timeout
    }
    const done = batch.filter((m) => !failed.has(m.MessageId!));
    if (done.length)
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }
}
