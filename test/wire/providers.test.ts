/**
 * What the provider adapters put on the wire, checked by servers that speak each service's protocol:
 * operation, body, signature or key, and how each service-shaped error comes back to the pipeline.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RekognitionLabelDetector } from '../../src/adapters/rekognition/label-detector.js';
import { SageMakerBeautyScorer } from '../../src/adapters/sagemaker/beauty-scorer.js';
import { HttpBeautyScorer } from '../../src/adapters/http/beauty-scorer.js';
import { OpenAiDescriber } from '../../src/adapters/openai/describer.js';
import { photo } from '../support/server.js';
import { FAKE_AWS_ENV, parseSigV4, startFakeServer, sendJson } from './fake-server.js';
import { OPENAI_TEST_KEY, OPENAI_USAGE, type OpenAiFake } from './openai-server.js';
import { type RekognitionFake } from './rekognition-server.js';
import { type SageMakerFake } from './sagemaker-server.js';
import { type CloudFakes, callOptions, failureOf, imageFrom, startCloudFakes } from './support.js';

let rekognition: RekognitionFake;
let sagemaker: SageMakerFake;
let openai: OpenAiFake;
let fakes: CloudFakes;
let lighthouse: Uint8Array;

beforeAll(async () => {
  fakes = await startCloudFakes(0.8731);
  ({ rekognition, sagemaker, openai } = fakes);
  lighthouse = await photo('lighthouse.jpg');
});
afterAll(async () => {
  await fakes?.stop();
});

describe('Rekognition DetectLabels', () => {
  it('sends the bytes, signed for rekognition in the configured region, and keeps parents and categories', async () => {
    const detector = new RekognitionLabelDetector({ source: 'bytes', maxLabels: 5, minConfidence: 70 });
    const result = await detector.detect(imageFrom(lighthouse), callOptions());
    const request = rekognition.requests.at(-1)!;
    expect(request.headers['x-amz-target']).toBe('RekognitionService.DetectLabels');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(parseSigV4(request.headers.authorization)).toMatchObject({
      service: 'rekognition',
      region: 'eu-west-1',
      accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
    });
    const body = JSON.parse(request.body.toString()) as {
      Image: { Bytes: string };
      MaxLabels: number;
      MinConfidence: number;
    };
    expect(body.MaxLabels).toBe(5);
    expect(body.MinConfidence).toBe(70);
    // A small JPEG goes as it is.
    expect(Buffer.from(body.Image.Bytes, 'base64').equals(Buffer.from(lighthouse))).toBe(true);
    expect(result.provenance).toEqual({ provider: 'rekognition', model: 'DetectLabels', version: '3.0' });
    expect(result.labels.map((l) => l.name)).toEqual(['Lighthouse', 'Tower', 'Sea', 'Sky', 'Rock']);
    expect(result.labels[0]).toEqual({
      name: 'Lighthouse',
      confidence: 99.21,
      parents: ['Building', 'Tower'],
      categories: ['Buildings and Architecture'],
    });
  });

  it('names the S3 object instead of sending bytes when the photo lives in S3', async () => {
    const detector = new RekognitionLabelDetector({ source: 'S3Object', maxLabels: 10, minConfidence: 80 });
    let read = false;
    await detector.detect(
      {
        bucket: 'pharos-photos',
        key: 'uploads/u1/abc',
        contentType: 'image/jpeg',
        bytes: async () => ((read = true), lighthouse),
      },
      callOptions(),
    );
    const body = JSON.parse(rekognition.requests.at(-1)!.body.toString()) as { Image: unknown };
    expect(body.Image).toEqual({ S3Object: { Bucket: 'pharos-photos', Name: 'uploads/u1/abc' } });
    expect(read).toBe(false);
  });

  it('downscales a photo over the 5 MB Bytes limit and re-encodes formats Rekognition does not take', async () => {
    const noise = await sharp(randomBytes(1400 * 1400 * 3), {
      raw: { width: 1400, height: 1400, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.byteLength).toBeGreaterThan(5 * 1024 * 1024);
    const webp = await sharp(lighthouse).webp().toBuffer();
    const detector = new RekognitionLabelDetector({ source: 'bytes', maxLabels: 10, minConfidence: 80 });
    await detector.detect(imageFrom(noise, 'big', 'b', 'image/png'), callOptions());
    await detector.detect(imageFrom(webp, 'webp', 'b', 'image/webp'), callOptions());
    const [big, fromWebp] = rekognition.images.slice(-2);
    expect(big!.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(fromWebp!.bytes).toBeGreaterThan(0); // the fake refuses anything but JPEG and PNG
  });

  it('maps throttling and 500s to transient errors, access denied to permanent, with a single SDK attempt', async () => {
    const detector = new RekognitionLabelDetector({ source: 'bytes', maxLabels: 10, minConfidence: 80 });
    const before = rekognition.requests.length;
    rekognition.fail('throttle');
    expect(await failureOf(detector.detect(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('ThrottlingException'),
    });
    rekognition.fail('throughput');
    expect((await failureOf(detector.detect(imageFrom(lighthouse), callOptions()))).name).toBe(
      'Provider.Transient',
    );
    rekognition.fail('server-error');
    expect((await failureOf(detector.detect(imageFrom(lighthouse), callOptions()))).name).toBe(
      'Provider.Transient',
    );
    rekognition.fail('forbidden');
    expect(await failureOf(detector.detect(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Permanent',
      message: expect.stringContaining('AccessDeniedException'),
    });
    // One request per call: retries belong to the pipeline's retry policy.
    expect(rekognition.requests.length - before).toBe(4);
  });

  it('gives up on a slow answer at its own deadline, as a transient error', async () => {
    const detector = new RekognitionLabelDetector({
      source: 'bytes',
      maxLabels: 10,
      minConfidence: 80,
      timeoutMs: 200,
    });
    rekognition.fail('slow');
    const started = Date.now();
    expect(await failureOf(detector.detect(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('no answer within 200 ms'),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('the fake refuses a request that is not SigV4-signed, as Rekognition does', async () => {
    const response = await fetch(rekognition.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'RekognitionService.DetectLabels',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  });
});

describe('SageMaker InvokeEndpoint', () => {
  const scorer = () =>
    new SageMakerBeautyScorer({
      endpointName: 'pharos-aesthetic',
      label: 'aesthetic',
      scale: '0-1',
      modelId: 'cafeai/cafe_aesthetic',
    });

  it('posts a downscaled JPEG to the endpoint and reads the classification label', async () => {
    const result = await scorer().score(
      imageFrom(await sharp(lighthouse).png().toBuffer(), 'k', 'b', 'image/png'),
      callOptions(),
    );
    const request = sagemaker.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/endpoints/pharos-aesthetic/invocations');
    expect(request.headers['content-type']).toBe('image/jpeg');
    expect(request.headers.accept).toBe('application/json');
    expect(parseSigV4(request.headers.authorization)?.service).toBe('sagemaker');
    const sent = await sharp(request.body).metadata();
    expect(sent.format).toBe('jpeg');
    expect(Math.max(sent.width!, sent.height!)).toBeLessThanOrEqual(768);
    expect(result).toEqual({
      score: 87,
      raw: [
        { label: 'aesthetic', score: 0.8731 },
        { label: 'not_aesthetic', score: 0.1269 },
      ],
      provenance: {
        provider: 'sagemaker',
        model: 'cafeai/cafe_aesthetic',
        version: 'endpoint=pharos-aesthetic;variant=AllTraffic',
      },
    });
  });

  it('reads {"beauty_score"} on the configured scale', async () => {
    sagemaker.answer = { contract: 'score', beauty_score: 7.4 };
    try {
      const result = await new SageMakerBeautyScorer({
        endpointName: 'pharos-aesthetic',
        scale: '0-10',
      }).score(imageFrom(lighthouse), callOptions());
      expect(result.score).toBe(74);
      expect(result.raw).toEqual({ beauty_score: 7.4 });
    } finally {
      sagemaker.answer = {
        contract: 'classification',
        classes: [
          { label: 'aesthetic', score: 0.8731 },
          { label: 'not_aesthetic', score: 0.1269 },
        ],
      };
    }
  });

  it('maps a body that is not JSON to malformed output, a model 500 and throttling to transient, a missing endpoint to permanent', async () => {
    sagemaker.fail('malformed');
    expect(await failureOf(scorer().score(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.MalformedOutput',
      message: expect.stringContaining('not JSON'),
    });
    sagemaker.fail('server-error');
    expect(await failureOf(scorer().score(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('ModelError'),
    });
    sagemaker.fail('throttle');
    expect((await failureOf(scorer().score(imageFrom(lighthouse), callOptions()))).name).toBe(
      'Provider.Transient',
    );
    const missing = new SageMakerBeautyScorer({
      endpointName: 'pharos-missing',
      label: 'aesthetic',
      scale: '0-1',
    });
    expect(await failureOf(missing.score(imageFrom(lighthouse), callOptions()))).toMatchObject({
      name: 'Provider.Permanent',
      message: expect.stringContaining('ValidationError'),
    });
  });
});

describe('plain HTTP beauty model', () => {
  it('speaks the same contracts and honours retry-after on a 429', async () => {
    let calls = 0;
    const server = await startFakeServer(
      () => 'score',
      (request, response) => {
        calls += 1;
        if (calls === 1) return sendJson(response, 429, { error: 'busy' }, { 'retry-after': '0.2' });
        expect(request.headers['content-type']).toBe('image/jpeg');
        sendJson(response, 200, { beauty_score: 61 });
      },
    );
    try {
      const scorer = new HttpBeautyScorer({ url: `${server.url}/score`, scale: '0-100' });
      const started = Date.now();
      expect(await failureOf(scorer.score(imageFrom(lighthouse), callOptions()))).toMatchObject({
        name: 'Provider.Transient',
        message: expect.stringContaining('waited retry-after 200 ms'),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect((await scorer.score(imageFrom(lighthouse), callOptions())).score).toBe(61);
    } finally {
      await server.close();
    }
  });
});

describe('OpenAI chat completions', () => {
  const describer = (extra: Partial<ConstructorParameters<typeof OpenAiDescriber>[0]> = {}) =>
    new OpenAiDescriber({ apiKey: OPENAI_TEST_KEY, baseURL: `${openai.url}/v1`, ...extra });
  const labels = [
    { name: 'Lighthouse', confidence: 99.2 },
    { name: 'Tower', confidence: 98.7 },
    { name: 'Sea', confidence: 95.4 },
    { name: 'Sky', confidence: 91 },
  ];

  it('sends only the labels with a strict JSON schema, and records tokens and cost', async () => {
    const caption = await describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions());
    const request = openai.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${OPENAI_TEST_KEY}`);
    const body = openai.bodies.at(-1)! as {
      model: string;
      messages: { role: string; content: unknown }[];
      response_format: { json_schema: { strict: boolean; schema: unknown } };
    };
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema).toMatchObject({
      type: 'object',
      required: ['description', 'tags'],
      additionalProperties: false,
    });
    // Privacy: no image, only the label names and confidences.
    expect(request.body.toString()).not.toContain('image_url');
    expect(body.messages.find((m) => m.role === 'user')!.content).toBe(
      'Detected labels (JSON): [{"name":"Lighthouse","confidence":99},{"name":"Tower","confidence":99},{"name":"Sea","confidence":95},{"name":"Sky","confidence":91}]',
    );
    expect(caption).toEqual({
      description: 'A lighthouse above the sea, under an open sky.',
      tags: ['lighthouse', 'tower', 'sea', 'sky', 'seascape'],
      provenance: { provider: 'openai', model: 'gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18;fp_pharos' },
      usage: {
        inputTokens: OPENAI_USAGE.prompt_tokens,
        outputTokens: OPENAI_USAGE.completion_tokens,
        estimatedCostUsd: 0.0000519,
      },
    });
  });

  it('sends a small image only in vision mode', async () => {
    await describer({ vision: true }).describe({ labels, image: imageFrom(lighthouse) }, callOptions());
    const user = (
      openai.bodies.at(-1) as {
        messages: {
          role: string;
          content: { type: string; image_url?: { url: string; detail: string } }[];
        }[];
      }
    ).messages[1]!;
    const image = user.content.find((p) => p.type === 'image_url')!.image_url!;
    expect(image.detail).toBe('low');
    const bytes = Buffer.from(image.url.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
    const meta = await sharp(bytes).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(512);
  });

  it('maps 401 and 403 to permanent errors without echoing the key, 429 and 500 to transient', async () => {
    const bad = new OpenAiDescriber({ apiKey: 'sk-wrong-key-000', baseURL: `${openai.url}/v1` });
    const unauthorised = await failureOf(
      bad.describe({ labels, image: imageFrom(lighthouse) }, callOptions()),
    );
    expect(unauthorised).toMatchObject({
      name: 'Provider.Permanent',
      message: expect.stringContaining('HTTP 401'),
    });
    expect(unauthorised.message).not.toMatch(/sk-/);
    openai.fail('forbidden');
    expect(
      (await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions()))).name,
    ).toBe('Provider.Permanent');
    openai.fail('bad-request');
    expect(
      await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions())),
    ).toMatchObject({ name: 'Provider.Permanent', message: expect.stringContaining('Invalid schema') });
    const before = openai.requests.length;
    openai.fail('throttle');
    expect(
      await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions())),
    ).toMatchObject({
      name: 'Provider.Transient',
      message: expect.stringContaining('waited retry-after 50 ms'),
    });
    openai.fail('server-error');
    expect(
      (await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions()))).name,
    ).toBe('Provider.Transient');
    // maxRetries 0: the SDK made one request per call.
    expect(openai.requests.length - before).toBe(2);
  });

  it('maps JSON that breaks the schema to malformed output, a slow answer and a reset to transient', async () => {
    openai.fail('malformed');
    expect(
      await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions())),
    ).toMatchObject({ name: 'Provider.MalformedOutput', message: expect.stringContaining('schema') });
    openai.fail('slow');
    expect(
      await failureOf(
        describer({ timeoutMs: 200 }).describe({ labels, image: imageFrom(lighthouse) }, callOptions()),
      ),
    ).toMatchObject({ name: 'Provider.Transient' });
    openai.fail('reset');
    expect(
      await failureOf(describer().describe({ labels, image: imageFrom(lighthouse) }, callOptions())),
    ).toMatchObject({ name: 'Provider.Transient', message: expect.stringContaining('connection') });
  });
});
