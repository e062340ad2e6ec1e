/**
 * The kit the wire-protocol fakes share: a `node:http` server that records every request as the SDK
 * really sent it (method, path, headers, body), times its own handling (so benchmarks can subtract
 * it), and lets a test queue faults that the next matching request will meet.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The operation: `X-Amz-Target`'s action, a query `Action`, or the fake's own name for it. */
  operation: string;
}

export type FaultKind =
  | 'throttle'
  | 'throughput'
  | 'server-error'
  | 'slow'
  | 'malformed'
  | 'unauthorized'
  | 'forbidden'
  | 'bad-request'
  | 'reset';

export interface Fault {
  kind: FaultKind;
  /** Only requests for this operation meet the fault (any operation when absent). */
  operation?: string;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Milliseconds each answered request spent inside the fake (receipt of the full body → last byte sent). */
  serverMs: number[];
  faults: Fault[];
  /** Injects faults for the next requests, in order. */
  fail(...faults: (Fault | FaultKind)[]): void;
  /** How many faults were met so far. */
  faultsServed: number;
  /** Delay applied by a 'slow' fault. */
  slowMs: number;
  close(): Promise<void>;
}

export type Handler = (
  request: RecordedRequest,
  response: ServerResponse,
  fault: FaultKind | null,
) => unknown;

export async function startFakeServer(
  operationOf: (request: Omit<RecordedRequest, 'operation'>) => string,
  handler: Handler,
): Promise<FakeServer> {
  const fake: FakeServer = {
    url: '',
    requests: [],
    serverMs: [],
    faults: [],
    faultsServed: 0,
    slowMs: 1_500,
    fail: (...faults) => fake.faults.push(...faults.map((f) => (typeof f === 'string' ? { kind: f } : f))),
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const partial = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const request: RecordedRequest = { ...partial, operation: operationOf(partial) };
    fake.requests.push(request);
    const index = fake.faults.findIndex((f) => !f.operation || f.operation === request.operation);
    const fault = index >= 0 ? fake.faults.splice(index, 1)[0]!.kind : null;
    if (fault) fake.faultsServed += 1;
    res.on('finish', () => fake.serverMs.push(performance.now() - started));
    try {
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault === 'slow') await new Promise((r) => setTimeout(r, fake.slowMs));
      if (res.destroyed) return;
      await handler(request, res, fault === 'slow' ? null : fault);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}

export interface SigV4 {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Reads a SigV4 `Authorization` header; null when it is absent or not SigV4-shaped. */
export function parseSigV4(authorization: string | undefined): SigV4 | null {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization ?? '',
    );
  if (!match) return null;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

/**
 * What every AWS fake demands before it answers: a SigV4 signature for its own service, covering
 * `host` and `x-amz-date`. Returns the reason it is refused, or null.
 */
export function sigV4Problem(request: RecordedRequest, service: string): string | null {
  const sig = parseSigV4(request.headers.authorization);
  if (!sig) return 'missing or malformed SigV4 Authorization header';
  if (sig.service !== service) return `signed for service ${sig.service}, expected ${service}`;
  if (!sig.signedHeaders.includes('host') || !sig.signedHeaders.includes('x-amz-date'))
    return 'host and x-amz-date must be signed';
  if (!request.headers['x-amz-date']?.toString().startsWith(sig.date))
    return 'x-amz-date does not match the credential scope';
  return null;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Fake credentials the SDK's default chain picks up from the environment. */
export const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAPHAROSTESTKEY000',
  AWS_SECRET_ACCESS_KEY: 'pharos-test-secret-not-real',
  AWS_REGION: 'eu-west-1',
} as const;

/** Sets env variables for the duration of a test file (the SDK reads them when a client is built). */
export function useEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
