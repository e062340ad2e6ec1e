/**
 * The processing path: S3 Object Created → EventBridge rule (the core's `uploadEventPattern`) → SQS
 * (with a dead-letter queue) → the starter Lambda → Step Functions (Standard), generated from the core
 * pipeline definition, whose Task states are Lambdas running the core steps → DynamoDB status and SNS.
 */
import { ArnFormat, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  RENDITION_PREFIX,
  THUMBNAIL_PREFIX,
  UPLOAD_PREFIX,
  uploadEventPattern,
} from '../../src/core/events.js';
import { type PipelineDefinition, type StepName, buildPipeline } from '../../src/core/pipeline.js';
import { PROCESSING_QUEUE } from '../../src/core/processing-service.js';
import { taskStates, toStatesLanguage } from '../../src/adapters/stepfunctions/asl.js';
import { OPENAI_KEY_PLACEHOLDER } from '../../src/entry/lambda/openai-key.js';
import type { BeautyEndpoint } from './beauty.js';
import type { PharosData } from './data.js';
import { pharosFunction } from './functions.js';
import type { PharosSettings } from './settings.js';

/** EventBridge patterns in the CDK's camelCase keys. */
export function cdkEventPattern(bucketName: string): events.EventPattern {
  const pattern = uploadEventPattern(bucketName);
  return {
    source: pattern.source as string[],
    detailType: pattern['detail-type'] as string[],
    detail: pattern.detail as Record<string, unknown>,
  };
}

/** The state machine's overall TimeoutSeconds; the sweep looks for RUNNING rows older than this. */
export const EXECUTION_TIMEOUT_SECONDS = 3600;

export interface PipelineProps {
  data: PharosData;
  beauty: BeautyEndpoint;
  settings: PharosSettings;
  /** Prefix of SQS queue names (the SqsQueue adapter finds `{prefix}image-processing`). */
  queuePrefix: string;
}

export class PharosPipeline extends Construct {
  readonly definition: PipelineDefinition;
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly topic: sns.Topic;
  readonly openAiKey: secretsmanager.Secret;
  readonly stateMachine: sfn.StateMachine;
  readonly starter: lambda.Function;
  /** Task state name → the function that runs it. */
  readonly stepFunctions: Record<string, lambda.Function> = {};
  readonly uploadRule: events.Rule;
  /** Closes executions Step Functions ended without MarkFailed/Notify (timeout, abort, uncaught errors). */
  readonly reconciler: lambda.Function;
  readonly executionEndedRule: events.Rule;
  /** Every few minutes: executions still RUNNING past the machine's timeout (their end event was lost). */
  readonly sweep: lambda.Function;
  readonly sweepRule: events.Rule;
  /** Environment every runtime function shares: where the ports live. */
  readonly sharedEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { data, settings } = props;
    this.definition = buildPipeline({ beautyFailure: settings.beautyFailure });

