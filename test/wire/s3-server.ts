/**
 * The S3 operations Pharos uses, over S3's REST-XML protocol with path-style addressing (the SDK
 * picks it for an IP endpoint): PutObject, GetObject, HeadObject, DeleteObject (signed in the header or
 * presigned in the query string), and browser uploads by presigned POST (the policy's signature and
 * conditions checked as S3 does). Bodies sent aws-chunked with a checksum trailer are decoded.
 * Optionally a bucket's CORS rules and its "Object Created" notifications (for EventBridge).
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FAKE_AWS_ENV,
  type FakeServer,
  type RecordedRequest,
  sigV4Problem,
  startFakeServer,
} from './fake-server.js';

export interface S3Fake extends FakeServer {
  objects: Map<string, { bytes: Buffer; contentType: string }>;
  has(bucket: string, key: string): boolean;
}

export interface S3CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAge?: number;
}

export interface S3Options {
  /** Called after an object is stored (PutObject or a presigned POST). */
  onObjectCreated?: (object: {
    bucket: string;
    key: string;
    size: number;
    reason: 'PutObject' | 'PostObject';
  }) => void;
  /** A bucket's CORS configuration. */
  cors?: (bucket: string) => S3CorsRule[] | undefined;
  /** The secret key presigned requests are signed with (default: the fake credentials). */
  secretAccessKey?: string;
}

/** SigV4's signing key for a date, region and service. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const step = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  return step(step(step(step(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function corsHeaders(rules: S3CorsRule[] | undefined, headers: IncomingMessage['headers'], method: string) {
  const origin = String(headers.origin ?? '');
  if (!rules || !origin) return null;
  const rule = rules.find(
    (r) =>
      (r.allowedOrigins.includes('*') || r.allowedOrigins.includes(origin)) &&
      r.allowedMethods.includes(method),
  );
  if (!rule) return null;
  return {
    'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    ...(rule.exposedHeaders.length
      ? { 'access-control-expose-headers': rule.exposedHeaders.join(', ') }
      : {}),
    ...(rule.maxAge !== undefined ? { 'access-control-max-age': String(rule.maxAge) } : {}),
    vary: 'Origin',
  } as Record<string, string>;
}

/** A presigned URL's problem (signature present, not expired), or null. */
function presignedUrlProblem(request: RecordedRequest): string | null {
  const q = request.query;
  if (
    q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
    !/^[0-9a-f]{64}$/.test(q.get('X-Amz-Signature') ?? '')
  )
    return 'missing or malformed query signature';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '');
  if (!date) return 'X-Amz-Date is missing';
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  if (signedAt + Number(q.get('X-Amz-Expires') ?? 0) * 1000 < Date.now()) return 'Request has expired';
  return null;
}

function s3Error(response: ServerResponse, status: number, code: string, message: string) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>pharos-fake</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

