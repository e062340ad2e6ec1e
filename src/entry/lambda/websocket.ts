/**
 * The WebSocket side on API Gateway: `$connect` authorised with the Cognito JWT (browsers cannot set
 * headers on a WebSocket, so the token comes as `?token=`, as with the local server's `/ws`), the
 * connection stored with its owner in DynamoDB; `$disconnect` removes it; the SNS-subscribed notifier
 * posts each notification's message — the seed's exact JSON — to every connection of its owner and
 * forgets the ones API Gateway says are gone (410).
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult, APIGatewayProxyWebsocketEventV2, Context, SNSEvent } from 'aws-lambda';
import { OidcTokenVerifier } from '../../adapters/jwt/oidc-verifier.js';
import type { TokenVerifier } from '../../core/ports/index.js';
import { createLogger } from '../../app/logger.js';
import type { UserNotification } from '../../core/domain.js';
import type { Logger } from '../../core/ports/index.js';
import { ConnectionsTable } from './connections.js';

export interface WebSocketDependencies {
  connections: ConnectionsTable;
  verifier: TokenVerifier;
  management: ApiGatewayManagementApiClient;
  logger: Logger;
}

/** `$connect` carries the query string; the V2 WebSocket event type leaves it out. */
export type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  queryStringParameters?: Record<string, string | undefined> | null;
  headers?: Record<string, string | undefined>;
};

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

let cached: WebSocketDependencies | undefined;
export function webSocketDependencies(env: NodeJS.ProcessEnv = process.env): WebSocketDependencies {
  let management: ApiGatewayManagementApiClient | undefined;
  cached ??= {
    connections: new ConnectionsTable(new DynamoDBClient({}), required(env, 'PHAROS_CONNECTIONS_TABLE')),
    verifier: new OidcTokenVerifier({
      issuer: required(env, 'OIDC_ISSUER'),
      audience: env.OIDC_AUDIENCE,
      jwksUrl: env.OIDC_JWKS_URL,
    }),
    // Only the notifier posts to connections (and has the callback URL): built when first used.
    get management() {
      return (management ??= new ApiGatewayManagementApiClient({
        endpoint: required(env, 'PHAROS_WS_ENDPOINT'),
      }));
    },
    logger: createLogger(env.LOG_LEVEL ?? 'info'),
  };
  return cached;
}

export function createConnectHandler(deps: () => WebSocketDependencies) {
  return async (event: ConnectEvent, _context?: Context): Promise<APIGatewayProxyResult> => {
    const { connections, verifier, logger } = deps();
    const connectionId = event.requestContext.connectionId;
    const header = event.headers?.Authorization ?? event.headers?.authorization;
    const token = event.queryStringParameters?.token ?? /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) return { statusCode: 401, body: 'send ?token=<Cognito JWT>' };
    let userId: string;
    try {
      userId = (await verifier.verify(token)).userId;
    } catch (error) {
      logger.info(
        { connection_id: connectionId, reason: (error as Error).message },
        'WebSocket connection refused',
      );
      return { statusCode: 401, body: 'invalid token' };
    }
    await connections.add(connectionId, userId);
    logger.info({ connection_id: connectionId, user_id: userId }, 'WebSocket connected');
    return { statusCode: 200, body: 'connected' };
  };
}

export function createDisconnectHandler(deps: () => WebSocketDependencies) {
  return async (
    event: APIGatewayProxyWebsocketEventV2,
    _context?: Context,
  ): Promise<APIGatewayProxyResult> => {
    await deps().connections.remove(event.requestContext.connectionId);
    return { statusCode: 200, body: 'disconnected' };
  };
}

/** Posts each SNS notification to its owner's connections; a record whose delivery fails is retried by SNS. */
export function createNotifierHandler(deps: () => WebSocketDependencies) {
  return async (event: SNSEvent, _context?: Context): Promise<{ delivered: number; gone: number }> => {
    const { connections, management, logger } = deps();
    let delivered = 0;
    let gone = 0;
    for (const record of event.Records) {
      const notification = JSON.parse(record.Sns.Message) as UserNotification;
      if (!notification?.user_id || !notification.message) {
        logger.warn({ message_id: record.Sns.MessageId }, 'SNS message is not a notification: dropped');
        continue;
      }
      const data = new TextEncoder().encode(JSON.stringify(notification.message));
      for (const connectionId of await connections.ofUser(notification.user_id)) {
        try {
          await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
          delivered += 1;
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (error instanceof GoneException || (error as Error).name === 'GoneException' || status === 410) {
            await connections.remove(connectionId);
            gone += 1;
          } else throw error;
        }
      }
    }
    return { delivered, gone };
  };
}
