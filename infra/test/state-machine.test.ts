/**
 * The generated state machine, executed with aws-local-stepfunctions through the real Lambda handlers
 * (starter → StartExecution → step Lambdas), against the embedded PostgreSQL and the wire-protocol
 * servers (S3, DynamoDB, SNS, Rekognition, OpenAI, SageMaker); then the same scenarios through the
 * local PipelineRunner. The resulting rows and messages must be equal.
 */
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusTableDefinition } from '../../src/adapters/dynamodb/status-store.js';
import { toStatesLanguage } from '../../src/adapters/stepfunctions/asl.js';
import { SharpImageCodec } from '../../src/adapters/sharp/codec.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { systemClock } from '../../src/app/clock.js';
import type { UserNotification } from '../../src/core/domain.js';
import { uploadKey } from '../../src/core/events.js';
import { ImageService } from '../../src/core/image-service.js';
import { silentLogger } from '../../src/core/logger.js';
import { progressObserver } from '../../src/core/progress.js';
import { LocalExecutionEngine } from '../../src/core/local-engine.js';
import { ProcessingService } from '../../src/core/processing-service.js';
import type { Notifier } from '../../src/core/ports/index.js';
import { PipelineRunner } from '../../src/core/runner.js';
import { type LambdaRuntime, buildLambdaRuntime } from '../../src/entry/lambda/runtime.js';
import { createStarterHandler } from '../../src/entry/lambda/starter.js';
import { createStepHandler } from '../../src/entry/lambda/step.js';
import { freshDatabaseUrl } from '../../test/support/database.js';
import { startDynamoDbServer } from '../../test/wire/dynamodb-server.js';
import { FAKE_AWS_ENV, type FakeServer, useEnv } from '../../test/wire/fake-server.js';
import { type MessagingFake, startMessagingServer } from '../../test/wire/messaging-server.js';
import { type OpenAiFake, cloudProviderEnv, startOpenAiServer } from '../../test/wire/openai-server.js';
import { type RekognitionFake, startRekognitionServer } from '../../test/wire/rekognition-server.js';
import { type S3Fake, startS3Server } from '../../test/wire/s3-server.js';
import { type SageMakerFake, startSageMakerServer } from '../../test/wire/sagemaker-server.js';
import { type SfnFake, lambdaContext, lambdaInvoke, startSfnFake } from './support/sfn-local.js';

const BUCKET = 'pharos-photos';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:pharos';
let s3: S3Fake,
  dynamo: FakeServer,
  messaging: MessagingFake,
  rekognition: RekognitionFake,
  openai: OpenAiFake,
  sagemaker: SageMakerFake;
let sfn: SfnFake;
let restoreEnv: () => void;
const runtimes: Record<'aws' | 'local', { runtime: LambdaRuntime; messages: UserNotification[] }> =
  {} as never;

const recording =
  (messages: UserNotification[]) =>
  (inner: Notifier): Notifier => ({
    publish: async (n) => {
      messages.push(n);
      await inner.publish(n);
    },
    subscribe: (listener) => inner.subscribe(listener),
  });

async function runtimeFor(messages: UserNotification[], topicArn: string) {
  const runtime = await buildLambdaRuntime(
    {
      ...process.env,
      DATABASE_URL: await freshDatabaseUrl(),
      PHAROS_BUCKET: BUCKET,
      PHAROS_DYNAMODB_TABLE: 'pharos-image-status',
      PHAROS_SNS_TOPIC_ARN: topicArn,
      PHAROS_STATE_MACHINE_ARN: STATE_MACHINE_ARN,
      OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test',
      OIDC_AUDIENCE: 'pharos-web',
      ...cloudProviderEnv(openai.url),
      PHAROS_RETRY_DELAY_SCALE: '0.001',
      LOG_LEVEL: 'silent',
    },
    { notifier: recording(messages) },
  );
  await migrate(runtime.db);
  return runtime;
}

