/**
 * Chooses the runtime adapters (the seed's S3, SQS, DynamoDB and SNS roles) by configuration, so a
 * self-hosted deployment can mix PostgreSQL with AWS services: each port independently.
 */
import path from 'node:path';
import { DynamoDbStatusStore } from '../adapters/dynamodb/status-store.js';
import { S3Storage } from '../adapters/s3/storage.js';
import { SnsNotifier } from '../adapters/sns/notifier.js';
import { SqsQueue } from '../adapters/sqs/queue.js';
import type { Db } from '../adapters/postgres/db.js';
import { PostgresNotifier } from '../adapters/postgres/notifier.js';
import { PostgresStatusStore } from '../adapters/postgres/status-store.js';
import { PgBossQueue } from '../adapters/pgboss/queue.js';
import { FileSystemStorage } from '../adapters/filesystem/storage.js';
import type { Logger } from '../core/ports/index.js';
import type { JobQueue, Notifier, ObjectStorage, StatusStore } from '../core/ports/index.js';
import type { Config } from './config.js';

export interface RuntimeAdapters {
  storage: ObjectStorage;
  queue: JobQueue;
  status: StatusStore;
  notifier: Notifier;
}

export function selectRuntimeAdapters(
  config: Config,
  deps: { db: Db; databaseUrl: string; logger: Logger },
): RuntimeAdapters {
  const { db, databaseUrl, logger } = deps;
  return {
    storage:
      config.PHAROS_STORAGE === 's3'
        ? new S3Storage({ bucket: config.PHAROS_BUCKET })
        : new FileSystemStorage(path.join(config.dataDir, 'objects'), config.PHAROS_BUCKET),
    queue:
      config.PHAROS_QUEUE === 'sqs'
        ? new SqsQueue({
            logger,
            queueNamePrefix: config.PHAROS_SQS_QUEUE_PREFIX,
            batchSize: config.workerConcurrency,
            waitTimeSeconds: config.PHAROS_SQS_WAIT_SECONDS,
            visibilityTimeoutSeconds: config.PHAROS_SQS_VISIBILITY_SECONDS,
          })
        : new PgBossQueue({
            url: databaseUrl,
            logger,
            concurrency: config.workerConcurrency,
            superviseIntervalSeconds: config.PHAROS_QUEUE_SUPERVISE_SECONDS,
          }),
    status:
      config.PHAROS_STATUS === 'dynamodb'
        ? new DynamoDbStatusStore({ tableName: config.PHAROS_DYNAMODB_TABLE })
        : new PostgresStatusStore(db),
    notifier:
      config.PHAROS_NOTIFIER === 'sns'
        ? new SnsNotifier({
            topicArn: config.PHAROS_SNS_TOPIC_ARN!,
            logger,
            queueNamePrefix: config.PHAROS_SQS_QUEUE_PREFIX,
            waitTimeSeconds: config.PHAROS_SQS_WAIT_SECONDS,
          })
        : new PostgresNotifier(db, databaseUrl, logger),
  };
}
