/**
 * The scheduled sweep: a photo must not stay PROCESSING when Step Functions' end event is lost. In the
 * template: the schedule, and the function's exact permissions. The handler: executions PostgreSQL
 * still shows RUNNING past the machine's timeout, looked up with DescribeExecution on a Step Functions
 * wire fake (aws-local-stepfunctions, the machine's own TimeoutSeconds), against the embedded
 * PostgreSQL and the DynamoDB/SNS wire servers — no EventBridge event is delivered at all.
 */
import { randomUUID } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../src/adapters/stepfunctions/engine.js';
import type { UserNotification } from '../../src/core/domain.js';
import type { ExecutionRecord } from '../../src/core/ports/executions.js';
import { type LambdaRuntime } from '../../src/entry/lambda/runtime.js';
import { createSweepHandler, executionArnFor } from '../../src/entry/lambda/sweep.js';
import { EXECUTION_TIMEOUT_SECONDS } from '../lib/pipeline.js';
import type { PharosStack } from '../lib/pharos-stack.js';
import { type SfnFake, lambdaContext, startSfnFake } from './support/sfn-local.js';
import {
  type LambdaEnvironment,
  STATE_MACHINE_ARN,
  startLambdaEnvironment,
} from './support/lambda-environment.js';
import { type Synthesized, grantsOf, logicalId, synthWithoutBundling } from './support/template.js';

describe('the sweep in the template', () => {
  let synthesized: Synthesized;
  let stack: PharosStack;
  let template: Template;
  const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(stack, construct);

  beforeAll(() => {
    synthesized = synthWithoutBundling();
    ({ stack, template } = synthesized);
  });

  it('runs every 5 minutes with the machine ARN and its timeout, and may only describe its executions', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id(stack.pipeline.sweep), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Pharos sweep'),
      Environment: {
        Variables: Match.objectLike({
          PHAROS_STATE_MACHINE_ARN: { Ref: id(stack.pipeline.stateMachine) },
          PHAROS_EXECUTION_TIMEOUT_SECONDS: String(EXECUTION_TIMEOUT_SECONDS),
        }),
      },
      VpcConfig: Match.objectLike({}),
    });
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    expect(JSON.stringify(stack.resolve(machine.Properties.DefinitionString))).toContain(
      `\\"TimeoutSeconds\\":${EXECUTION_TIMEOUT_SECONDS},\\"States\\"`,
    );
    const byAction = grantsOf(synthesized, stack.pipeline.sweep);
    expect([...byAction.keys()].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      's3:DeleteObject',
      's3:GetObject',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'sns:Publish',
      'states:DescribeExecution',
    ]);
    expect(byAction.get('states:DescribeExecution')).toContain(':execution:');
    expect(byAction.get('states:DescribeExecution')).toContain(id(stack.pipeline.stateMachine));
    for (const resource of byAction.values()) expect(resource).not.toBe('"*"');
  });
});

