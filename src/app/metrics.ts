/**
 * Prometheus metrics (prom-client), in one place: the runner's state transitions arrive through a
 * RunnerObserver, HTTP requests through one middleware, and the gauges (photos by status, queue depth
 * and age, WebSocket connections) are read from their sources at scrape time. One registry per
 * runtime, so several runtimes in one process (the tests) never share counters.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { IMAGE_STATUSES } from '../core/domain.js';
import type { Logger } from '../core/ports/index.js';
import type { StateError } from '../core/pipeline.js';
import type { ExecutionRecord } from '../core/ports/index.js';
import type { RunnerObserver } from '../core/runner.js';

export type MetricsMode = 'public' | 'localhost' | 'off';

export interface QueueStats {
  queued: number;
  active: number;
  oldestAgeSeconds: number | null;
}

/** Where the gauges come from; each is optional (a worker has no WebSocket, SQS reports no age). */
export interface MetricsSources {
  photosByStatus?(): Promise<Record<string, number>>;
  queueStats?(queue: string): Promise<QueueStats>;
  queues?: string[];
  websocketConnections?(): number;
}

const STATE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private sources: MetricsSources = {};
  private readonly started = new Map<string, number>();

  private readonly stateDuration = new Histogram({
    name: 'pharos_state_duration_seconds',
    help: 'Duration of each state attempt, by state, provider and outcome (succeeded, failed)',
    labelNames: ['state', 'provider', 'outcome'] as const,
    buckets: STATE_BUCKETS,
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'pharos_state_retries_total',
    help: 'State attempts that failed and will be retried, by state and error name',
    labelNames: ['state', 'error'] as const,
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'pharos_state_failures_total',
    help: 'State attempts that failed for good (no retry left), by state and error name',
    labelNames: ['state', 'error'] as const,
    registers: [this.registry],
  });
  private readonly executions = new Counter({
    name: 'pharos_executions_finished_total',
    help: 'Executions that reached their end, by status (SUCCEEDED, FAILED)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'pharos_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor(
    /** Which provider serves each state (DetectLabels → rekognition, …); other states are "internal". */
    private readonly providers: Record<string, string>,
    private readonly logger: Logger,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges' collect() runs with `this` bound to the gauge: the sources are reached through these.
    const photosByStatus = () => this.read('photos', () => this.sources.photosByStatus?.());
    const queues = () => this.sources.queues ?? [];
    // Both queue gauges are collected in the same scrape: one read of the queue serves the two.
    let queueRead: { at: number; stats: Promise<Map<string, QueueStats>> } | null = null;
    const queueStats = () => {
      if (!queueRead || performance.now() - queueRead.at > 1_000) {
        const stats = Promise.all(
          queues().map(
            async (queue) =>
              [queue, await this.read('queue', () => this.sources.queueStats?.(queue))] as const,
          ),
        ).then((entries) => new Map(entries.filter((e): e is [string, QueueStats] => e[1] !== undefined)));
        queueRead = { at: performance.now(), stats };
      }
      return queueRead.stats;
    };
    const websocketConnections = () => this.sources.websocketConnections?.();
    new Gauge({
      name: 'pharos_photos',
      help: 'Photos by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await photosByStatus();
        if (!counts) return;
        for (const status of IMAGE_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'pharos_queue_jobs',
      help: 'Jobs in a queue by state (queued: waiting or retrying, active: being worked on)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const [queue, stats] of await queueStats()) {
          this.set({ queue, state: 'queued' }, stats.queued);
          this.set({ queue, state: 'active' }, stats.active);
        }
      },
    });
    new Gauge({
      name: 'pharos_queue_oldest_job_age_seconds',
      help: 'Age of the oldest job still waiting in a queue (0 when none waits)',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        for (const [queue, stats] of await queueStats()) {
          if (stats.oldestAgeSeconds !== null || stats.queued === 0)
            this.set({ queue }, Math.max(0, stats.oldestAgeSeconds ?? 0));
        }
      },
    });
    new Gauge({
      name: 'pharos_websocket_connections',
      help: 'Open WebSocket connections on this process',
      registers: [this.registry],
      collect() {
        const count = websocketConnections();
        if (count !== undefined) this.set(count);
      },
    });
  }

  /** A source that fails (the database is down) leaves its gauge stale rather than failing the scrape. */
  private async read<T>(what: string, read: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn({ err: error, source: what }, 'metrics source failed');
      return undefined;
    }
  }

  addSources(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  private provider(state: string): string {
    return this.providers[state] ?? 'internal';
  }

  /** Wraps another observer (progress messages, logs): both see every transition. */
  observer(inner: RunnerObserver = {}): RunnerObserver {
    const key = (execution: ExecutionRecord, state: string, attempt: number) =>
      `${execution.id}/${state}/${attempt}`;
    return {
      stateStarted: (execution, state, attempt) => {
        this.started.set(key(execution, state, attempt), performance.now());
        inner.stateStarted?.(execution, state, attempt);
      },
      stateSucceeded: (execution, state, attempt, durationMs) => {
        this.started.delete(key(execution, state, attempt));
        this.stateDuration.observe(
          { state, provider: this.provider(state), outcome: 'succeeded' },
          durationMs / 1000,
        );
        inner.stateSucceeded?.(execution, state, attempt, durationMs);
      },
      stateFailed: (execution, state, attempt, error: StateError, willRetry) => {
        const startedAt = this.started.get(key(execution, state, attempt));
        this.started.delete(key(execution, state, attempt));
        if (startedAt !== undefined) {
          this.stateDuration.observe(
            { state, provider: this.provider(state), outcome: 'failed' },
            (performance.now() - startedAt) / 1000,
          );
        }
        (willRetry ? this.retries : this.failures).inc({ state, error: error.Error });
        inner.stateFailed?.(execution, state, attempt, error, willRetry);
      },
      executionFinished: (execution, status, error) => {
        this.executions.inc({ status });
        inner.executionFinished?.(execution, status, error);
      },
    };
  }

  /** Times every request by its route pattern (never the raw path: ids would explode the series). */
  httpMiddleware(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        this.httpDuration.observe(
          { method: c.req.method, route: routeOf(c), status: String(c.res.status) },
          (performance.now() - started) / 1000,
        );
      }
    };
  }

  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** The pattern of the route that answered (`/images/:id`), or "unmatched". */
export function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  const responder = routes[c.req.routeIndex];
  if (responder && responder.method !== 'ALL') return responder.path;
  // A middleware answered (401, 413): name the route it guarded.
  const guarded = routes.slice(c.req.routeIndex).find((r) => r.method !== 'ALL');
  return guarded?.path ?? 'unmatched';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics. `localhost`: only connections from this machine, and none relayed by a
 * proxy (X-Forwarded-For); `public`: anyone who can reach the port. With a token, a matching
 * `Authorization: Bearer` is required as well, in either mode.
 */
export function metricsAccess(
  policy: { mode: MetricsMode; token?: string },
  request: {
    remoteAddress: string | undefined;
    authorization: string | undefined;
    forwardedFor: string | undefined;
  },
): 'allow' | 'forbidden' | 'unauthorized' {
  if (policy.mode === 'off') return 'forbidden';
  if (
    policy.mode === 'localhost' &&
    (!request.remoteAddress || !LOOPBACK.test(request.remoteAddress) || request.forwardedFor)
  ) {
    return 'forbidden';
  }
  if (policy.token) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? '');
    const given = Buffer.from(match?.[1] ?? '');
    const expected = Buffer.from(policy.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'unauthorized';
  }
  return 'allow';
}
