/**
 * Exponential lockout for guessing: after `freeFailures` failures under one key (a username, a client
 * address) the key is locked for `firstLockSeconds`, then twice as long, and so on up to `maxLockSeconds`. Failures are forgotten
 * after a quiet `forgetAfterSeconds`; a success clears its key. In memory, per process.
 */
import type { Clock } from './ports/index.js';

export interface ThrottleRule {
  freeFailures: number;
  /** The first lock; each further failure doubles it. */
  firstLockSeconds: number;
  maxLockSeconds: number;
  forgetAfterSeconds: number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

const MAX_KEYS = 100_000;

export class AttemptThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly rule: ThrottleRule,
  ) {}

  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string): number {
    const entry = this.current(key);
    if (!entry) return 0;
    return Math.max(0, Math.ceil((entry.lockedUntil - this.clock.now().getTime()) / 1000));
  }

  fail(key: string): void {
    const now = this.clock.now().getTime();
    const entry = this.current(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    const over = entry.failures - this.rule.freeFailures;
    if (over >= 0)
      entry.lockedUntil =
        now + Math.min(this.rule.firstLockSeconds * 2 ** over, this.rule.maxLockSeconds) * 1000;
    this.entries.delete(key); // re-insert: the map's order is then least recently failed first
    this.entries.set(key, entry);
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value!);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private current(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.clock.now().getTime() - entry.lastFailure > this.rule.forgetAfterSeconds * 1000) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
