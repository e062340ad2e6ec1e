/** The WebSocket handlers with API Gateway's real event shapes, against DynamoDB (dynalite) and a fake management API. */
import { ApiGatewayManagementApiClient, GoneException } from '@aws-sdk/client-apigatewaymanagementapi';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { ConnectionsTable } from '../../src/entry/lambda/connections.js';
import {
  type ConnectEvent,
  type WebSocketDependencies,
  createConnectHandler,
  createDisconnectHandler,
  createNotifierHandler,
} from '../../src/entry/lambda/websocket.js';
import { startDynamoDbServer } from '../../test/wire/dynamodb-server.js';
import { FAKE_AWS_ENV, type FakeServer, useEnv } from '../../test/wire/fake-server.js';

let dynamo: FakeServer;
let restore: () => void;
let deps: WebSocketDependencies;
const posted: { ConnectionId: string; Data: string }[] = [];

beforeAll(async () => {
  dynamo = await startDynamoDbServer();
  restore = useEnv({ ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_DYNAMODB: dynamo.url });
  const client = new DynamoDBClient({});
  await client.send(
    new CreateTableCommand({
      TableName: 'connections',
      AttributeDefinitions: [
        { AttributeName: 'connection_id', AttributeType: 'S' },
        { AttributeName: 'user_id', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'connection_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by_user',
          KeySchema: [{ AttributeName: 'user_id', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const management = {
    send: async (command: { input: { ConnectionId: string; Data: Uint8Array } }) => {
      if (command.input.ConnectionId === 'gone')
        throw new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
      posted.push({
        ConnectionId: command.input.ConnectionId,
        Data: new TextDecoder().decode(command.input.Data),
      });
      return {};
    },
  } as unknown as ApiGatewayManagementApiClient;
  deps = {
    connections: new ConnectionsTable(client, 'connections'),
    verifier: {
      verify: async (token: string) => {
        if (token !== 'good') throw new InvalidTokenError('bad token');
        return { userId: 'alice' };
      },
    },
    management,
    logger: silentLogger,
  };
});
afterAll(async () => {
  restore?.();
  await dynamo?.close();
});

const connectEvent = (connectionId: string, token?: string): ConnectEvent =>
  ({
    headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
    queryStringParameters: token ? { token } : null,
    isBase64Encoded: false,
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
      connectionId,
      stage: 'live',
      apiId: 'abc',
      requestId: 'r',
      connectedAt: Date.now(),
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      extendedRequestId: 'x',
      messageDirection: 'IN',
      messageId: 'm',
      requestTimeEpoch: Date.now(),
    },
  }) as unknown as ConnectEvent;

describe('WebSocket handlers', () => {
  it('$connect refuses a missing or bad token and stores a good one with its owner', async () => {
    const connect = createConnectHandler(() => deps);
    expect((await connect(connectEvent('c0'))).statusCode).toBe(401);
    expect((await connect(connectEvent('c0', 'forged'))).statusCode).toBe(401);
    expect((await connect(connectEvent('c1', 'good'))).statusCode).toBe(200);
    expect((await connect(connectEvent('gone', 'good'))).statusCode).toBe(200);
    expect((await deps.connections.ofUser('alice')).sort()).toEqual(['c1', 'gone']);
  });

  it("the notifier posts the seed's exact message to the owner's connections and forgets gone ones", async () => {
    const message = { type: 'image_processing_complete', image_id: 'img-1', status: 'READY' };
    const event: SNSEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:eu-west-1:000000000000:t:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'm1',
            TopicArn: 'arn:aws:sns:eu-west-1:000000000000:t',
            Subject: '',
            Message: JSON.stringify({ user_id: 'alice', message }),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: 's',
            SigningCertUrl: 'u',
            UnsubscribeUrl: 'u',
            MessageAttributes: { user_id: { Type: 'String', Value: 'alice' } },
          },
        },
      ],
    };
    const result = await createNotifierHandler(() => deps)(event);
    expect(result).toEqual({ delivered: 1, gone: 1 });
    expect(posted).toEqual([{ ConnectionId: 'c1', Data: JSON.stringify(message) }]);
    expect(await deps.connections.ofUser('alice')).toEqual(['c1']);
  });

  it('$disconnect removes the connection', async () => {
    const event = connectEvent('c1');
    (event.requestContext as { routeKey: string }).routeKey = '$disconnect';
    expect((await createDisconnectHandler(() => deps)(event)).statusCode).toBe(200);
    expect(await deps.connections.ofUser('alice')).toEqual([]);
  });
});
