/**
 * The deployment the synthesized template describes, on this machine. Each resource type the stack
 * uses is provisioned in a local stand-in (see README of infra/emulate in docs/aws.md) from the
 * template's own properties: tables, queues (visibility timeout, redrive), topics and subscriptions,
 * buckets (CORS, EventBridge notifications), secrets, the user pool and its clients, rules, event
 * source mappings, state machines, APIs, the distribution; then the custom resources run (schema
 * migrations through the migrate Lambda, the web bundle and its config.json into the site bucket).
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import mime from 'mime-types';
import { startDynamoDbServer } from '../../test/wire/dynamodb-server.js';
import { FAKE_AWS_ENV, type FakeServer } from '../../test/wire/fake-server.js';
import { type MessagingFake, startMessagingServer } from '../../test/wire/messaging-server.js';
import { OPENAI_TEST_KEY, type OpenAiFake, startOpenAiServer } from '../../test/wire/openai-server.js';
import { type RekognitionFake, startRekognitionServer } from '../../test/wire/rekognition-server.js';
import { type S3CorsRule, type S3Fake, startS3Server } from '../../test/wire/s3-server.js';
import { type OidcStandIn, type StandInUser, startOidcStandIn } from '../../src/dev/oidc-provider.js';
import { type SageMakerFake, startSageMakerServer } from '../../test/wire/sagemaker-server.js';
import { type CdnOrigin, Distribution } from './cdn.js';
import { startEmulatedDatabase, type EmulatedDatabase } from './database.js';
import { EventBus, type RuleTarget } from './eventbridge.js';
import { HttpApi, type HttpRoute, type JwtAuthorizer } from './http-api.js';
import { invokeAsync, LocalFunction, type LogSink } from './lambda.js';
import { type Bound, closeServer, listenLocal } from './net.js';
import { startSecretsManager, type SecretsFake } from './secrets-manager.js';
import { SqsPoller } from './sqs-poller.js';
import { StepFunctionsService } from './stepfunctions.js';
import { REGION, readTemplate, TemplateResolver } from './template.js';
import { type RoutedMessage, WebSocketApi, type WebSocketRoute } from './websocket-api.js';

export interface EmulateOptions {
  /** The CDK output directory (`npm run synth` writes infra/cdk.out). */
  outdir: string;
  stackName?: string;
  users: StandInUser[];
  /** Stack parameters; the beauty model's defaults are filled in. */
  parameters?: Record<string, string>;
  /** Where PostgreSQL and the logs live (a new temporary directory when absent, removed on close). */
  dataDir?: string;
  /** Every line a function writes (default: appended to <dataDir>/functions.log). */
  log?: LogSink;
  /** Initialise one environment of every function at start (default true): no cold start later. */
  warm?: boolean;
}

export interface EmulatedDeployment {
  webUrl: string;
  httpApiUrl: string;
  webSocketUrl: string;
  issuer: string;
  outputs: Record<string, string>;
  resolver: TemplateResolver;
  functions: Map<string, LocalFunction>;
  bus: EventBus;
  stepFunctions: StepFunctionsService;
  fakes: {
    s3: S3Fake;
    messaging: MessagingFake;
    dynamodb: FakeServer;
    secrets: SecretsFake;
    rekognition: RekognitionFake;
    sagemaker: SageMakerFake;
    openai: OpenAiFake;
  };
  database: EmulatedDatabase;
  oidc: OidcStandIn;
  logFile: string;
  /** What the WebSocket API's management endpoint answered, per post to a connection. */
  webSocketPosts(): { connectionId: string; status: number }[];
  /** Each client message the WebSocket API routed: to which route, and the integration's status. */
  webSocketMessages(): RoutedMessage[];
  close(): Promise<void>;
}

const DEFAULT_PARAMETERS = {
  BeautyModelId: 'cafeai/cafe_aesthetic',
  BeautyModelRevision: 'emulated',
  BeautyLabel: 'aesthetic',
};

const CREDENTIALS = {
  accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY,
};

