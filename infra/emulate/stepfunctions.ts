/**
 * Step Functions: the template's state machines, run by aws-local-stepfunctions on the template's own
 * DefinitionString, behind the service's wire protocol (AWS JSON 1.0: StartExecution with its
 * name/idempotency rules, DescribeExecution, StopExecution). Each `lambda:invoke` Task calls the local
 * function its `FunctionName` names and wraps the answer as the integration does; a function error
 * becomes the state's error (name = `errorType`, cause = Lambda's JSON envelope). When an execution
 * ends, the "Step Functions Execution Status Change" event goes to EventBridge, as the service sends it.
 */
import './promise-with-resolvers.js';
import type { Server } from 'node:http';
import type { EventBus } from './eventbridge.js';
import { FunctionError, InvokeError, type LocalFunction } from './lambda.js';
import { type Bound, closeServer } from './net.js';
import { ACCOUNT, REGION } from './template.js';

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  abort?: () => void;
}

export interface StateMachineSpec {
  arn: string;
  name: string;
  definition: Record<string, unknown>;
}

/** The Lambda integration's answer around a function's result. */
function invokeResult(payload: unknown) {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST' }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: 'emulated' },
    StatusCode: 200,
  };
}

/** What a caught Lambda failure looks like to the state machine. */
function stateError(thrown: unknown): Error {
  if (thrown instanceof FunctionError) {
    const e = new Error(
      JSON.stringify({ errorType: thrown.errorType, errorMessage: thrown.errorMessage, trace: [] }),
    );
    e.name = thrown.errorType;
    return e;
  }
  const e = new Error((thrown as Error).message);
  e.name = thrown instanceof InvokeError ? `Lambda.${thrown.name}` : 'Lambda.ServiceException';
  return e;
}

export class StepFunctionsService {
  readonly executions = new Map<string, Execution>();
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly machines: StateMachineSpec[],
    private readonly functionByArn: (arn: string) => LocalFunction | undefined,
    private readonly bus: EventBus,
  ) {}

  /** Serves the wire protocol on a server already listening (its URL is in the functions' environment). */
  async attach(bound: Bound): Promise<void> {
    this.server = bound.server;
    this.url = bound.url;
    const { StateMachine } = await import('aws-local-stepfunctions');
    const compiled = new Map(
      this.machines.map((m) => [
        m.arn,
        {
          spec: m,
          machine: new StateMachine(m.definition as never, { validationOptions: { checkArn: false } }),
        },
      ]),
    );
    const handlers = (definition: Record<string, unknown>) => {
      const states = (definition.States ?? {}) as Record<string, { Type: string; Resource?: string }>;
      return Object.fromEntries(
        Object.entries(states)
          .filter(
            ([, s]) => s.Type === 'Task' && String(s.Resource).startsWith('arn:aws:states:::lambda:invoke'),
          )
          .map(([name]) => [
            name,
            async (input: unknown) => {
              const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
              const fn = this.functionByArn(String(FunctionName).replace(/:\$LATEST$/, ''));
              if (!fn)
                throw Object.assign(new Error(`Function not found: ${FunctionName}`), {
                  name: 'Lambda.ResourceNotFoundException',
                });
              try {
                return invokeResult(await fn.invoke(Payload));
              } catch (error) {
                throw stateError(error);
              }
            },
          ]),
      );
    };

    this.server.on('request', async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const reply = (status: number, payload: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(payload));
      };
      const fail = (type: string, message: string) =>
        reply(400, { __type: `com.amazonaws.swf.service.v2.model#${type}`, message });
      if (target === 'StartExecution') {
        const entry = compiled.get(String(body.stateMachineArn));
        if (!entry)
          return fail(
            'StateMachineDoesNotExist',
            `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
          );
        const name = String(body.name ?? crypto.randomUUID());
        const input = String(body.input ?? '{}');
        const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${entry.spec.name}:${name}`;
        const existing = this.executions.get(arn);
        if (existing) {
          // Same name and input while running → the same execution; anything else is refused.
          if (existing.status === 'RUNNING' && existing.input === input)
            return reply(200, { executionArn: arn, startDate: existing.startDate / 1000 });
          return fail('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
        }
        const execution: Execution = {
          arn,
          name,
          stateMachineArn: entry.spec.arn,
          input,
          status: 'RUNNING',
          startDate: Date.now(),
        };
        this.executions.set(arn, execution);
        this.run(entry.machine, handlers(entry.spec.definition), execution);
        return reply(200, { executionArn: arn, startDate: execution.startDate / 1000 });
      }
      const execution = this.executions.get(String(body.executionArn));
      if (target === 'DescribeExecution') {
        if (!execution)
          return fail('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
        return reply(200, {
          executionArn: execution.arn,
          stateMachineArn: execution.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate: execution.startDate / 1000,
          ...(execution.stopDate ? { stopDate: execution.stopDate / 1000 } : {}),
          input: execution.input,
          ...(execution.output !== undefined ? { output: execution.output } : {}),
          ...(execution.error ? { error: execution.error, cause: execution.cause } : {}),
        });
      }
      if (target === 'StopExecution') {
        if (!execution)
          return fail('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
        if (execution.status === 'RUNNING') {
          execution.error = body.error ? String(body.error) : undefined;
          execution.cause = body.cause ? String(body.cause) : undefined;
          execution.abort?.();
          this.finish(execution, 'ABORTED');
        }
        return reply(200, { stopDate: (execution.stopDate ?? Date.now()) / 1000 });
      }
      return reply(400, { __type: 'UnknownOperationException', message: target });
    });
  }

  private run(
    machine: { run: (input: never, options: never) => { result: Promise<unknown>; abort: () => void } },
    taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>>,
    execution: Execution,
  ) {
    const run = machine.run(
      JSON.parse(execution.input) as never,
      {
        overrides: { taskResourceLocalHandlers },
        noThrowOnAbort: true,
        context: {
          Execution: {
            Id: execution.arn,
            Name: execution.name,
            Input: JSON.parse(execution.input),
            StartTime: new Date(execution.startDate).toISOString(),
          },
          StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineArn.split(':').pop() },
        },
      } as never,
    );
    execution.abort = () => run.abort();
    run.result.then(
      (output) => {
        if (execution.status !== 'RUNNING') return;
        execution.output = JSON.stringify(output ?? null);
        this.finish(execution, 'SUCCEEDED');
      },
      (error: unknown) => {
        if (execution.status !== 'RUNNING') return;
        // The library wraps a Fail state's error (or the one that escaped every Catch) as `cause`.
        const outer = error as Error & { cause?: Error };
        const inner = outer.cause instanceof Error ? outer.cause : outer;
        execution.error = inner.name || 'States.Runtime';
        execution.cause = inner.message ?? '';
        const status: Status =
          outer.name === 'ExecutionTimeoutError' || execution.error === 'States.Timeout'
            ? 'TIMED_OUT'
            : 'FAILED';
        this.finish(execution, status);
      },
    );
  }

  private finish(execution: Execution, status: Status) {
    execution.status = status;
    execution.stopDate = Date.now();
    this.bus.put({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      resources: [execution.arn],
      detail: {
        executionArn: execution.arn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status,
        startDate: execution.startDate,
        stopDate: execution.stopDate,
        input: execution.input,
        output: execution.output ?? null,
        inputDetails: { included: true },
        error: execution.error ?? null,
        cause: execution.cause ?? null,
      },
    });
  }

  async close(): Promise<void> {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') execution.abort?.();
    if (this.server) await closeServer(this.server);
  }
}