beforeAll(async () => {
  s3 = await startS3Server();
  [dynamo, messaging, openai] = await Promise.all([
    startDynamoDbServer(),
    startMessagingServer(),
    startOpenAiServer(),
  ]);
  rekognition = await startRekognitionServer({ s3Has: (bucket, key) => s3.has(bucket, key) });
  sagemaker = await startSageMakerServer({
    contract: 'classification',
    classes: [
      { label: 'aesthetic', score: 0.9142 },
      { label: 'not_aesthetic', score: 0.0858 },
    ],
  });
  const topicArn = messaging.createTopic('pharos-notifications');
  restoreEnv = useEnv({
    ...FAKE_AWS_ENV,
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_ENDPOINT_URL_SNS: messaging.url,
    AWS_ENDPOINT_URL_SQS: messaging.url,
    AWS_ENDPOINT_URL_REKOGNITION: rekognition.url,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
  });
  await new DynamoDBClient({}).send(statusTableDefinition('pharos-image-status'));
  runtimes.aws = { messages: [], runtime: undefined as never };
  runtimes.local = { messages: [], runtime: undefined as never };
  runtimes.aws.runtime = await runtimeFor(runtimes.aws.messages, topicArn);
  runtimes.local.runtime = await runtimeFor(runtimes.local.messages, topicArn);

  // The generated definition; every Task invokes the one step handler, as the stack's functions do.
  const aws = runtimes.aws.runtime;
  const stepHandler = createStepHandler(() => Promise.resolve(aws));
  const asl = toStatesLanguage(aws.definition, {
    functionFor: (_s, state) => `arn:aws:lambda:eu-west-1:000000000000:function:pharos-${state}`,
  });
  const handlers = Object.fromEntries(
    Object.entries(asl.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => [name, lambdaInvoke((payload, ctx) => stepHandler(payload as never, ctx))]),
  );
  sfn = await startSfnFake(asl, handlers);
  process.env.AWS_ENDPOINT_URL_SFN = sfn.url;
}, 120_000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SFN;
  restoreEnv?.();
  await Promise.all([runtimes.aws?.runtime?.close(), runtimes.local?.runtime?.close()]);
  await Promise.all([
    s3?.close(),
    dynamo?.close(),
    messaging?.close(),
    rekognition?.close(),
    openai?.close(),
    sagemaker?.close(),
    sfn?.close(),
  ]);
});

async function upload(runtime: LambdaRuntime, userId: string) {
  const images = new ImageService({
    images: runtime.images,
    storage: runtime.storage,
    codec: new SharpImageCodec({ maxPixels: 50_000_000 }),
    status: runtime.status,
    logger: runtime.logger,
    maxUploadBytes: 25 * 1024 * 1024,
    autoProcess: true,
  });
  return images.upload(userId, {
    filename: 'lighthouse.jpg',
    bytes: await readFile(new URL('../../test/fixtures/photos/lighthouse.jpg', import.meta.url)),
  });
}