describe('the sweep handler', () => {
  let environment: LambdaEnvironment;
  let runtime: LambdaRuntime;
  /** A machine with a 1 s TimeoutSeconds, and one without (whose hanging executions stay RUNNING). */
  let timing: SfnFake, endless: SfnFake;
  let messages: UserNotification[];
  /** What each execution's only task does, by image id. */
  const behaviour = new Map<string, 'hang' | 'fail' | 'succeed'>();

  const machine = (timeoutSeconds?: number) => ({
    StartAt: 'Work',
    ...(timeoutSeconds ? { TimeoutSeconds: timeoutSeconds } : {}),
    States: {
      Work: { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-1:000000000000:function:work', End: true },
    },
  });
  const work = async (input: unknown) => {
    const doc = input as { image_id: string };
    const what = behaviour.get(doc.image_id);
    if (what === 'fail') {
      const error = new Error('the step crashed without a Catch');
      error.name = 'Lambda.Unknown';
      throw error;
    }
    if (what === 'hang') await new Promise(() => undefined);
    return {};
  };

  beforeAll(async () => {
    [environment, timing, endless] = await Promise.all([
      startLambdaEnvironment(),
      startSfnFake(machine(1), { Work: work }),
      startSfnFake(machine(), { Work: work }),
    ]);
    messages = environment.messages;
    runtime = await environment.runtime({ PHAROS_EXECUTION_TIMEOUT_SECONDS: '3600' });
  });

  afterAll(async () => {
    for (const fake of [timing, endless]) for (const e of fake?.executions.values() ?? []) e.abort();
    await Promise.all([environment?.close(), timing?.close(), endless?.close()]);
  });

  const client = (fake: SfnFake) => new SFNClient({ endpoint: fake.url });

  /** A photo the starter handed to Step Functions (or meant to), `ageSeconds` ago. */
  async function execution(
    what: 'hang' | 'fail' | 'succeed',
    options: { on?: SfnFake; ageSeconds: number },
  ): Promise<ExecutionRecord> {
    const imageId = randomUUID();
    const userId = `user-${imageId.slice(0, 8)}`;
    behaviour.set(imageId, what);
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
    const record = started.execution;
    await runtime.status.put({
      image_id: imageId,
      user_id: userId,
      status: 'PROCESSING',
      execution_seq: record.seq,
      execution_id: record.id,
    });
    if (options.on) {
      await client(options.on).send(
        new StartExecutionCommand({
          stateMachineArn: STATE_MACHINE_ARN,
          name: executionNameFor(record.name),
          input: JSON.stringify(record.document),
        }),
      );
    }
    await runtime.db.query(
      `UPDATE executions SET started_at = now() - make_interval(secs => $2) WHERE id = $1`,
      [record.id, options.ageSeconds],
    );
    return record;
  }

  async function outcome(record: ExecutionRecord) {
    const {
      rows: [row],
    } = await runtime.db.query('SELECT status, error, cause FROM executions WHERE id = $1', [record.id]);
    const image = await runtime.images.getById(record.image_id);
    return {
      execution: row as { status: string; error: string | null; cause: string | null },
      image: { status: image?.status, error: image?.error, error_cause: image?.error_cause },
      status: (await runtime.status.get(record.image_id))?.status,
      messages: messages.filter((m) => m.message.image_id === record.image_id).map((m) => m.message.status),
    };
  }

  it('reconciles lost ends (timed out, failed, never started), closes a succeeded row, leaves the rest, once', async () => {
    const overdue = EXECUTION_TIMEOUT_SECONDS + 600;
    const timedOut = await execution('hang', { on: timing, ageSeconds: overdue });
    const failed = await execution('fail', { on: timing, ageSeconds: overdue });
    const succeeded = await execution('succeed', { on: timing, ageSeconds: overdue });
    const neverStarted = await execution('hang', { ageSeconds: overdue });
    // Younger than the machine's timeout: not the sweep's business yet, whatever Step Functions says.
    const recent = await execution('fail', { on: timing, ageSeconds: 60 });
    for (const record of [timedOut, failed, succeeded, recent])
      await timing.executions.get(executionNameFor(record.name))!.done;
    expect(timing.executions.get(executionNameFor(timedOut.name))!.ended!.status).toBe('TIMED_OUT');

    const sweep = createSweepHandler(
      () => Promise.resolve(runtime),
      () => client(timing),
    );
    const report = await sweep({} as never, lambdaContext());
    expect(report).toEqual({
      checked: 4,
      reconciled: 3,
      closedSucceeded: 1,
      stillRunning: 0,
      expiredUploads: 0,
    });

    expect(await outcome(timedOut)).toEqual({
      execution: { status: 'FAILED', error: 'States.Timeout', cause: expect.stringContaining('TIMED_OUT') },
      image: { status: 'FAILED', error: 'States.Timeout', error_cause: expect.stringContaining('TIMED_OUT') },
      status: 'FAILED',
      messages: ['FAILED'],
    });
    expect(await outcome(failed)).toMatchObject({
      execution: { status: 'FAILED', error: 'Lambda.Unknown' },
      image: { status: 'FAILED', error: 'Lambda.Unknown', error_cause: expect.stringContaining('crashed') },
      status: 'FAILED',
      messages: ['FAILED'],
    });
    expect(await outcome(neverStarted)).toMatchObject({
      execution: { status: 'FAILED', error: 'Execution.NotStarted' },
      image: { status: 'FAILED', error: 'Execution.NotStarted' },
      status: 'FAILED',
      messages: ['FAILED'],
    });
    expect((await outcome(succeeded)).execution.status).toBe('SUCCEEDED');
    expect((await outcome(succeeded)).messages).toEqual([]);
    expect(await outcome(recent)).toMatchObject({
      execution: { status: 'RUNNING' },
      image: { status: 'PROCESSING' },
      messages: [],
    });

    // The next run finds nothing left to do.
    expect(await sweep({} as never, lambdaContext())).toEqual({
      checked: 0,
      reconciled: 0,
      closedSucceeded: 0,
      stillRunning: 0,
      expiredUploads: 0,
    });
    expect((await outcome(timedOut)).messages).toEqual(['FAILED']);
  });

  it('leaves an execution Step Functions still runs, and names executions as the engine does', async () => {
    const running = await execution('hang', { on: endless, ageSeconds: EXECUTION_TIMEOUT_SECONDS + 600 });
    const sweep = createSweepHandler(
      () => Promise.resolve(runtime),
      () => client(endless),
    );
    expect(await sweep({} as never, lambdaContext())).toMatchObject({ stillRunning: 1, reconciled: 0 });
    expect(await outcome(running)).toMatchObject({
      execution: { status: 'RUNNING' },
      image: { status: 'PROCESSING' },
    });
    expect(executionArnFor(STATE_MACHINE_ARN, running.name)).toBe(
      `arn:aws:states:eu-west-1:000000000000:execution:pharos:${executionNameFor(running.name)}`,
    );
  });
});