/** The first `{"Ref": X}` inside a template value (a route's `integrations/<ref>` target). */
const refInside = (value: unknown) => /"Ref":"([^"]+)"/.exec(JSON.stringify(value))?.[1];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

export async function startEmulatedDeployment(options: EmulateOptions): Promise<EmulatedDeployment> {
  const stackName = options.stackName ?? 'Pharos';
  const template = readTemplate(options.outdir, stackName);
  const resolver = new TemplateResolver(template, stackName, {
    ...DEFAULT_PARAMETERS,
    ...options.parameters,
  });
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'pharos-emulate-'));
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must enter it
  const logFile = path.join(dataDir, 'functions.log');
  const log: LogSink =
    options.log ?? ((name, line) => void appendFile(logFile, `${name} ${line}\n`).catch(() => undefined));
  const closers: (() => Promise<unknown>)[] = [];
  const functions = new Map<string, LocalFunction>();
  const bus = new EventBus();

  try {
    // ---- the services, listening first: their URLs go into the resolved template ----
    const eventBridgeBuckets = new Set<string>();
    const bucketCors = new Map<string, S3CorsRule[]>();
    const s3 = await startS3Server({
      cors: (bucket) => bucketCors.get(bucket),
      onObjectCreated: ({ bucket, key, size, reason }) => {
        if (!eventBridgeBuckets.has(bucket)) return;
        bus.put({
          source: 'aws.s3',
          'detail-type': 'Object Created',
          resources: [`arn:aws:s3:::${bucket}`],
          detail: {
            version: '0',
            bucket: { name: bucket },
            object: { key, size, etag: 'emulated', sequencer: Date.now().toString(16).toUpperCase() },
            'request-id': crypto.randomUUID(),
            requester: '000000000000',
            'source-ip-address': '127.0.0.1',
            reason,
          },
        });
      },
    });
    closers.push(() => s3.close());
    const messaging = await startMessagingServer();
    closers.push(() => messaging.close());
    const dynamodb = await startDynamoDbServer();
    closers.push(() => dynamodb.close());
    const secrets = await startSecretsManager();
    closers.push(() => secrets.close());
    const rekognition = await startRekognitionServer({ s3Has: (b, k) => s3.has(b, k) });
    closers.push(() => rekognition.close());
    const sageMakerEndpoint = resolver.ofType('AWS::SageMaker::Endpoint')[0];
    const sagemaker = await startSageMakerServer(
      {
        contract: 'classification',
        classes: [
          { label: resolver.ref('BeautyLabel'), score: 0.82 },
          { label: 'not_aesthetic', score: 0.18 },
        ],
      },
      sageMakerEndpoint ? resolver.sageMakerEndpointName(sageMakerEndpoint[0]) : 'none',
    );
    closers.push(() => sagemaker.close());
    const openai = await startOpenAiServer();
    closers.push(() => openai.close());

    const bound = new Map<string, Bound>();
    const bind = async (logicalId: string) => {
      const b = await listenLocal();
      bound.set(logicalId, b);
      closers.push(() => closeServer(b.server));
      return b;
    };
    const [poolId] = resolver.ofType('AWS::Cognito::UserPool').map(([id]) => id);
    const oidcBound = await bind('cognito');
    resolver.mapHost(`cognito-idp.${REGION}.amazonaws.com`, oidcBound.url);
    for (const [id] of resolver.ofType('AWS::Cognito::UserPoolDomain'))
      resolver.mapHost(`${resolver.ref(id)}.auth.${REGION}.amazoncognito.com`, oidcBound.url);
    for (const [id] of resolver.ofType('AWS::ApiGatewayV2::Api'))
      resolver.mapHost(`${resolver.apiId(id)}.execute-api.${REGION}.amazonaws.com`, (await bind(id)).url);
    for (const [id] of resolver.ofType('AWS::CloudFront::Distribution'))
      resolver.mapHost(String(resolver.getAtt(id, 'DomainName')), (await bind(id)).url);
    resolver.mapHost(`sqs.${REGION}.amazonaws.com`, messaging.url);
    const sfnBound = await bind('states');

    // ---- data: PostgreSQL as RDS behind the proxy, secrets, tables, queues, topics, buckets ----
    const attachment = resolver.ofType('AWS::SecretsManager::SecretTargetAttachment')[0];
    const dbSecretId = attachment ? refInside(attachment[1].Properties?.SecretId) : undefined;
    const dbInstance = resolver.ofType('AWS::RDS::DBInstance')[0];
    const dbSecretTemplate = dbSecretId
      ? (JSON.parse(
          String(
            (resolver.props(dbSecretId).GenerateSecretString as { SecretStringTemplate?: string })
              ?.SecretStringTemplate ?? '{}',
          ),
        ) as { username?: string })
      : {};
    const database = await startEmulatedDatabase(path.join(dataDir, 'postgres'), {
      username: dbSecretTemplate.username ?? 'postgres',
      database: String(dbInstance?.[1].Properties?.DBName ?? 'pharos'),
    });
    closers.push(() => database.stop());
    for (const [id] of resolver.ofType('AWS::SecretsManager::Secret')) {
      const value = id === dbSecretId ? JSON.stringify(database.secret('localhost')) : crypto.randomUUID();
      secrets.put(resolver.ref(id), value);
    }

    const dynamo = new DynamoDBClient({ region: REGION, endpoint: dynamodb.url, credentials: CREDENTIALS });
    closers.push(async () => dynamo.destroy());
    for (const [id] of resolver.ofType('AWS::DynamoDB::Table')) {
      const p = resolver.resolved(id);
      await dynamo.send(
        new CreateTableCommand({
          TableName: resolver.tableName(id),
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
          BillingMode: 'PAY_PER_REQUEST',
        } as CreateTableCommandInput),
      );
    }
    for (const [id] of resolver.ofType('AWS::SQS::Queue')) {
      const p = resolver.resolved(id);
      messaging.createQueue(resolver.queueName(id), {
        VisibilityTimeout: String(p.VisibilityTimeout ?? 30),
        ...(p.RedrivePolicy ? { RedrivePolicy: JSON.stringify(p.RedrivePolicy) } : {}),
      });
    }
    const sqs = new SQSClient({ region: REGION, endpoint: messaging.url, credentials: CREDENTIALS });
    closers.push(async () => sqs.destroy());
    const queueUrlOf = (arn: string) => messaging.queueUrl(arn.split(':').pop()!);
    const sendTo = async (queueArn: string, body: unknown) => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrlOf(queueArn),
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    };
    for (const [id] of resolver.ofType('AWS::SNS::Topic')) messaging.createTopic(resolver.topicName(id));
    for (const [id] of resolver.ofType('AWS::S3::Bucket')) {
      const p = resolver.resolved(id);
      const rules = (p.CorsConfiguration as { CorsRules?: Record<string, unknown>[] } | undefined)?.CorsRules;
      if (rules)
        bucketCors.set(
          resolver.bucketName(id),
          rules.map((r) => ({
            allowedOrigins: (r.AllowedOrigins as string[]) ?? [],
            allowedMethods: (r.AllowedMethods as string[]) ?? [],
            allowedHeaders: (r.AllowedHeaders as string[]) ?? [],
            exposedHeaders: (r.ExposedHeaders as string[]) ?? [],
            ...(r.MaxAge !== undefined ? { maxAge: Number(r.MaxAge) } : {}),
          })),
        );
      const native = (
        p.NotificationConfiguration as
          { EventBridgeConfiguration?: { EventBridgeEnabled?: boolean } } | undefined
      )?.EventBridgeConfiguration;
      if (native?.EventBridgeEnabled) eventBridgeBuckets.add(resolver.bucketName(id));
    }
    for (const [id] of resolver.ofType('Custom::S3BucketNotifications')) {
      const p = resolver.resolved(id);
      if ((p.NotificationConfiguration as Record<string, unknown> | undefined)?.EventBridgeConfiguration)
        eventBridgeBuckets.add(String(p.BucketName));
    }

    // ---- functions: the bundles from cdk.out with the template's environment ----
    const endpointEnv = {
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_SQS: messaging.url,
      AWS_ENDPOINT_URL_SNS: messaging.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_SFN: sfnBound.url,
      AWS_ENDPOINT_URL_REKOGNITION: rekognition.url,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      NODE_EXTRA_CA_CERTS: database.caFile,
    };
    const eventConfigs = new Map(
      resolver.ofType('AWS::Lambda::EventInvokeConfig').map(([id]) => {
        const p = resolver.resolved(id);
        return [String(p.FunctionName), p] as const;
      }),
    );
    for (const [id, resource] of resolver.ofType('AWS::Lambda::Function')) {
      const p = resource.Properties ?? {};
      const key = (p.Code as { S3Key?: string } | undefined)?.S3Key;
      const codeDir = key ? path.join(options.outdir, `asset.${key.replace(/\.zip$/, '')}`) : '';
      if (
        !codeDir ||
        !String(p.Runtime ?? '').startsWith('nodejs') ||
        !statSync(codeDir, { throwIfNoEntry: false })?.isDirectory()
      )
        continue;
      const name = resolver.functionName(id);
      const tmp = path.join(dataDir, 'lambda-tmp', name);
      mkdirSync(tmp, { recursive: true });
      // The function's code at a path of its own outside the repository (Lambda's /var/task): the
      // bundle resolves packages from what it ships, never from the repository's node_modules.
      const taskRoot = path.join(dataDir, 'var-task', name);
      mkdirSync(path.dirname(taskRoot), { recursive: true });
      symlinkSync(path.resolve(codeDir), taskRoot);
      const variables = resolver.resolve(
        (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      ) as Record<string, string>;
      const memoryMb = Number(p.MemorySize ?? 128);
      functions.set(
        id,
        new LocalFunction(
          {
            name,
            arn: String(resolver.getAtt(id, 'Arn')),
            codeDir: taskRoot,
            handler: String(p.Handler),
            timeoutSeconds: Number(p.Timeout ?? 3),
            memoryMb,
            ...(p.ReservedConcurrentExecutions !== undefined
              ? { reservedConcurrency: Number(p.ReservedConcurrentExecutions) }
              : {}),
            environment: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: tmp,
              TMPDIR: tmp,
              TZ: 'UTC',
              LANG: 'en_US.UTF-8',
              ...FAKE_AWS_ENV,
              AWS_DEFAULT_REGION: REGION,
              AWS_LAMBDA_FUNCTION_NAME: name,
              AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
              AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
              AWS_EXECUTION_ENV: `AWS_Lambda_${String(p.Runtime)}`,
              LAMBDA_TASK_ROOT: taskRoot,
              _HANDLER: String(p.Handler),
              PHAROS_EMULATE_FUNCTION_ARN: String(resolver.getAtt(id, 'Arn')),
              ...endpointEnv,
              ...variables,
            },
          },
          log,
          2,
        ),
      );
    }
    for (const fn of functions.values()) closers.push(() => fn.close());
    if (options.warm ?? true) void warmAll([...functions.values()]);
    const functionByArn = (arn: string) =>
      [...functions.values()].find((f) => f.spec.arn === arn || f.spec.name === arn);
    const functionIn = (text: unknown) => {
      const arn = /arn:aws:lambda:[^:]+:\d+:function:[A-Za-z0-9_-]+/.exec(String(text))?.[0];
      return arn ? functionByArn(arn) : functionByArn(String(text));
    };
    const asyncInvoker = (fn: LocalFunction) => {
      const config = eventConfigs.get(fn.spec.name);
      const destination = (config?.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)
        ?.OnFailure?.Destination;
      return (event: unknown) =>
        invokeAsync(fn, event, {
          retries: config?.MaximumRetryAttempts !== undefined ? Number(config.MaximumRetryAttempts) : 2,
          onFailure: (failed, error) => {
            if (destination?.startsWith('arn:aws:sqs'))
              void sendTo(destination, {
                version: '1.0',
                timestamp: new Date().toISOString(),
                requestContext: {
                  functionArn: fn.spec.arn,
                  condition: 'RetriesExhausted',
                  approximateInvokeCount: 1,
                },
                requestPayload: failed,
                responsePayload: { errorType: error.name, errorMessage: error.message },
              }).catch(() => undefined);
          },
        });
    };

    // ---- the custom resources CloudFormation would run: schema migrations ----
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (
        !resource.Type.startsWith('Custom::') ||
        resource.Type === 'Custom::S3BucketNotifications' ||
        resource.Type === 'Custom::CDKBucketDeployment'
      )
        continue;
      const p = resolver.resolved(id);
      const provider = functionIn(p.ServiceToken);
      // The CDK Provider framework hands the event to the user's function: call it as the framework does.
      const userFunction = provider?.spec.environment.USER_ON_EVENT_FUNCTION_ARN;
      const target = userFunction ? functionByArn(userFunction) : provider;
      if (!target)
        throw new Error(`custom resource ${id} (${resource.Type}): no local function for its service token`);
      await target.invoke({
        RequestType: 'Create',
        ServiceToken: p.ServiceToken,
        ResponseURL: 'http://127.0.0.1/emulated-response',
        StackId: resolver.ref('AWS::StackId'),
        RequestId: crypto.randomUUID(),
        LogicalResourceId: id,
        ResourceType: resource.Type,
        ResourceProperties: p,
      });
    }

    // ---- the web bundle (and the config.json the stack writes) into the site bucket ----
    for (const [id] of resolver.ofType('Custom::CDKBucketDeployment')) {
      const p = resolver.resolved(id);
      const keys = (p.SourceObjectKeys as string[]) ?? [];
      const markers = (p.SourceMarkers as Record<string, string>[] | undefined) ?? [];
      const bucket = String(p.DestinationBucketName);
      const prefix = p.DestinationBucketKeyPrefix
        ? `${String(p.DestinationBucketKeyPrefix).replace(/\/$/, '')}/`
        : '';
      keys.forEach((key, index) => {
        const dir = path.join(options.outdir, `asset.${key.replace(/\.zip$/, '')}`);
        for (const file of filesUnder(dir)) {
          let bytes = readFileSync(file);
          const replacements = Object.entries(markers[index] ?? {});
          if (replacements.length) {
            let text = bytes.toString('utf8');
            for (const [marker, value] of replacements) text = text.replaceAll(marker, value);
            // The deploy-time values (e.g. config.json's URLs), with the emulated hosts made local.
            bytes = Buffer.from(String(resolver.localise(text)));
          }
          const objectKey = `${prefix}${path.relative(dir, file).split(path.sep).join('/')}`;
          s3.objects.set(`${bucket}/${objectKey}`, {
            bytes,
            contentType: mime.lookup(file) || 'application/octet-stream',
          });
        }
      });
    }
    // The operator's first step after a deploy (docs/aws.md): the OpenAI key into its secret.
    for (const fn of functions.values()) {
      const arn = fn.spec.environment.PHAROS_OPENAI_SECRET_ARN;
      if (arn) secrets.put(arn, OPENAI_TEST_KEY);
    }

    // ---- the pipeline: rules, event source mappings, state machines, subscriptions ----
    const machines = resolver.ofType('AWS::StepFunctions::StateMachine').map(([id]) => {
      const p = resolver.resolved(id);
      return {
        arn: resolver.ref(id),
        name: String(resolver.getAtt(id, 'Name')),
        definition: JSON.parse(String(p.DefinitionString)) as Record<string, unknown>,
      };
    });
    const stepFunctions = new StepFunctionsService(machines, functionByArn, bus);
    await stepFunctions.attach(sfnBound);
    closers.push(() => stepFunctions.close());

    for (const [id] of resolver.ofType('AWS::Events::Rule')) {
      const p = resolver.resolved(id);
      if (p.State === 'DISABLED' || (!p.EventPattern && !p.ScheduleExpression)) continue;
      const targets: RuleTarget[] = ((p.Targets as Record<string, unknown>[]) ?? []).map((t) => {
        const arn = String(t.Arn);
        const deadLetter = (t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
        const retries = Number(
          (t.RetryPolicy as { MaximumRetryAttempts?: number } | undefined)?.MaximumRetryAttempts ?? 185,
        );
        const fn = arn.startsWith('arn:aws:lambda') ? functionByArn(arn) : undefined;
        const invoke = fn ? asyncInvoker(fn) : undefined;
        return {
          arn,
          retries: Math.min(retries, 8),
          deliver: async (event) => {
            if (arn.startsWith('arn:aws:sqs')) return sendTo(arn, event);
            if (invoke) return invoke(event);
            throw new Error(`rule target ${arn} is not emulated`);
          },
          ...(deadLetter
            ? { deadLetter: (event: Record<string, unknown>) => sendTo(deadLetter, event) }
            : {}),
        };
      });
      if (p.ScheduleExpression) {
        const stop = bus.schedule(String(p.ScheduleExpression), targets);
        closers.push(async () => stop());
      } else
        bus.rules.push({
          name: resolver.physicalName(id),
          pattern: p.EventPattern as Record<string, unknown>,
          targets,
        });
    }

    for (const [id] of resolver.ofType('AWS::Lambda::EventSourceMapping')) {
      const p = resolver.resolved(id);
      const source = String(p.EventSourceArn);
      const fn = functionByArn(String(p.FunctionName));
      if (!source.startsWith('arn:aws:sqs') || !fn) continue;
      const poller = new SqsPoller(sqs, queueUrlOf(source), source, fn, {
        batchSize: Number(p.BatchSize ?? 10),
        windowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        concurrency: Number(
          (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 2,
        ),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[]) ?? []).includes(
          'ReportBatchItemFailures',
        ),
      });
      poller.start();
      closers.push(() => poller.stop());
    }

    for (const [id] of resolver.ofType('AWS::SNS::Subscription')) {
      const p = resolver.resolved(id);
      const topicArn = String(p.TopicArn);
      const subscriptionArn = `${topicArn}:${crypto.randomUUID()}`;
      if (p.Protocol === 'sqs') {
        messaging.topics.get(topicArn)?.subscriptions.set(subscriptionArn, {
          queueArn: String(p.Endpoint),
          raw: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
        });
      } else if (p.Protocol === 'lambda') {
        const fn = functionByArn(String(p.Endpoint));
        if (!fn) continue;
        // SNS invokes Lambda asynchronously with one record per message.
        const invoke = asyncInvoker(fn);
        messaging.onPublish.push((published) => {
          if (published.topicArn !== topicArn) return;
          invoke({
            Records: [
              {
                EventSource: 'aws:sns',
                EventVersion: '1.0',
                EventSubscriptionArn: subscriptionArn,
                Sns: {
                  Type: 'Notification',
                  MessageId: published.messageId,
                  TopicArn: topicArn,
                  Subject: published.subject,
                  Message: published.message,
                  Timestamp: new Date().toISOString(),
                  SignatureVersion: '1',
                  Signature: 'emulated',
                  SigningCertUrl: '',
                  UnsubscribeUrl: '',
                  MessageAttributes: {},
                },
              },
            ],
          });
        });
      }
    }

    // ---- the front doors: Cognito, HTTP API, WebSocket API, CloudFront ----
    const clients = resolver
      .ofType('AWS::Cognito::UserPoolClient')
      .filter(([, r]) => refInside(r.Properties?.UserPoolId) === poolId)
      .map(([id]) => {
        const p = resolver.resolved(id);
        const seconds = (value: unknown, unit: unknown, fallbackUnit: string) =>
          Number(value ?? 60) *
          ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 }[String(unit ?? fallbackUnit)] ?? 60);
        const units = (p.TokenValidityUnits ?? {}) as Record<string, string>;
        return {
          clientId: resolver.ref(id),
          redirectUris: (p.CallbackURLs as string[]) ?? [],
          postLogoutRedirectUris: (p.LogoutURLs as string[]) ?? [],
          scopes: (p.AllowedOAuthScopes as string[]) ?? ['openid'],
          accessTokenSeconds: seconds(p.AccessTokenValidity, units.AccessToken, 'hours'),
          idTokenSeconds: seconds(p.IdTokenValidity, units.IdToken, 'hours'),
        };
      });
    // The issuer is Cognito's: `<origin>/<pool id>`; no device flow (Cognito has none).
    const oidc = await startOidcStandIn({
      issuerPath: `/${poolId ? resolver.userPoolId(poolId) : `${REGION}_none`}`,
      clients,
      users: options.users,
      bound: oidcBound,
      deviceFlow: false,
    });
    closers.push(() => oidc.stop());

    const routesOf = (apiId: string) =>
      resolver.ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => refInside(r.Properties?.ApiId) === apiId);
    const integrationFunction = (routeId: string) => {
      const integration = refInside(resolver.props(routeId).Target);
      return integration ? functionIn(resolver.resolved(integration).IntegrationUri) : undefined;
    };
    let httpApiUrl = '';
    let webSocketUrl = '';
    const webSocketApis: WebSocketApi[] = [];
    for (const [apiId, api] of resolver.ofType('AWS::ApiGatewayV2::Api')) {
      const b = bound.get(apiId)!;
      if (api.Properties?.ProtocolType === 'WEBSOCKET') {
        const stage = resolver
          .ofType('AWS::ApiGatewayV2::Stage')
          .find(([, r]) => refInside(r.Properties?.ApiId) === apiId);
        const stageName = stage ? String(resolver.resolved(stage[0]).StageName) : '$default';
        const routes = new Map<string, WebSocketRoute>();
        for (const [routeId] of routesOf(apiId)) {
          const routeKey = String(resolver.resolved(routeId).RouteKey);
          const integrationId = refInside(resolver.props(routeId).Target);
          const integration = integrationId ? resolver.resolved(integrationId) : {};
          if (integration.IntegrationType === 'MOCK') {
            routes.set(routeKey, {
              mock: {
                requestTemplates: (integration.RequestTemplates as Record<string, string>) ?? {},
                templateSelectionExpression: String(integration.TemplateSelectionExpression ?? ''),
              },
            });
            continue;
          }
          const fn = integrationFunction(routeId);
          if (fn) routes.set(routeKey, { fn });
        }
        const ws = new WebSocketApi(resolver.apiId(apiId), b.server, {
          stage: stageName,
          selection: String(api.Properties?.RouteSelectionExpression ?? '$request.body.action'),
          routes,
        });
        closers.push(() => ws.close());
        webSocketApis.push(ws);
        webSocketUrl = `${b.url.replace(/^http/, 'ws')}/${stageName}`;
        continue;
      }
      const routes: HttpRoute[] = [];
      for (const [routeId] of routesOf(apiId)) {
        const p = resolver.resolved(routeId);
        const fn = integrationFunction(routeId);
        if (!fn) continue;
        let authorizer: JwtAuthorizer | undefined;
        if (p.AuthorizationType === 'JWT') {
          const a = resolver.resolved(refInside(resolver.props(routeId).AuthorizerId)!);
          const jwt = a.JwtConfiguration as { Issuer: string; Audience: string[] };
          authorizer = {
            issuer: jwt.Issuer,
            audience: jwt.Audience,
            identitySource: a.IdentitySource as string[],
          };
        }
        routes.push({ routeKey: String(p.RouteKey), fn, ...(authorizer ? { authorizer } : {}) });
      }
      const cors = resolver.resolved(apiId).CorsConfiguration as Record<string, unknown> | undefined;
      const http = new HttpApi(
        resolver.apiId(apiId),
        routes,
        cors
          ? {
              allowOrigins: (cors.AllowOrigins as string[]) ?? [],
              allowMethods: (cors.AllowMethods as string[]) ?? [],
              allowHeaders: (cors.AllowHeaders as string[]) ?? [],
              exposeHeaders: (cors.ExposeHeaders as string[]) ?? [],
              allowCredentials: Boolean(cors.AllowCredentials),
              ...(cors.MaxAge !== undefined ? { maxAge: Number(cors.MaxAge) } : {}),
            }
          : undefined,
      );
      http.attach(b);
      httpApiUrl = b.url;
    }

    let webUrl = '';
    for (const [id] of resolver.ofType('AWS::CloudFront::Distribution')) {
      const raw = resolver.evaluate(resolver.props(id).DistributionConfig) as Record<string, unknown>;
      const config = resolver.localise(raw) as Record<string, unknown>;
      const origins: CdnOrigin[] = ((raw.Origins as Record<string, unknown>[]) ?? []).map((o, i) => {
        const local = (config.Origins as Record<string, unknown>[])[i]!;
        const s3Origin = /^(.+)\.s3\.[^.]+\.amazonaws\.com$/.exec(String(o.DomainName));
        return {
          id: String(o.Id),
          kind: s3Origin ? 's3' : 'custom',
          target: s3Origin ? s3Origin[1]! : String(local.DomainName),
          originPath: String(o.OriginPath ?? ''),
        };
      });
      // CloudFront Functions on viewer request: their code, found by the association's function ARN.
      const functionCode = (associations: unknown) => {
        const arn = ((associations as Record<string, unknown>[] | undefined) ?? []).find(
          (a) => a.EventType === 'viewer-request',
        )?.FunctionARN;
        const found = resolver
          .ofType('AWS::CloudFront::Function')
          .find(([fnId]) => resolver.getAtt(fnId, 'FunctionARN') === arn);
        return found ? String(resolver.resolved(found[0]).FunctionCode ?? '') : undefined;
      };
      const defaultBehavior = config.DefaultCacheBehavior as Record<string, unknown>;
      const distribution = new Distribution(
        {
          origins,
          behaviours: ((config.CacheBehaviors as Record<string, unknown>[]) ?? []).map((b) => ({
            pathPattern: String(b.PathPattern),
            originId: String(b.TargetOriginId),
            viewerRequest: functionCode(b.FunctionAssociations),
          })),
          defaultOriginId: String(defaultBehavior.TargetOriginId),
          defaultViewerRequest: functionCode(defaultBehavior.FunctionAssociations),
          ...(config.DefaultRootObject ? { defaultRootObject: String(config.DefaultRootObject) } : {}),
          errorResponses: ((config.CustomErrorResponses as Record<string, unknown>[]) ?? []).map((e) => ({
            errorCode: Number(e.ErrorCode),
            ...(e.ResponseCode !== undefined ? { responseCode: Number(e.ResponseCode) } : {}),
            ...(e.ResponsePagePath ? { responsePagePath: String(e.ResponsePagePath) } : {}),
          })),
        },
        (bucket, key) => s3.objects.get(`${bucket}/${key}`),
      );
      distribution.attach(bound.get(id)!);
      webUrl ||= bound.get(id)!.url;
    }

    const outputs = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([name, o]) => [name, String(resolver.resolve(o.Value))]),
    );
    let closed = false;
    return {
      webUrl,
      httpApiUrl,
      webSocketUrl,
      issuer: oidc.issuer,
      outputs,
      resolver,
      functions,
      bus,
      stepFunctions,
      fakes: { s3, messaging, dynamodb, secrets, rekognition, sagemaker, openai },
      database,
      oidc,
      logFile,
      webSocketPosts: () => webSocketApis.flatMap((ws) => ws.posts),
      webSocketMessages: () => webSocketApis.flatMap((ws) => ws.messages),
      close: async () => {
        if (closed) return;
        closed = true;
        await runClosers(closers);
        if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await runClosers(closers);
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Provisioned concurrency, in the background: one environment per function, two initialising at a
 * time (this machine's cores), the request path first (API, $connect), then the pipeline.
 */
async function warmAll(functions: LocalFunction[]): Promise<void> {
  const rank = (fn: LocalFunction) =>
    /Api|Ws/.test(fn.spec.name) ? 0 : /Starter|Pipeline/.test(fn.spec.name) ? 1 : 2;
  const queue = [...functions].sort((a, b) => rank(a) - rank(b));
  const worker = async () => {
    for (let fn = queue.shift(); fn; fn = queue.shift()) await fn.warm().catch(() => undefined);
  };
  await Promise.all([worker(), worker()]);
}

/** Stops everything started, newest first (pollers and APIs before the functions and data they use). */
async function runClosers(closers: (() => Promise<unknown>)[]): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
