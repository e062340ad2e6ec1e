/** The caller's address: Node's socket locally, API Gateway's sourceIp on Lambda. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // Not on Node's HTTP server: hono/aws-lambda passes the API Gateway request context as env.
    const env = c.env as { requestContext?: { http?: { sourceIp?: string } } } | undefined;
    return env?.requestContext?.http?.sourceIp;
  }
}
