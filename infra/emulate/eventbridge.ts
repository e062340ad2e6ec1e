/**
 * The default event bus: the template's rules (pattern → targets), matched with EventBridge's content
 * filtering (exact values, prefix, suffix, anything-but, exists, numeric equality), and delivered to
 * their targets — an SQS queue or a Lambda function (asynchronous invocation) — with the target's
 * retry policy and dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import { ACCOUNT, REGION } from './template.js';

export type EventPattern = Record<string, unknown>;

function matchesValue(rule: unknown, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return value === rule;
  const [op, arg] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  const text = typeof value === 'string' ? value : undefined;
  switch (op) {
    case 'prefix':
      return text !== undefined && text.startsWith(String(arg));
    case 'suffix':
      return text !== undefined && text.endsWith(String(arg));
    case 'exists':
      return (value !== undefined) === Boolean(arg);
    case 'anything-but':
      return Array.isArray(arg)
        ? value !== undefined && !arg.some((a) => matchesValue(a, value))
        : value !== undefined && !matchesValue(arg, value);
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === String(arg).toLowerCase();
    default:
      throw new Error(`event pattern operator ${String(op)} is not emulated`);
  }
}

/** Does the event match the pattern? Arrays are alternatives; objects descend into the event. */
export function matchesPattern(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = event[key];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      return rule.some((r) => {
        const isExists = r && typeof r === 'object' && 'exists' in r;
        return isExists ? matchesValue(r, value) : values.some((v) => v !== undefined && matchesValue(r, v));
      });
    }
    if (rule && typeof rule === 'object') {
      return (
        value !== null && typeof value === 'object' && matchesPattern(rule as EventPattern, value as never)
      );
    }
    return false;
  });
}

export interface RuleTarget {
  arn: string;
  deliver(event: Record<string, unknown>): Promise<void>;
  retries: number;
  deadLetter?: (event: Record<string, unknown>, error: Error) => Promise<void>;
}

export interface Rule {
  name: string;
  pattern: EventPattern;
  targets: RuleTarget[];
}

export class EventBus {
  readonly rules: Rule[] = [];
  /** Every event put on the bus, for inspection. */
  readonly events: Record<string, unknown>[] = [];

  /** PutEvents: the event gets its envelope (id, account, region, time) and goes to every matching rule. */
  put(entry: {
    source: string;
    'detail-type': string;
    detail: unknown;
    resources?: string[];
  }): Record<string, unknown> {
    const event = this.envelope(entry);
    this.events.push(event);
    for (const rule of this.rules) {
      if (!matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) void this.deliver(target, event, 0);
    }
    return event;
  }

  private envelope(entry: {
    source: string;
    'detail-type': string;
    detail: unknown;
    resources?: string[];
  }): Record<string, unknown> {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry['detail-type'],
      source: entry.source,
      account: ACCOUNT,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: REGION,
      resources: entry.resources ?? [],
      detail: entry.detail,
    };
  }

  /** A scheduled rule (`rate(5 minutes)`): a "Scheduled Event" to its targets at that rate. */
  schedule(expression: string, targets: RuleTarget[]): () => void {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (!rate) throw new Error(`schedule ${expression} is not emulated (only rate(...))`);
    const unit = { minute: 60, hour: 3600, day: 86400 }[rate[2]!.replace(/s$/, '') as 'minute'];
    const timer = setInterval(
      () => {
        const event = this.envelope({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
        for (const target of targets) void this.deliver(target, event, 0);
      },
      Number(rate[1]) * unit * 1000,
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  private async deliver(target: RuleTarget, event: Record<string, unknown>, attempt: number): Promise<void> {
    try {
      await target.deliver(event);
    } catch (error) {
      if (attempt < target.retries) {
        setTimeout(() => void this.deliver(target, event, attempt + 1), 200 * 2 ** attempt).unref();
      } else await target.deadLetter?.(event, error as Error).catch(() => undefined);
    }
  }
}
