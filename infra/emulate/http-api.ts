/**
 * API Gateway HTTP API: the template's routes (`ANY /images/{proxy+}`, `GET /healthz`, `$default`),
 * matched as API Gateway matches them (most specific path first, a method over ANY), each route's JWT
 * authorizer (issuer discovery → JWKS, `iss`, expiry, `aud` or `client_id` in the audience list; a
 * failure is API Gateway's own 401 `{"message":"Unauthorized"}`), and Lambda proxy integrations with
 * payload format 2.0. Lambda's limits show as API Gateway shows them (a request over the 6 MB invoke
 * limit is refused before the function runs; a function error is a 500 `{"message":"Internal Server Error"}`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { InvokeError, type LocalFunction } from './lambda.js';
import { type Bound, closeServer } from './net.js';
import { ACCOUNT } from './template.js';

export interface JwtAuthorizer {
  issuer: string;
  audience: string[];
  /** `$request.header.Authorization` */
  identitySource: string[];
}

export interface HttpRoute {
  routeKey: string;
  fn: LocalFunction;
  authorizer?: JwtAuthorizer;
}

export interface HttpCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge?: number;
}

/** HTTP API's own request limit. */
const HTTP_API_BODY_LIMIT = 10 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml|javascript))/;

function parseRoute(routeKey: string) {
  if (routeKey === '$default') return { method: 'ANY', segments: null };
  const [method, path] = routeKey.split(' ') as [string, string];
  return { method, segments: path.split('/').filter(Boolean) };
}

/** Path parameters when the route matches, else null. */
function matchPath(segments: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(segment);
    if (greedy) {
      if (i >= parts.length) return null;
      params[greedy[1]!] = parts.slice(i).join('/');
      return params;
    }
    if (i >= parts.length) return null;
    const param = /^\{(.+)\}$/.exec(segment);
    if (param) params[param[1]!] = decodeURIComponent(parts[i]!);
    else if (segment !== parts[i]) return null;
  }
  return segments.length === parts.length ? params : null;
}

/** API Gateway's precedence: literal segments over variables over greedy; a method over ANY. */
function specificity(routeKey: string): number {
  const { method, segments } = parseRoute(routeKey);
  if (!segments) return -1;
  let score = 0;
  for (const s of segments) score = score * 4 + (s.endsWith('+}') ? 1 : s.startsWith('{') ? 2 : 3);
  return score * 2 + (method === 'ANY' ? 0 : 1);
}

export class HttpApi {
  private server: Server | undefined;
  url = '';
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  /** Every request's route and status, for inspection. */
  readonly log: { method: string; path: string; route: string | null; status: number }[] = [];

  constructor(
    readonly apiId: string,
    private readonly routes: HttpRoute[],
    private readonly cors?: HttpCors,
  ) {
    this.routes.sort((a, b) => specificity(b.routeKey) - specificity(a.routeKey));
  }

  attach(bound: Bound): void {
    this.server = bound.server;
    this.url = bound.url;
    this.server.on('request', (req, res) => void this.handle(req, res));
  }

