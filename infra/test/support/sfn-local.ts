/**
 * Step Functions for tests: a server speaking the StartExecution, DescribeExecution and StopExecution
 * wire protocol (AWS JSON 1.0, as the SDK sends it) that runs the generated definition with
 * aws-local-stepfunctions (its TimeoutSeconds included: an execution past it ends TIMED_OUT). Each Task state's
 * `lambda:invoke` is answered by calling the real Lambda handler in process and wrapping its result
 * the way the integration does (`{Payload, StatusCode, SdkHttpMetadata, …}`); a thrown error becomes
 * what Lambda reports: error name = `errorType`, cause = the JSON envelope with `errorMessage`.
 */
import '../../emulate/promise-with-resolvers.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';

export const lambdaContext = (ms = 60_000): Context =>
  ({
    awsRequestId: 'test-request',
    functionName: 'pharos-test',
    getRemainingTimeInMillis: () => ms,
  }) as unknown as Context;

/** What the `lambda:invoke` integration does around a handler. */
export function lambdaInvoke(handler: (payload: unknown, context: Context) => Promise<unknown>) {
  return async (input: unknown) => {
    const { Payload } = input as { Payload: unknown };
    try {
      const result = await handler(Payload, lambdaContext());
      return {
        ExecutedVersion: '$LATEST',
        Payload: JSON.parse(JSON.stringify(result ?? null)) as unknown,
        SdkHttpMetadata: { HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST' }, HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: 'test' },
        StatusCode: 200,
      };
    } catch (thrown) {
      const e = thrown as Error;
      const reported = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [] }));
      reported.name = e.name;
      throw reported;
    }
  };
}

export type LocalEnd = {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  error?: string;
  /** DescribeExecution's `error` and `cause` (the caught error's name and message). */
  errorName?: string;
  cause?: string;
};

export interface LocalExecution {
  name: string;
  input: string;
  done: Promise<LocalEnd>;
  /** Set once `done` settles: what DescribeExecution answers (RUNNING until then). */
  ended?: LocalEnd;
  startDate: number;
  abort(): void;
}

export interface SfnFake {
  url: string;
  executions: Map<string, LocalExecution>;
  requests: { target: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startSfnFake(
  definition: object,
  taskHandlers: Record<string, (input: unknown) => Promise<unknown>>,
): Promise<SfnFake> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  const zeroWaits = Object.fromEntries(Object.keys(taskHandlers).map((state) => [state, 0]));
  const executions = new Map<string, LocalExecution>();
  const requests: SfnFake['requests'] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    requests.push({ target, body });
    const reply = (status: number, payload: object) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(payload));
    };
    if (target === 'AWSStepFunctions.DescribeExecution' || target === 'AWSStepFunctions.StopExecution') {
      const arn = String(body.executionArn);
      const known = executions.get(arn.split(':').pop()!);
      if (!known || !arn.startsWith('arn:aws:states:eu-west-1:000000000000:execution:pharos:'))
        return reply(400, {
          __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist',
          message: `Execution Does Not Exist: '${arn}'`,
        });
      if (target === 'AWSStepFunctions.StopExecution') {
        known.abort();
        await known.done;
        return reply(200, { stopDate: Date.now() / 1000 });
      }
      return reply(200, {
        executionArn: arn,
        stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:pharos',
        name: known.name,
        status: known.ended?.status ?? 'RUNNING',
        startDate: known.startDate,
        input: known.input,
        ...(known.ended?.errorName ? { error: known.ended.errorName } : {}),
        ...(known.ended?.cause ? { cause: known.ended.cause } : {}),
      });
    }
    if (target !== 'AWSStepFunctions.StartExecution')
      return reply(400, { __type: 'UnknownOperationException', message: target });
    const name = String(body.name);
    const input = String(body.input);
    const arn = `arn:aws:states:eu-west-1:000000000000:execution:pharos:${name}`;
    const existing = executions.get(name);
    if (existing) {
      // Step Functions: same name and input while running → the same execution; otherwise refused.
      const running = await Promise.race([existing.done.then(() => false), Promise.resolve(true)]);
      if (running && existing.input === input)
        return reply(200, { executionArn: arn, startDate: Date.now() / 1000 });
      return reply(400, {
        __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
        message: `Execution Already Exists: '${arn}'`,
      });
    }
    const run = machine.run(JSON.parse(input) as never, {
      overrides: { taskResourceLocalHandlers: taskHandlers as never, retryIntervalOverrides: zeroWaits },
      context: { Execution: { Id: arn, Name: name } },
    });
    const done: Promise<LocalEnd> = run.result.then(
      () => ({ status: 'SUCCEEDED' as const }),
      (error: unknown) => {
        const e = error as Error & { cause?: { name?: string; message?: string } };
        if (e.name === 'ExecutionTimeoutError')
          return { status: 'TIMED_OUT' as const, error: e.message, errorName: 'States.Timeout' };
        if (e.name === 'ExecutionAbortedError') return { status: 'ABORTED' as const, error: e.message };
        return {
          status: 'FAILED' as const,
          error: String(e.message),
          errorName: e.cause?.name,
          cause: e.cause?.message,
        };
      },
    );
    const execution: LocalExecution = { name, input, done, startDate: Date.now() / 1000, abort: run.abort };
    void done.then((end) => (execution.ended = end));
    executions.set(name, execution);
    reply(200, { executionArn: arn, startDate: Date.now() / 1000 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    executions,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
