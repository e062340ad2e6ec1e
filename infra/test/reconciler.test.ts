/**
 * The reconciler: the EventBridge rule and the function's permissions in the template, then the handler
 * with Step Functions' "Execution Status Change" events against the embedded PostgreSQL and the DynamoDB
 * and SNS wire servers — an execution the service ended on its own is closed once, and only once.
 */
import { randomUUID } from 'node:crypto';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../src/adapters/stepfunctions/engine.js';
import type { UserNotification } from '../../src/core/domain.js';
import type { ExecutionRecord } from '../../src/core/ports/index.js';
import {
  type ExecutionStatusChangeEvent,
  RECONCILED_STATUSES,
  createReconcilerHandler,
} from '../../src/entry/lambda/reconciler.js';
import { type LambdaRuntime } from '../../src/entry/lambda/runtime.js';
import type { PharosStack } from '../lib/pharos-stack.js';
import { lambdaContext } from './support/sfn-local.js';
import {
  type LambdaEnvironment,
  STATE_MACHINE_ARN,
  startLambdaEnvironment,
} from './support/lambda-environment.js';
import { type Synthesized, grantsOf, logicalId, synthWithoutBundling } from './support/template.js';

describe('the reconciler in the template', () => {
  let synthesized: Synthesized;
  let stack: PharosStack;
  let template: Template;
  const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(stack, construct);

  beforeAll(() => {
    synthesized = synthWithoutBundling();
    ({ stack, template } = synthesized);
  });

  it("routes our state machine's FAILED, TIMED_OUT and ABORTED executions to the reconciler, dead-lettering what cannot be delivered", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [{ Ref: id(stack.pipeline.stateMachine) }], status: RECONCILED_STATUSES },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [id(stack.pipeline.reconciler), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(stack.pipeline.deadLetters), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [id(stack.pipeline.reconciler), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [id(stack.pipeline.executionEndedRule), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id(stack.pipeline.reconciler) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [id(stack.pipeline.deadLetters), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ PHAROS_STATE_MACHINE_ARN: { Ref: id(stack.pipeline.stateMachine) } }),
      },
      VpcConfig: Match.objectLike({}),
      Description: Match.stringLikeRegexp('^Pharos reconciler'),
    });
  });

  it('may read the database secret, write the status table, publish to the topic and dead-letter — nothing else', () => {
    const byAction = grantsOf(synthesized, stack.pipeline.reconciler);
    expect([...byAction.keys()].sort()).toEqual([
      'dynamodb:PutItem',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(byAction.get('dynamodb:PutItem')).toBe(
      JSON.stringify({ 'Fn::GetAtt': [id(stack.data.statusTable), 'Arn'] }),
    );
    expect(byAction.get('sns:Publish')).toBe(JSON.stringify({ Ref: id(stack.pipeline.topic) }));
    expect(byAction.get('sqs:SendMessage')).toBe(
      JSON.stringify({ 'Fn::GetAtt': [id(stack.pipeline.deadLetters), 'Arn'] }),
    );
    expect(byAction.get('secretsmanager:GetSecretValue')).toBe(
      JSON.stringify(stack.resolve(stack.data.database.secret!.secretArn)),
    );
    for (const resource of byAction.values()) expect(resource).not.toBe('"*"');
  });
});

