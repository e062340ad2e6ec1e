/**
 * DynamoDB as the status scoreboard: one item per photo, keyed by `image_id`. Every write is
 * conditional on `execution_seq`, so a late write from an older execution can never overwrite the
 * status written by a newer one (the same rule as the PostgreSQL adapter's `WHERE`).
 * No idempotency records are kept here, so the table needs no TTL attribute.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { IMAGE_STATUSES, type ImageStatus } from '../../core/domain.js';
import type { StatusRecord, StatusStore } from '../../core/ports/index.js';
import { createDynamoDbClient } from '../aws-sdk/clients.js';

export interface DynamoDbStatusStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
}

export class DynamoDbStatusStore implements StatusStore {
  private readonly client: DynamoDBClient;

  constructor(private readonly options: DynamoDbStatusStoreOptions) {
    this.client = options.client ?? createDynamoDbClient();
  }

  async put(record: Omit<StatusRecord, 'updated_at'>): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            image_id: { S: record.image_id },
            user_id: { S: record.user_id },
            status: { S: record.status },
            execution_seq: { N: String(record.execution_seq) },
            execution_id: record.execution_id === null ? { NULL: true } : { S: record.execution_id },
            updated_at: { S: new Date().toISOString() },
          },
          ConditionExpression: 'attribute_not_exists(image_id) OR execution_seq <= :seq',
          ExpressionAttributeValues: { ':seq': { N: String(record.execution_seq) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(imageId: string): Promise<StatusRecord | null> {
    // Strongly consistent: the API reads the status a worker has just written.
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { image_id: { S: imageId } },
        ConsistentRead: true,
      }),
    );
    return Item ? recordOf(Item) : null;
  }

  async delete(imageId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.options.tableName, Key: { image_id: { S: imageId } } }),
    );
  }
}

function recordOf(item: Record<string, AttributeValue>): StatusRecord {
  const status = item.status?.S as ImageStatus | undefined;
  if (!status || !IMAGE_STATUSES.includes(status))
    throw new Error(`status item has an unknown status: ${item.status?.S}`);
  return {
    image_id: item.image_id!.S!,
    user_id: item.user_id?.S ?? '',
    status,
    execution_seq: Number(item.execution_seq?.N ?? 0),
    execution_id: item.execution_id?.S ?? null,
    updated_at: item.updated_at?.S ?? new Date(0).toISOString(),
  };
}

/** The table's definition (the CDK stack declares the same): on-demand, `image_id` hash key. */
export function statusTableDefinition(tableName: string) {
  return new CreateTableCommand({
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: 'image_id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'image_id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
}
