/**
 * The S3 operations Pharos uses, over S3's REST-XML protocol with path-style addressing (the SDK
 * picks it for an IP endpoint): PutObject, GetObject, DeleteObject, and browser uploads by presigned
 * POST (policy conditions enforced as S3 does). Bodies sent aws-chunked with a checksum trailer are decoded.
 */
import type { ServerResponse } from 'node:http';
import { type FakeServer, type RecordedRequest, sigV4Problem, startFakeServer } from './fake-server.js';

export interface S3Fake extends FakeServer {
  objects: Map<string, { bytes: Buffer; contentType: string }>;
  has(bucket: string, key: string): boolean;
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
  return (
    (
      { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' } as Record<
        string,
        string
      >
    )[r.method] ?? 'Unknown'
  );
}

export async function startS3Server(): Promise<S3Fake> {
  const objects = new Map<string, { bytes: Buffer; contentType: string }>();
  const fake = (await startFakeServer(operationOf, async (request, response, fault) => {
    const [bucket, ...rest] = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const key = rest.join('/');
    if (fault === 'throttle') return s3Error(response, 503, 'SlowDown', 'Please reduce your request rate.');
    if (fault === 'server-error')
      return s3Error(response, 500, 'InternalError', 'We encountered an internal error.');
    if (request.operation === 'PostObject') return presignedPost(request, response, bucket!, objects);
    const problem = sigV4Problem(request, 's3');
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
        return response.end();
      }
      case 'GetObject': {
        const object = objects.get(id);
        if (!object) return s3Error(response, 404, 'NoSuchKey', 'The specified key does not exist.');
        response.writeHead(200, {
          'content-type': object.contentType,
          'content-length': object.bytes.byteLength,
          etag: '"fake"',
        });
        return response.end(object.bytes);
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

async function presignedPost(
  request: RecordedRequest,
  response: ServerResponse,
  bucket: string,
  objects: S3Fake['objects'],
) {
  const form = await new Request('http://fake/', {
    method: 'POST',
    headers: { 'content-type': String(request.headers['content-type']) },
    body: new Uint8Array(request.body),
  }).formData();
  const field = (name: string) => (form.get(name) as string | null) ?? '';
  if (field('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !/^[0-9a-f]{64}$/.test(field('X-Amz-Signature'))) {
    return s3Error(response, 403, 'AccessDenied', 'Invalid according to Policy: missing signature');
  }
  const policy = JSON.parse(Buffer.from(field('Policy'), 'base64').toString('utf8')) as {
    expiration: string;
    conditions: unknown[];
  };
  const file = form.get('file') as File | null;
  if (!file)
    return s3Error(response, 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const bytes = Buffer.from(await file.arrayBuffer());
  if (Date.parse(policy.expiration) < Date.now())
    return s3Error(response, 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  for (const condition of policy.conditions) {
    if (Array.isArray(condition) && condition[0] === 'content-length-range') {
      if (bytes.byteLength < Number(condition[1]) || bytes.byteLength > Number(condition[2])) {
        return s3Error(
          response,
          400,
          'EntityTooLarge',
          'Your proposed upload exceeds the maximum allowed size',
        );
      }
    } else if (
      Array.isArray(condition) &&
      condition[0] === 'eq' &&
      field(String(condition[1]).slice(1)) !== condition[2]
    ) {
      return s3Error(
        response,
        403,
        'AccessDenied',
        `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
      );
    }
  }
  objects.set(`${bucket}/${field('key')}`, { bytes, contentType: field('Content-Type') });
  response.writeHead(204);
  response.end();
}
