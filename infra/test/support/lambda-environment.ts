/**
 * What the pipeline's Lambda functions find around them, on this machine: the DynamoDB and SNS/SQS wire
 * servers behind the SDKs' standard configuration, the status table, a fresh embedded-PostgreSQL
 * database (migrated), and Lambda runtimes built on it with the template's variables.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { statusTableDefinition } from '../../../src/adapters/dynamodb/status-store.js';
import { migrate } from '../../../src/adapters/postgres/migrate.js';
import type { UserNotification } from '../../../src/core/domain.js';
import { type LambdaRuntime, buildLambdaRuntime } from '../../../src/entry/lambda/runtime.js';
import { freshDatabaseUrl } from '../../../test/support/database.js';
import { startDynamoDbServer } from '../../../test/wire/dynamodb-server.js';
import { FAKE_AWS_ENV, useEnv } from '../../../test/wire/fake-server.js';
import { type MessagingFake, startMessagingServer } from '../../../test/wire/messaging-server.js';

export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:pharos';

export interface LambdaEnvironment {
  messaging: MessagingFake;
  /** Every notification a runtime of this environment published, in order. */
  messages: UserNotification[];
  /** A runtime with its own pool on the shared database, as a second warm Lambda would have. */
  runtime(variables?: Record<string, string>): Promise<LambdaRuntime>;
  /** Closes the runtimes and the servers, and restores the environment. */
  close(): Promise<void>;
}

export async function startLambdaEnvironment(): Promise<LambdaEnvironment> {
  const [dynamo, messaging] = await Promise.all([startDynamoDbServer(), startMessagingServer()]);
  const topicArn = messaging.createTopic('pharos-notifications');
  const restoreEnv = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_SNS: messaging.url,
    AWS_ENDPOINT_URL_SQS: messaging.url,
  });
  await new DynamoDBClient({}).send(statusTableDefinition('pharos-image-status'));
  const databaseUrl = await freshDatabaseUrl();
  const messages: UserNotification[] = [];
  const runtimes: LambdaRuntime[] = [];
  return {
    messaging,
    messages,
    async runtime(variables = {}) {
      const runtime = await buildLambdaRuntime(
        {
          ...process.env,
          DATABASE_URL: databaseUrl,
          PHAROS_BUCKET: 'pharos-photos',
          PHAROS_DYNAMODB_TABLE: 'pharos-image-status',
          PHAROS_SNS_TOPIC_ARN: topicArn,
          PHAROS_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
          LOG_LEVEL: 'silent',
          ...variables,
        },
        {
          notifier: (inner) => ({
            publish: async (n) => {
              await inner.publish(n);
              messages.push(n);
            },
            subscribe: (listener) => inner.subscribe(listener),
          }),
        },
      );
      if (runtimes.length === 0) await migrate(runtime.db);
      runtimes.push(runtime);
      return runtime;
    },
    async close() {
      restoreEnv();
      await Promise.all(runtimes.map((r) => r.close()));
      await Promise.all([dynamo.close(), messaging.close()]);
    },
  };
}
