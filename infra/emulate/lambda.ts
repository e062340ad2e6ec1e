/**
 * Lambda functions from the template: each runs its bundle from cdk.out in execution environments of
 * its own (child processes started with the function's environment, created on demand — cold starts —
 * and reused), one invocation per environment at a time, up to the reserved concurrency. The limits
 * that shape the design are kept: the timeout kills the environment, and synchronous payloads are
 * capped at 6 MB each way, as Lambda caps them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const HOST = new URL('./lambda-host.mjs', import.meta.url).pathname;
/** Lambda's synchronous invocation limit, request and response. */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;

export interface FunctionSpec {
  name: string;
  arn: string;
  codeDir: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  reservedConcurrency?: number;
}

/** What Lambda reports for a function error (the invoke call itself succeeded). */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}

/** The invoke call failed before the function ran (Lambda's own exceptions). */
export class InvokeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Environment {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export type LogSink = (functionName: string, line: string) => void;

export class LocalFunction {
  private readonly environments: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  invocations = 0;

  constructor(
    readonly spec: FunctionSpec,
    private readonly log: LogSink,
    private readonly maxEnvironments = 3,
  ) {}

  private spawn(): Environment {
    const child = fork(HOST, [], {
      env: this.spec.environment,
      // Resolve from the task root's own path (a link to the asset), not from where the asset sits.
      execArgv: ['--preserve-symlinks', '--preserve-symlinks-main'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', (line) => this.log(this.spec.name, line));
    const environment: Environment = {
      child,
      busy: false,
      ready: new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`environment exited (${code}) before it was ready`)));
      }),
    };
    environment.ready.catch(() => undefined);
    child.on('message', (message: { id?: number; ok?: boolean; result?: unknown; error?: never }) => {
      const pending = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id!);
      if (message.ok) pending.resolve(message.result);
      else {
        const e = message.error as unknown as { errorType: string; errorMessage: string };
        pending.reject(new FunctionError(e.errorType, e.errorMessage));
      }
    });
    child.on('exit', () => {
      const index = this.environments.indexOf(environment);
      if (index >= 0) this.environments.splice(index, 1);
    });
    this.environments.push(environment);
    return environment;
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      if (this.closed) throw new InvokeError('ServiceException', 'the emulator is shutting down');
      const idle = this.environments.find((e) => !e.busy);
      const limit = Math.min(this.spec.reservedConcurrency ?? this.maxEnvironments, this.maxEnvironments);
      const environment = idle ?? (this.environments.length < limit ? this.spawn() : undefined);
      if (environment) {
        environment.busy = true;
        return environment;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: Environment) {
    environment.busy = false;
    this.waiting.shift()?.();
  }

  /** RequestResponse: the function's result, or a FunctionError as Lambda reports it. */
  async invoke(event: unknown): Promise<unknown> {
    const payload = JSON.stringify(event ?? null);
    if (Buffer.byteLength(payload) > SYNC_PAYLOAD_LIMIT)
      throw new InvokeError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
      );
    const environment = await this.acquire();
    this.invocations += 1;
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    let onExit: (() => void) | undefined;
    try {
      await environment.ready;
      const result = await new Promise<unknown>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        timer = setTimeout(() => {
          this.pending.delete(id);
          environment.child.kill('SIGKILL');
          reject(
            new FunctionError(
              'Sandbox.Timedout',
              `Task timed out after ${this.spec.timeoutSeconds}.00 seconds`,
            ),
          );
        }, timeoutMs);
        onExit = () => {
          if (this.pending.delete(id))
            reject(new FunctionError('Runtime.ExitError', 'the execution environment exited'));
        };
        environment.child.once('exit', onExit);
        environment.child.send({
          id,
          event: JSON.parse(payload) as unknown,
          deadline: Date.now() + timeoutMs,
          requestId: randomUUID(),
        });
      });
      if (Buffer.byteLength(JSON.stringify(result)) > SYNC_PAYLOAD_LIMIT)
        throw new FunctionError(
          'Function.ResponseSizeTooLarge',
          'Response payload size exceeded maximum allowed payload size',
        );
      return result;
    } finally {
      clearTimeout(timer);
      if (onExit) environment.child.off('exit', onExit);
      this.release(environment);
    }
  }

  /** Provisioned concurrency of one: an environment initialised before the first invocation. */
  async warm(): Promise<void> {
    if (this.closed) return;
    const environment = this.environments[0] ?? this.spawn();
    await environment.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.splice(0).forEach((w) => w());
    await Promise.all(
      this.environments.map(
        (e) =>
          new Promise<void>((resolve) => {
            if (e.child.exitCode !== null) return resolve();
            e.child.once('exit', () => resolve());
            e.child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/**
 * Asynchronous invocation (EventBridge, SNS): queued, retried on a function error with Lambda's
 * backoff (1 min, then 2 min, scaled down here), and handed to the on-failure destination when the
 * retries are spent.
 */
export function invokeAsync(
  fn: LocalFunction,
  event: unknown,
  options: {
    retries?: number;
    retryDelayMs?: number;
    onFailure?: (event: unknown, error: Error) => void;
  } = {},
): void {
  const retries = options.retries ?? 2;
  const attempt = async (n: number): Promise<void> => {
    try {
      await fn.invoke(event);
    } catch (error) {
      if (n < retries) {
        setTimeout(() => void attempt(n + 1), (options.retryDelayMs ?? 1_000) * 2 ** n).unref();
      } else options.onFailure?.(event, error as Error);
    }
  };
  void attempt(0);
}
