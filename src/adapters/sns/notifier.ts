/**
 * SNS as the fan-out. Publishing is one `Publish` to the topic. Subscribing — what an API process
 * holding WebSockets does — needs a way to *receive* from SNS without a public HTTP endpoint, so each
 * subscriber gets its own short-lived SQS queue subscribed to the topic (raw message delivery) and
 * long-polls it: every API process then hears every notification, as with PostgreSQL LISTEN/NOTIFY.
 *
 * The queue's policy admits only this topic; messages expire after a few minutes (a notification is
 * only worth live delivery); closing the subscription unsubscribes and deletes the queue. A process
 * that dies leaves an idle queue behind (named `{prefix}notify-…`, easy to sweep).
 */
import { randomUUID } from 'node:crypto';
import { PublishCommand, SubscribeCommand, type SNSClient, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { UserNotification } from '../../core/domain.js';
import type { Logger } from '../../core/ports/index.js';
import type { Notifier } from '../../core/ports/index.js';
import { createSnsClient, createSqsClient } from '../aws-sdk/clients.js';

export interface SnsNotifierOptions {
  topicArn: string;
  logger: Logger;
  sns?: SNSClient;
  sqs?: SQSClient;
  /** Prefix of the per-subscriber queue names. */
  queueNamePrefix?: string;
  waitTimeSeconds?: number;
}

export class SnsNotifier implements Notifier {
  private readonly sns: SNSClient;
  private readonly sqs: SQSClient;

  constructor(private readonly options: SnsNotifierOptions) {
    this.sns = options.sns ?? createSnsClient();
    this.sqs = options.sqs ?? createSqsClient();
  }

  async publish(notification: UserNotification): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Message: JSON.stringify(notification),
        // Lets a subscription filter by owner without parsing the body.
        MessageAttributes: { user_id: { DataType: 'String', StringValue: notification.user_id } },
      }),
    );
  }

  async subscribe(listener: (notification: UserNotification) => void): Promise<() => Promise<void>> {
    const { logger } = this.options;
    const QueueName = `${this.options.queueNamePrefix ?? 'pharos-'}notify-${randomUUID().slice(0, 18)}`;
    const created = await this.sqs.send(
      new CreateQueueCommand({ QueueName, Attributes: { MessageRetentionPeriod: '300' } }),
    );
    const queueUrl = created.QueueUrl!;
    const attributes = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = attributes.Attributes!.QueueArn!;
    // The policy names the queue's own ARN, which exists only once the queue does.
    await this.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: topicMayWrite(queueArn, this.options.topicArn) },
      }),
    );
    const subscription = await this.sns.send(
      new SubscribeCommand({
        TopicArn: this.options.topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: 'true' },
        ReturnSubscriptionArn: true,
      }),
    );

    const stopping = new AbortController();
    const loop = (async () => {
      let failures = 0;
      while (!stopping.signal.aborted) {
        try {
          const { Messages = [] } = await this.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
            }),
            { abortSignal: stopping.signal },
          );
          failures = 0;
          for (const message of Messages) {
            const notification = parseNotification(message.Body);
            if (notification) listener(notification);
            else logger.warn({ message_id: message.MessageId }, 'dropped a malformed notification');
          }
          if (Messages.length) {
            await this.sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
              }),
            );
          }
        } catch (error) {
          if (stopping.signal.aborted) break;
          failures += 1;
          logger.warn({ err: error }, 'notification receive failed; polling again');
          await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** failures, 5_000)));
        }
      }
    })();

    return async () => {
      stopping.abort();
      await loop;
      await this.sns
        .send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn! }))
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'unsubscribe failed');
        });
      await this.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch((error: unknown) => {
        logger.warn({ err: error }, 'deleting the notification queue failed');
      });
    };
  }
}

function topicMayWrite(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

/** Raw delivery gives the message itself; without it SNS wraps it in a JSON envelope. Both are read. */
function parseNotification(body: string | undefined): UserNotification | null {
  try {
    let value = JSON.parse(body ?? '') as Record<string, unknown>;
    if (value.Type === 'Notification' && typeof value.Message === 'string')
      value = JSON.parse(value.Message) as Record<string, unknown>;
    const message = value.message as Record<string, unknown> | undefined;
    if (typeof value.user_id !== 'string' || !message || typeof message.type !== 'string') return null;
    return value as unknown as UserNotification;
  } catch {
    return null;
  }
}