describe('the reconciler handler', () => {
  let environment: LambdaEnvironment;
  let runtime: LambdaRuntime;
  /** A second Lambda environment (its own pool) on the same database, for concurrent deliveries. */
  let other: LambdaRuntime;
  let messages: UserNotification[];
  let reconciler: ReturnType<typeof createReconcilerHandler>;

  beforeAll(async () => {
    environment = await startLambdaEnvironment();
    messages = environment.messages;
    const variables = {
      OIDC_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test',
      OIDC_AUDIENCE: 'pharos-web',
    };
    runtime = await environment.runtime(variables);
    other = await environment.runtime(variables);
    reconciler = createReconcilerHandler(() => Promise.resolve(runtime));
  });

  afterAll(() => environment?.close());

  /** A photo the starter has handed to Step Functions: PROCESSING in PostgreSQL and the status table. */
  async function startedExecution(): Promise<ExecutionRecord> {
    const imageId = randomUUID();
    const userId = `user-${imageId.slice(0, 8)}`;
    const image = await runtime.images.insert({
      id: imageId,
      user_id: userId,
      filename: 'lighthouse.jpg',
      content_type: 'image/jpeg',
      bytes: 1234,
      width: 64,
      height: 48,
      bucket: 'pharos-photos',
      object_key: `uploads/${userId}/${imageId}`,
      thumbnail_key: `thumbnails/${userId}/${imageId}`,
      auto_process: true,
    });
    const started = await runtime.executions.start(image, `${imageId}-upload`, 'upload');
    expect(started.kind).toBe('started');
    const execution = started.execution;
    await runtime.status.put({
      image_id: imageId,
      user_id: userId,
      status: 'PROCESSING',
      execution_seq: execution.seq,
      execution_id: execution.id,
    });
    await runtime.executions.beginAttempt(execution.id, 'DetectLabels');
    return execution;
  }

  /** The event exactly as Step Functions sends it to EventBridge (and EventBridge on to the Lambda). */
  function statusChange(
    execution: ExecutionRecord,
    status: string,
    error: string | null,
    cause: string | null,
  ): ExecutionStatusChangeEvent {
    const name = executionNameFor(execution.name);
    const executionArn = `arn:aws:states:eu-west-1:000000000000:execution:pharos:${name}`;
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'eu-west-1',
      resources: [executionArn],
      detail: {
        executionArn,
        stateMachineArn: STATE_MACHINE_ARN,
        name,
        status,
        startDate: Date.now() - 3_600_000,
        stopDate: Date.now(),
        input: JSON.stringify(execution.document),
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
        error,
        cause,
      },
    };
  }

  async function state(execution: ExecutionRecord) {
    const {
      rows: [row],
    } = await runtime.db.query('SELECT status, error, cause, ended_at FROM executions WHERE id = $1', [
      execution.id,
    ]);
    const { rows: attempts } = await runtime.db.query(
      'SELECT state, status FROM state_attempts WHERE execution_id = $1',
      [execution.id],
    );
    const image = await runtime.images.getById(execution.image_id);
    const status = await runtime.status.get(execution.image_id);
    const mine = messages.filter((m) => m.message.image_id === execution.image_id);
    const published = environment.messaging.requests.filter(
      (r) => r.operation === 'Publish' && r.body.toString('utf8').includes(execution.image_id),
    ).length;
    return {
      execution: row as { status: string; error: string | null; cause: string | null; ended_at: Date | null },
      attempts,
      image: { status: image?.status, error: image?.error, error_cause: image?.error_cause },
      status: status?.status,
      messages: mine,
      published,
    };
  }

  it('closes an execution the service timed out: FAILED row, FAILED photo with the reason, status FAILED, one completion message', async () => {
    const execution = await startedExecution();
    const event = statusChange(
      execution,
      'TIMED_OUT',
      'States.Timeout',
      'The execution exceeded its 3600 s TimeoutSeconds',
    );
    expect(await reconciler(event, lambdaContext())).toBe('reconciled');
    const after = await state(execution);
    expect(after).toMatchObject({
      execution: {
        status: 'FAILED',
        error: 'States.Timeout',
        cause: 'The execution exceeded its 3600 s TimeoutSeconds',
      },
      attempts: [{ state: 'DetectLabels', status: 'FAILED' }],
      image: {
        status: 'FAILED',
        error: 'States.Timeout',
        error_cause: 'The execution exceeded its 3600 s TimeoutSeconds',
      },
      status: 'FAILED',
      messages: [
        {
          user_id: execution.user_id,
          message: { type: 'image_processing_complete', image_id: execution.image_id, status: 'FAILED' },
        },
      ],
      published: 1,
    });
    expect(after.execution.ended_at).not.toBeNull();

    // EventBridge delivers the same event again: nothing changes, no second message.
    expect(await reconciler(event, lambdaContext())).toBe('already finished');
    expect(await state(execution)).toEqual(after);
  });

  it('two deliveries at once, in two Lambda environments, reconcile once', async () => {
    const execution = await startedExecution();
    const event = statusChange(
      execution,
      'FAILED',
      'States.Runtime',
      'An error occurred while executing the state',
    );
    const otherReconciler = createReconcilerHandler(() => Promise.resolve(other));
    const outcomes = await Promise.all([
      reconciler(event, lambdaContext()),
      otherReconciler(event, lambdaContext()),
    ]);
    expect(outcomes.sort()).toEqual(['already finished', 'reconciled']);
    expect(await state(execution)).toMatchObject({
      execution: { status: 'FAILED' },
      image: { status: 'FAILED' },
      status: 'FAILED',
      messages: [{}],
      published: 1,
    });
  });

  it('uses the Lambda error of a state without a Catch, and a fallback reason for an abort', async () => {
    const failed = await startedExecution();
    const envelope = JSON.stringify({
      errorType: 'Provider.Transient',
      errorMessage: 'status table unavailable',
      trace: ['at x'],
    });
    expect(
      await reconciler(statusChange(failed, 'FAILED', 'Provider.Transient', envelope), lambdaContext()),
    ).toBe('reconciled');
    expect(await state(failed)).toMatchObject({
      execution: { status: 'FAILED', error: 'Provider.Transient', cause: 'status table unavailable' },
      image: { status: 'FAILED', error: 'Provider.Transient', error_cause: 'status table unavailable' },
      published: 1,
    });

    const aborted = await startedExecution();
    expect(await reconciler(statusChange(aborted, 'ABORTED', null, null), lambdaContext())).toBe(
      'reconciled',
    );
    expect(await state(aborted)).toMatchObject({
      execution: { status: 'FAILED', error: 'Execution.Aborted' },
      image: {
        status: 'FAILED',
        error: 'Execution.Aborted',
        error_cause: expect.stringContaining('ABORTED'),
      },
      status: 'FAILED',
      published: 1,
    });
  });

  it('leaves an execution the pipeline finished alone (SUCCEEDED, or FAILED through MarkFailed and Notify)', async () => {
    const succeeded = await startedExecution();
    await runtime.images.saveResults({
      image_id: succeeded.image_id,
      execution_id: succeeded.id,
      labels: [],
      caption: { description: 'A lighthouse.', tags: ['lighthouse'], provenance: null } as never,
      beauty: { score: 80, raw: null, provenance: null },
      provenance: {},
    });
    await runtime.status.put({
      image_id: succeeded.image_id,
      user_id: succeeded.user_id,
      status: 'READY',
      execution_seq: succeeded.seq,
      execution_id: succeeded.id,
    });
    await runtime.executions.finish(succeeded.id, 'SUCCEEDED');
    const before = await state(succeeded);
    expect(
      await reconciler(statusChange(succeeded, 'FAILED', 'States.Runtime', 'late'), lambdaContext()),
    ).toBe('already finished');
    expect(await state(succeeded)).toEqual(before);
    expect(before).toMatchObject({
      execution: { status: 'SUCCEEDED' },
      image: { status: 'READY' },
      status: 'READY',
      published: 0,
    });

    // The normal failure path also ends FAILED: MarkFailed and Notify ran, the Fail state emitted the event.
    const markedFailed = await startedExecution();
    await runtime.images.markFailed({
      image_id: markedFailed.image_id,
      execution_id: markedFailed.id,
      error: 'Provider.Permanent',
      cause: 'forbidden',
    });
    await runtime.executions.finish(markedFailed.id, 'FAILED', {
      Error: 'Pharos.ImageFailed',
      Cause: 'Provider.Permanent: forbidden',
    });
    const failedBefore = await state(markedFailed);
    expect(
      await reconciler(
        statusChange(markedFailed, 'FAILED', 'Pharos.ImageFailed', 'Provider.Permanent: forbidden'),
        lambdaContext(),
      ),
    ).toBe('already finished');
    expect(await state(markedFailed)).toEqual(failedBefore);
  });

  it('closes the photo when MarkFailed itself failed (the timeline closed the row, the photo stayed PROCESSING)', async () => {
    const execution = await startedExecution();
    await runtime.executions.finish(execution.id, 'FAILED', {
      Error: 'Lambda.Unknown',
      Cause: 'MarkFailed crashed',
    });
    expect(
      await reconciler(
        statusChange(execution, 'FAILED', 'Lambda.Unknown', 'MarkFailed crashed'),
        lambdaContext(),
      ),
    ).toBe('reconciled');
    expect(await state(execution)).toMatchObject({
      execution: { status: 'FAILED', error: 'Lambda.Unknown' },
      image: { status: 'FAILED', error: 'Lambda.Unknown', error_cause: 'MarkFailed crashed' },
      status: 'FAILED',
      published: 1,
    });
  });

  it("closes a superseded execution's row without touching the photo of its successor, and ignores other machines", async () => {
    const old = await startedExecution();
    // A newer execution owns the photo now.
    await runtime.db.query('UPDATE images SET current_execution_id = NULL WHERE id = $1', [old.image_id]);
    expect(await reconciler(statusChange(old, 'ABORTED', null, null), lambdaContext())).toBe('reconciled');
    expect(await state(old)).toMatchObject({
      execution: { status: 'FAILED' },
      image: { status: 'PROCESSING' },
      status: 'PROCESSING',
      published: 0,
    });

    const other = await startedExecution();
    const event = statusChange(other, 'FAILED', 'States.Runtime', 'x');
    event.detail.stateMachineArn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:someone-else';
    expect(await reconciler(event, lambdaContext())).toBe('ignored');
    expect(await reconciler(statusChange(other, 'SUCCEEDED', null, null), lambdaContext())).toBe('ignored');
    expect(await state(other)).toMatchObject({
      execution: { status: 'RUNNING' },
      image: { status: 'PROCESSING' },
      published: 0,
    });
  });
});
