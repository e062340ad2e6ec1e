/**
 * The WebSocket connections table: one item per API Gateway connection id with its owner's user id,
 * expiring by TTL after API Gateway's two-hour connection limit (a missed `$disconnect` cleans itself).
 * A `user_id` index finds an owner's connections for the notifier.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';

export const CONNECTIONS_USER_INDEX = 'by_user';
/** API Gateway closes a WebSocket after two hours at most. */
export const CONNECTION_TTL_SECONDS = 2 * 3600;

export class ConnectionsTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async add(connectionId: string, userId: string, now = new Date()): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          connection_id: { S: connectionId },
          user_id: { S: userId },
          connected_at: { S: now.toISOString() },
          expires_at: { N: String(Math.floor(now.getTime() / 1000) + CONNECTION_TTL_SECONDS) },
        },
      }),
    );
  }

  async remove(connectionId: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: { connection_id: { S: connectionId } } }),
    );
  }

  async ofUser(userId: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: CONNECTIONS_USER_INDEX,
          KeyConditionExpression: 'user_id = :u',
          ExpressionAttributeValues: { ':u': { S: userId } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of output.Items ?? []) if (item.connection_id?.S) ids.push(item.connection_id.S);
      start = output.LastEvaluatedKey;
    } while (start);
    return ids;
  }
}