/** An S3 Object Created event, as EventBridge delivers it to SQS, in an SQS batch of one. */
function sqsEventFor(bucket: string, key: string): SQSEvent {
  const detail = {
    version: '0',
    bucket: { name: bucket },
    object: { key, size: 1234, etag: 'e', sequencer: '1' },
    'request-id': 'r',
    requester: '000000000000',
    reason: 'PutObject',
  };
  const body = {
    version: '0',
    id: 'evt-1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail,
  };
  return {
    Records: [
      {
        messageId: 'm-1',
        receiptHandle: 'h-1',
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'events',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:pharos-image-processing',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

async function runScenario(mode: 'aws' | 'local', inject: () => void) {
  const { runtime, messages } = runtimes[mode];
  const userId = `user-${mode}`;
  const image = await upload(runtime, userId);
  expect(image.object_key).toBe(uploadKey(userId, image.id));
  inject();
  if (mode === 'aws') {
    const starter = createStarterHandler(() => Promise.resolve(runtime));
    const result = await starter(sqsEventFor(BUCKET, image.object_key), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    const execution = sfn.executions.get(`${image.id}-upload`);
    expect(execution).toBeDefined();
    await execution!.done;
  } else {
    const runner = new PipelineRunner({
      definition: runtime.definition,
      steps: (await runtime.steps()).steps,
      store: runtime.executions,
      clock: systemClock,
      retryDelayScale: 0.001,
      observer: progressObserver(runtime.notifier, silentLogger),
    });
    const processing = new ProcessingService({
      ...runtime,
      clock: systemClock,
      engine: new LocalExecutionEngine(runtime.executions, runner, 'local'),
    });
    await processing.handleTicket(
      { bucket: BUCKET, key: image.object_key, image_id: image.id, user_id: userId },
      AbortSignal.timeout(30_000),
    );
  }
  // Every message is recorded when it is published, and every publish happens inside the run, which
  // has finished here: no wait is needed before reading them.
  return snapshot(runtime, image.id, messages);
}

async function snapshot(runtime: LambdaRuntime, imageId: string, messages: UserNotification[]) {
  const {
    rows: [image],
  } = await runtime.db.query(
    `SELECT status, description, tags, beauty_score, beauty_raw, labels, provenance, error, error_cause FROM images WHERE id = $1`,
    [imageId],
  );
  const { rows: executions } = await runtime.db.query(
    `SELECT id, name, seq, trigger, status, current_state, document, error, cause FROM executions WHERE image_id = $1 ORDER BY seq`,
    [imageId],
  );
  const { rows: attempts } = await runtime.db.query(
    `SELECT state, attempt, status, will_retry, output, error, cause FROM state_attempts WHERE execution_id = ANY($1::uuid[]) ORDER BY id`,
    [executions.map((e: { id: string }) => e.id)],
  );
  const status = await runtime.status.get(imageId);
  const mine = messages.filter((m) => m.message.image_id === imageId);
  const ids = new Map<string, string>([
    [imageId, '<image>'],
    ...executions.map((e: { id: string }, i: number) => [e.id, `<execution ${i}>`] as [string, string]),
  ]);
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) return '<time>';
      let out = value;
      for (const [id, label] of ids) out = out.split(id).join(label);
      return out.replace(/user-(aws|local)/g, '<user>');
    }
    if (Array.isArray(value)) return value.map(clean);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
    return value;
  };
  return clean({
    image,
    executions,
    attempts,
    status: { status: status?.status, seq: status?.execution_seq },
    messages: mine,
  });
}

describe('the generated state machine and the local runner give the same rows and messages', () => {
  const scenarios: [string, () => void, (s: Record<string, unknown>) => void][] = [
    [
      'success',
      () => undefined,
      (s) => expect(s).toMatchObject({ image: { status: 'READY', beauty_score: 91 } }),
    ],
    [
      'a transient error, retried',
      () => rekognition.fail({ kind: 'throttle', operation: 'DetectLabels' }),
      (s) => {
        expect(s).toMatchObject({ image: { status: 'READY' } });
        expect(
          (s.attempts as { state: string; status: string; will_retry: boolean }[]).slice(0, 3),
        ).toMatchObject([
          { state: 'InspectImage', status: 'SUCCEEDED' },
          { state: 'DetectLabels', status: 'FAILED', will_retry: true, error: 'Provider.Transient' },
          { state: 'DetectLabels', status: 'SUCCEEDED' },
        ]);
      },
    ],
    [
      'a permanent error → FAILED',
      () => rekognition.fail({ kind: 'forbidden', operation: 'DetectLabels' }),
      (s) => {
        expect(s).toMatchObject({
          image: { status: 'FAILED', error: 'Provider.Permanent' },
          executions: [{ status: 'FAILED', error: 'Pharos.ImageFailed' }],
        });
        expect(String((s.image as { error_cause: string }).error_cause)).not.toContain('errorType');
      },
    ],
    [
      'a beauty failure → null score',
      () => sagemaker.fail('bad-request'),
      (s) => {
        expect(s).toMatchObject({
          image: { status: 'READY', beauty_score: null },
          executions: [{ status: 'SUCCEEDED' }],
        });
        expect((s.attempts as { state: string }[]).map((a) => a.state)).toContain('BeautyUnavailable');
      },
    ],
  ];
  for (const [name, inject, check] of scenarios) {
    it(name, async () => {
      const aws = (await runScenario('aws', inject)) as Record<string, unknown>;
      const local = (await runScenario('local', inject)) as Record<string, unknown>;
      check(aws);
      expect(aws).toEqual(local);
    });
  }

  it('a duplicate upload event starts nothing new', async () => {
    const { runtime } = runtimes.aws;
    const image = await upload(runtime, 'user-dup');
    const starter = createStarterHandler(() => Promise.resolve(runtime));
    await starter(sqsEventFor(BUCKET, image.object_key), lambdaContext());
    await sfn.executions.get(`${image.id}-upload`)!.done;
    const before = sfn.requests.length;
    expect(await starter(sqsEventFor(BUCKET, image.object_key), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    // The finished execution is not started again (the database says SUCCEEDED; no second StartExecution).
    expect(sfn.requests.length).toBe(before);
    const { rows } = await runtime.db.query('SELECT count(*)::int AS n FROM executions WHERE image_id = $1', [
      image.id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});