    const topicKey = new kms.Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Pharos notifications topic',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      masterKey: topicKey,
      enforceSSL: true,
      displayName: 'Pharos notifications',
    });

    // Created with a known placeholder (not a generated value): until the operator puts the real key,
    // DescribeAndTag answers with the local describer and says so in the provenance.
    this.openAiKey = new secretsmanager.Secret(this, 'OpenAiKey', {
      description: 'OpenAI API key for captions and tags (put its value after the first deploy)',
      secretStringValue: SecretValue.unsafePlainText(OPENAI_KEY_PLACEHOLDER),
    });

    this.deadLetters = new sqs.Queue(this, 'ProcessingDlq', {
      queueName: `${props.queuePrefix}${PROCESSING_QUEUE}-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Processing', {
      queueName: `${props.queuePrefix}${PROCESSING_QUEUE}`,
      // Six times the starter's timeout, as AWS advises for Lambda event sources.
      visibilityTimeout: Duration.seconds(180),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });

    this.uploadRule = new events.Rule(this, 'Uploads', {
      description: `Object Created under ${UPLOAD_PREFIX} in the uploads bucket (the core's uploadEventPattern)`,
      eventPattern: cdkEventPattern(data.uploads.bucketName),
      targets: [new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetters, retryAttempts: 8 })],
    });

    const vpcPlacement = {
      vpc: data.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [data.databaseClients],
      withNativeDeps: true,
    };
    this.sharedEnvironment = {
      ...data.databaseEnvironment(),
      PHAROS_BUCKET: data.uploads.bucketName,
      PHAROS_DYNAMODB_TABLE: data.statusTable.tableName,
      PHAROS_SNS_TOPIC_ARN: this.topic.topicArn,
      PHAROS_SQS_QUEUE_PREFIX: props.queuePrefix,
      PHAROS_BEAUTY_FAILURE: settings.beautyFailure,
    };

    // One function per Task state, all from one handler: each holds only its own step's permissions.
    const stepEnvironment: Record<StepName, Record<string, string>> = {
      inspectImage: {},
      detectLabels: { PHAROS_LABELS: 'rekognition' },
      filterLabels: {},
      describeAndTag: {
        PHAROS_DESCRIBER: 'openai',
        PHAROS_OPENAI_SECRET_ARN: this.openAiKey.secretArn,
        PHAROS_OPENAI_MODEL: settings.openAiModel,
        PHAROS_OPENAI_VISION: String(settings.openAiVision),
      },
      scoreBeauty: {
        PHAROS_BEAUTY: 'sagemaker',
        PHAROS_SAGEMAKER_ENDPOINT: props.beauty.endpointName,
        PHAROS_SAGEMAKER_MODEL_ID: props.beauty.modelId.valueAsString,
        PHAROS_SAGEMAKER_LABEL: props.beauty.label.valueAsString,
      },
      saveResults: {},
      markFailed: {},
      notify: {},
    };
    const reserved = (n: number) => (settings.reserveConcurrency ? n : undefined);
    const stepConcurrency: Partial<Record<StepName, number | undefined>> = {
      detectLabels: reserved(settings.rekognitionConcurrency),
      describeAndTag: reserved(settings.openAiConcurrency),
      scoreBeauty: reserved(settings.sageMakerConcurrency),
    };
    // Providers read the original, or InspectImage's JPEG rendition of it.
    const readUpload = new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [
        data.uploads.arnForObjects(`${UPLOAD_PREFIX}*`),
        data.uploads.arnForObjects(`${RENDITION_PREFIX}*`),
      ],
    });
    for (const { state, step, timeoutSeconds } of taskStates(this.definition)) {
      const fn = pharosFunction(this, `${state}Function`, {
        ...vpcPlacement,
        entry: 'step',
        description: `Pharos state ${state}: runs the core step ${step}`,
        // The handler gives up a second before the state's TimeoutSeconds; the function outlives both.
        timeout: Duration.seconds(timeoutSeconds + 5),
        // InspectImage decodes photos of up to PHAROS_MAX_PIXELS (50 MP: ~150 MB of pixels, plus the JPEG).
        memorySize:
          step === 'inspectImage' ? 1536 : step === 'scoreBeauty' || step === 'detectLabels' ? 1024 : 512,
        reservedConcurrentExecutions: stepConcurrency[step],
        environment: { ...this.sharedEnvironment, ...stepEnvironment[step], PHAROS_STATES: state },
      });
      data.database.secret!.grantRead(fn);
      // Every state reports its progress (and Notify its completion) on the topic.
      this.topic.grantPublish(fn);
      if (step === 'inspectImage') {
        // Reads what arrived, removes a refused file; writes the thumbnail and the rendition.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:GetObject', 's3:DeleteObject'],
            resources: [data.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)],
          }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:PutObject'],
            resources: [
              data.uploads.arnForObjects(`${THUMBNAIL_PREFIX}*`),
              data.uploads.arnForObjects(`${RENDITION_PREFIX}*`),
            ],
          }),
        );
      }
      if (step === 'detectLabels') {
        // DetectLabels has no resource-level permissions; Rekognition reads the photo with the caller's rights.
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['rekognition:DetectLabels'], resources: ['*'] }),
        );
        fn.addToRolePolicy(readUpload);
      }
      if (step === 'describeAndTag') {
        this.openAiKey.grantRead(fn);
        if (settings.openAiVision) fn.addToRolePolicy(readUpload);
      }
      if (step === 'scoreBeauty') {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['sagemaker:InvokeEndpoint'],
            resources: [props.beauty.endpointArn],
          }),
        );
        fn.addToRolePolicy(readUpload);
      }
      if (step === 'notify') {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [data.statusTable.tableArn] }),
        );
      }
      this.stepFunctions[state] = fn;
    }

    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const asl = toStatesLanguage(this.definition, {
      functionFor: (_step, state) => this.stepFunctions[state]!.functionArn,
      timeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(asl)),
      tracingEnabled: true,
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of Object.values(this.stepFunctions)) fn.grantInvoke(this.stateMachine);

    this.starter = pharosFunction(this, 'StarterFunction', {
      ...vpcPlacement,
      entry: 'starter',
      description: 'Pharos starter: SQS tickets → PROCESSING → Step Functions StartExecution',
      timeout: Duration.seconds(30),
      environment: { ...this.sharedEnvironment, PHAROS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    data.database.secret!.grantRead(this.starter);
    this.topic.grantPublish(this.starter);
    this.starter.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [data.statusTable.tableArn] }),
    );
    this.stateMachine.grantStartExecution(this.starter);
    this.starter.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: settings.starterConcurrency,
      }),
    );

    this.reconciler = pharosFunction(this, 'ReconcilerFunction', {
      ...vpcPlacement,
      entry: 'reconciler',
      description:
        'Pharos reconciler: executions Step Functions ended on its own → FAILED, status, completion message',
      timeout: Duration.seconds(30),
      environment: { ...this.sharedEnvironment, PHAROS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    // What MarkFailed and Notify may do, and nothing else: PostgreSQL (through the proxy), the status table, the topic.
    data.database.secret!.grantRead(this.reconciler);
    this.topic.grantPublish(this.reconciler);
    this.reconciler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [data.statusTable.tableArn] }),
    );
    // A delivery the function keeps failing (PostgreSQL down) lands in the alarmed DLQ rather than vanishing.
    this.reconciler.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetters),
    });
    this.executionEndedRule = new events.Rule(this, 'ExecutionsEnded', {
      description: 'Pipeline executions that Step Functions failed, timed out or aborted → the reconciler',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.stateMachine.stateMachineArn],
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      targets: [
        new targets.LambdaFunction(this.reconciler, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    this.sweep = pharosFunction(this, 'SweepFunction', {
      ...vpcPlacement,
      entry: 'sweep',
      description:
        'Pharos sweep: lost executions (DescribeExecution → reconciled) and expired upload slots (removed)',
      timeout: Duration.minutes(2),
      environment: {
        ...this.sharedEnvironment,
        PHAROS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        PHAROS_EXECUTION_TIMEOUT_SECONDS: String(EXECUTION_TIMEOUT_SECONDS),
      },
    });
    data.database.secret!.grantRead(this.sweep);
    this.topic.grantPublish(this.sweep);
    this.sweep.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [data.statusTable.tableArn],
      }),
    );
    // Expired upload slots: is the object there (HeadObject needs s3:GetObject)? If not, remove the rest.
    this.sweep.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [UPLOAD_PREFIX, THUMBNAIL_PREFIX, RENDITION_PREFIX].map((p) =>
          data.uploads.arnForObjects(`${p}*`),
        ),
      }),
    );
    this.sweep.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${this.stateMachine.stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.sweepRule = new events.Rule(this, 'SweepSchedule', {
      description: 'Every 5 minutes: the sweep reconciles executions whose end event was lost',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.sweep, { retryAttempts: 2 })],
    });
  }
}