/** `aws-chunked` framing: `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString().split(';')[0]!, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

function operationOf(r: Omit<RecordedRequest, 'operation'>): string {
  const hasKey = r.path.split('/').filter(Boolean).length > 1;
  if (r.method === 'POST' && !hasKey) return 'PostObject';
  if (r.method === 'OPTIONS') return 'PreflightRequest';
  return (
    (
      { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<
        string,
        string
      >
    )[r.method] ?? 'Unknown'
  );
}

export async function startS3Server(options: S3Options = {}): Promise<S3Fake> {
  const objects = new Map<string, { bytes: Buffer; contentType: string }>();
  const fake = (await startFakeServer(operationOf, async (request, response, fault) => {
    const [bucket, ...rest] = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const key = rest.join('/');
    const rules = options.cors?.(bucket ?? '');
    if (request.operation === 'PreflightRequest') {
      const method = String(request.headers['access-control-request-method'] ?? '');
      const headers = corsHeaders(rules, request.headers, method);
      if (!headers)
        return s3Error(response, 403, 'AccessForbidden', 'CORSResponse: This CORS request is not allowed.');
      response.writeHead(200, {
        ...headers,
        'access-control-allow-headers': String(request.headers['access-control-request-headers'] ?? ''),
      });
      return response.end();
    }
    const cors = corsHeaders(rules, request.headers, request.method);
    if (cors) for (const [name, value] of Object.entries(cors)) response.setHeader(name, value);
    if (fault === 'throttle') return s3Error(response, 503, 'SlowDown', 'Please reduce your request rate.');
    if (fault === 'server-error')
      return s3Error(response, 500, 'InternalError', 'We encountered an internal error.');
    if (request.operation === 'PostObject') {
      const stored = await presignedPost(request, response, bucket!, objects, options.secretAccessKey);
      if (stored) options.onObjectCreated?.({ ...stored, bucket: bucket!, reason: 'PostObject' });
      return;
    }
    // S3 takes one way of authenticating: a presigned URL followed with an Authorization header left on
    // (a browser redirected by the API with its Bearer token) is refused, as S3 does.
    if (request.query.has('X-Amz-Signature') && request.headers.authorization)
      return s3Error(
        response,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    const problem = request.query.has('X-Amz-Signature')
      ? presignedUrlProblem(request)
      : sigV4Problem(request, 's3');
    if (problem) return s3Error(response, 403, 'SignatureDoesNotMatch', problem);
    const id = `${bucket}/${key}`;
    switch (request.operation) {
      case 'PutObject': {
        const chunked =
          String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-') ||
          String(request.headers['content-encoding'] ?? '').includes('aws-chunked');
        const bytes = chunked ? decodeAwsChunked(request.body) : request.body;
        objects.set(id, {
          bytes,
          contentType: String(request.headers['content-type'] ?? 'binary/octet-stream'),
        });
        response.writeHead(200, { etag: '"fake"' });
        response.end();
        options.onObjectCreated?.({ bucket: bucket!, key, size: bytes.byteLength, reason: 'PutObject' });
        return;
      }
      case 'HeadObject':
      case 'GetObject': {
        const object = objects.get(id);
        if (!object) return s3Error(response, 404, 'NoSuchKey', 'The specified key does not exist.');
        response.writeHead(200, {
          'content-type': object.contentType,
          'content-length': object.bytes.byteLength,
          etag: '"fake"',
        });
        return response.end(request.operation === 'HeadObject' ? undefined : object.bytes);
      }
      case 'DeleteObject':
        objects.delete(id);
        response.writeHead(204);
        return response.end();
      default:
        return s3Error(response, 405, 'MethodNotAllowed', 'not supported by the fake');
    }
  })) as S3Fake;
  fake.objects = objects;
  fake.has = (bucket, key) => objects.has(`${bucket}/${key}`);
  return fake;
}

/** Stores a browser upload when its policy allows it; answers S3's error otherwise. */
async function presignedPost(
  request: RecordedRequest,
  response: ServerResponse,
  bucket: string,
  objects: S3Fake['objects'],
  secretAccessKey: string = FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
): Promise<{ key: string; size: number } | null> {
  const form = await new Request('http://fake/', {
    method: 'POST',
    headers: { 'content-type': String(request.headers['content-type']) },
    body: new Uint8Array(request.body),
  }).formData();
  const field = (name: string) => (form.get(name) as string | null) ?? '';
  if (field('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !/^[0-9a-f]{64}$/.test(field('X-Amz-Signature'))) {
    s3Error(response, 403, 'AccessDenied', 'Invalid according to Policy: missing signature');
    return null;
  }
  // The policy is signed with the key of the credential's date, region and service.
  const [, date = '', region = '', service = ''] = field('X-Amz-Credential').split('/');
  const expected = createHmac('sha256', signingKey(secretAccessKey, date, region, service))
    .update(field('Policy'))
    .digest('hex');
  if (expected !== field('X-Amz-Signature')) {
    s3Error(
      response,
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
    return null;
  }
  const policy = JSON.parse(Buffer.from(field('Policy'), 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
  const file = form.get('file') as File | null;
  if (!file) {
    s3Error(response, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    return null;
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  if (Date.parse(policy.expiration) < Date.now()) {
    s3Error(response, 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    return null;
  }
  for (const condition of policy.conditions) {
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      if (bytes.byteLength < Number(condition[1]) || bytes.byteLength > Number(condition[2])) {
        s3Error(
          response,
          400,
          bytes.byteLength < Number(condition[1]) ? 'EntityTooSmall' : 'EntityTooLarge',
          bytes.byteLength < Number(condition[1])
            ? 'Your proposed upload is smaller than the minimum allowed size'
            : 'Your proposed upload exceeds the maximum allowed size',
        );
        return null;
      }
    } else if (
      Array.isArray(condition) &&
      condition[0] === 'eq' &&
      field(String(condition[1]).slice(1)) !== condition[2]
    ) {
      s3Error(
        response,
        403,
        'AccessDenied',
        `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
      );
      return null;
    } else if (
      condition &&
      typeof condition === 'object' &&
      !Array.isArray(condition) &&
      'bucket' in condition &&
      (condition as { bucket: string }).bucket !== bucket
    ) {
      s3Error(response, 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: bucket');
      return null;
    }
  }
  objects.set(`${bucket}/${field('key')}`, { bytes, contentType: field('Content-Type') });
  response.writeHead(204);
  response.end();
  return { key: field('key'), size: bytes.byteLength };
}