  private async verify(authorizer: JwtAuthorizer, req: IncomingMessage): Promise<JWTPayload | null> {
    const header = String(req.headers.authorization ?? '');
    const token = header.replace(/^Bearer\s+/i, '').trim();
    if (!token) return null;
    let jwks = this.jwks.get(authorizer.issuer);
    if (!jwks) {
      const discovery = (await (
        await fetch(`${authorizer.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
      ).json()) as { jwks_uri: string };
      jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
      this.jwks.set(authorizer.issuer, jwks);
    }
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: authorizer.issuer });
      const audiences = [payload.aud, payload.client_id]
        .flat()
        .filter((a): a is string => typeof a === 'string');
      return audiences.some((a) => authorizer.audience.includes(a)) ? payload : null;
    } catch {
      return null;
    }
  }

  private corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = String(req.headers.origin ?? '');
    if (!this.cors || !origin) return {};
    const allowed = this.cors.allowOrigins.includes('*') || this.cors.allowOrigins.includes(origin);
    if (!allowed) return {};
    return {
      'access-control-allow-origin':
        this.cors.allowOrigins.includes('*') && !this.cors.allowCredentials ? '*' : origin,
      ...(this.cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(this.cors.exposeHeaders.length
        ? { 'access-control-expose-headers': this.cors.exposeHeaders.join(',') }
        : {}),
      vary: 'origin',
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api');
    const method = req.method ?? 'GET';
    const send = (status: number, body: string | Buffer, headers: Record<string, string | string[]> = {}) => {
      this.log.push({ method, path: url.pathname, route: matched?.routeKey ?? null, status });
      res.writeHead(status, { ...this.corsHeaders(req), ...headers });
      res.end(body);
    };
    const message = (status: number, text: string) =>
      send(status, JSON.stringify({ message: text }), { 'content-type': 'application/json' });
    let matched: HttpRoute | undefined;

    if (method === 'OPTIONS' && this.cors && req.headers['access-control-request-method']) {
      // CORS preflight: answered by API Gateway itself, before any route.
      const headers = this.corsHeaders(req);
      return send(204, '', {
        ...headers,
        'access-control-allow-methods': this.cors.allowMethods.join(','),
        'access-control-allow-headers': this.cors.allowHeaders.join(','),
        ...(this.cors.maxAge !== undefined ? { 'access-control-max-age': String(this.cors.maxAge) } : {}),
      });
    }

    const parts = url.pathname.split('/').filter(Boolean);
    let pathParameters: Record<string, string> | null = null;
    for (const route of this.routes) {
      const { method: m, segments } = parseRoute(route.routeKey);
      if (m !== 'ANY' && m !== method) continue;
      pathParameters = segments ? matchPath(segments, parts) : {};
      if (pathParameters) {
        matched = route;
        break;
      }
    }
    if (!matched) return message(404, 'Not Found');

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).byteLength;
      if (size > HTTP_API_BODY_LIMIT) return message(413, 'Request Entity Too Large');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);

    let claims: JWTPayload | null = null;
    if (matched.authorizer) {
      claims = await this.verify(matched.authorizer, req);
      if (!claims)
        return send(401, JSON.stringify({ message: 'Unauthorized' }), {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer',
        });
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'cookie') continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const contentType = String(req.headers['content-type'] ?? '');
    const textual = !body.byteLength || TEXT_TYPES.test(contentType);
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: matched.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(req.headers.cookie ? { cookies: String(req.headers.cookie).split(/;\s*/) } : {}),
      headers,
      ...(url.search
        ? {
            queryStringParameters: Object.fromEntries(
              [...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k).join(',')]),
            ),
          }
        : {}),
      ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
      requestContext: {
        accountId: ACCOUNT,
        apiId: this.apiId,
        ...(claims
          ? {
              authorizer: {
                jwt: {
                  claims: Object.fromEntries(
                    Object.entries(claims).map(([k, v]) => [
                      k,
                      typeof v === 'string' ? v : JSON.stringify(v),
                    ]),
                  ),
                  scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : null,
                },
              },
            }
          : {}),
        domainName: String(req.headers.host ?? ''),
        domainPrefix: String(req.headers.host ?? '').split('.')[0],
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: String(req.headers['user-agent'] ?? ''),
        },
        requestId: randomUUID(),
        routeKey: matched.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.byteLength ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !textual,
    };

    let result: unknown;
    try {
      result = await matched.fn.invoke(event);
    } catch (error) {
      if (error instanceof InvokeError && error.name === 'RequestEntityTooLargeException')
        return message(413, 'Request Entity Too Large');
      return message(500, 'Internal Server Error');
    }
    // Payload 2.0: an object with statusCode is a response; anything else is a 200 JSON body.
    const response =
      result && typeof result === 'object' && 'statusCode' in result
        ? (result as {
            statusCode: number;
            headers?: Record<string, string>;
            multiValueHeaders?: Record<string, string[]>;
            cookies?: string[];
            body?: string;
            isBase64Encoded?: boolean;
          })
        : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
    const out: Record<string, string | string[]> = { ...(response.headers ?? {}) };
    for (const [k, v] of Object.entries(response.multiValueHeaders ?? {})) out[k] = v;
    if (response.cookies?.length) out['set-cookie'] = response.cookies;
    const payload = response.body ?? '';
    send(response.statusCode, response.isBase64Encoded ? Buffer.from(payload, 'base64') : payload, out);
  }

  async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }
}
