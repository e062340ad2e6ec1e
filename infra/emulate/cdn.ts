/**
 * CloudFront: one distribution's behaviours in order (path patterns with `*` and `?`, the default
 * behaviour last) routing to its origins — an S3 origin (read with the distribution's origin access,
 * so a missing key is S3's 403, the bucket being private) or a custom origin (the request forwarded
 * with the viewer's headers but Host, as ALL_VIEWER_EXCEPT_HOST_HEADER does) — then the distribution's
 * custom error responses (which, as on CloudFront, apply to every origin), and the default root object.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import vm from 'node:vm';
import { type Bound, closeServer } from './net.js';

export interface CdnOrigin {
  id: string;
  kind: 's3' | 'custom';
  /** S3: the bucket; custom: `host:port` */
  target: string;
  originPath: string;
}

export interface CdnBehaviour {
  pathPattern: string;
  originId: string;
  /** A CloudFront Function's code, run on viewer request. */
  viewerRequest?: string | undefined;
}

export interface CdnErrorResponse {
  errorCode: number;
  responseCode?: number;
  responsePagePath?: string;
}

export interface DistributionSpec {
  origins: CdnOrigin[];
  behaviours: CdnBehaviour[];
  defaultOriginId: string;
  defaultViewerRequest?: string | undefined;
  defaultRootObject?: string;
  errorResponses: CdnErrorResponse[];
}

export type ObjectReader = (
  bucket: string,
  key: string,
) => { bytes: Buffer; contentType: string } | undefined;

/** CloudFront's path pattern: `*` any run of characters, `?` one; the leading slash is optional. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const normalized = pattern.startsWith('/') ? pattern : `/${pattern}`;
  const regex = new RegExp(
    `^${normalized
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(path);
}

type ViewerRequest = {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
};
type FunctionResult =
  | ViewerRequest
  | { statusCode: number; headers?: Record<string, { value: string }>; body?: string | { data: string } };

/** Runs a CloudFront Function (JavaScript runtime 2.0) on the viewer request, in a sandbox of its own. */
export function runViewerRequest(code: string, request: ViewerRequest): FunctionResult {
  const handler = new vm.Script(`${code}\n;handler`).runInNewContext({}) as (
    event: unknown,
  ) => FunctionResult;
  return handler({
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '127.0.0.1' },
    request,
  });
}

interface OriginAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export class Distribution {
  private server: Server | undefined;
  url = '';
  readonly log: { path: string; origin: string; status: number }[] = [];

  constructor(
    private readonly spec: DistributionSpec,
    private readonly readObject: ObjectReader,
  ) {}

  attach(bound: Bound): void {
    this.server = bound.server;
    this.url = bound.url;
    this.server.on('request', (req, res) => void this.handle(req, res));
  }

  private behaviourFor(path: string): { origin: CdnOrigin; viewerRequest?: string | undefined } {
    const behaviour = this.spec.behaviours.find((b) => matchesPathPattern(b.pathPattern, path));
    const id = behaviour?.originId ?? this.spec.defaultOriginId;
    const origin = this.spec.origins.find((o) => o.id === id);
    if (!origin) throw new Error(`no origin ${id}`);
    return { origin, viewerRequest: behaviour ? behaviour.viewerRequest : this.spec.defaultViewerRequest };
  }

  private originFor(path: string): CdnOrigin {
    return this.behaviourFor(path).origin;
  }

  private fromS3(origin: CdnOrigin, path: string, method: string): OriginAnswer {
    if (method !== 'GET' && method !== 'HEAD')
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from('<Error><Code>AccessDenied</Code></Error>'),
      };
    const key = `${origin.originPath}${path}`.replace(/^\//, '');
    const object = this.readObject(origin.target, decodeURIComponent(key));
    if (!object)
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'),
      };
    return { status: 200, headers: { 'content-type': object.contentType }, body: object.bytes };
  }

  private async fromCustom(
    origin: CdnOrigin,
    req: IncomingMessage,
    pathAndQuery: string,
    body: Buffer,
  ): Promise<OriginAnswer> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))
        continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const answer = await fetch(`http://${origin.target}${origin.originPath}${pathAndQuery}`, {
      method: req.method,
      headers,
      body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : new Uint8Array(body),
      redirect: 'manual',
    });
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name))
        out[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length) out['set-cookie'] = cookies;
    return { status: answer.status, headers: out, body: Buffer.from(await answer.arrayBuffer()) };
  }

  private async fetchFrom(
    origin: CdnOrigin,
    req: IncomingMessage,
    path: string,
    search: string,
    body: Buffer,
  ) {
    return origin.kind === 's3'
      ? this.fromS3(origin, path, req.method ?? 'GET')
      : this.fromCustom(origin, req, `${path}${search}`, body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let path = url.pathname;
    try {
      const behaviour = this.behaviourFor(path);
      const origin = behaviour.origin;
      if (behaviour.viewerRequest) {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [
            k,
            { value: Array.isArray(v) ? v.join(',') : String(v) },
          ]),
        );
        const querystring = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, { value: v }]));
        const result = runViewerRequest(behaviour.viewerRequest, {
          method: req.method ?? 'GET',
          uri: path,
          querystring,
          headers,
        });
        if ('statusCode' in result) {
          const out = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, v.value]));
          res.writeHead(result.statusCode, out);
          return void res.end(typeof result.body === 'string' ? result.body : (result.body?.data ?? ''));
        }
        path = result.uri;
      }
      if (path === '/' && this.spec.defaultRootObject) path = `/${this.spec.defaultRootObject}`;
      let answer = await this.fetchFrom(origin, req, path, url.search, body);
      const custom = this.spec.errorResponses.find((e) => e.errorCode === answer.status);
      if (custom?.responsePagePath) {
        const page = await this.fetchFrom(
          this.originFor(custom.responsePagePath),
          Object.assign(Object.create(req) as IncomingMessage, { method: 'GET' }),
          custom.responsePagePath,
          '',
          Buffer.alloc(0),
        );
        answer = { ...page, status: custom.responseCode ?? page.status };
      }
      this.log.push({ path: url.pathname, origin: origin.id, status: answer.status });
      res.writeHead(answer.status, { ...answer.headers, via: '1.1 emulated.cloudfront.net (CloudFront)' });
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`CloudFront could not reach the origin: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }
}
