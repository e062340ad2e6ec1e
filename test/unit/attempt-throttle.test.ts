import { describe, expect, it } from 'vitest';
import { AttemptThrottle } from '../../src/core/attempt-throttle.js';

/** A clock the test moves by hand: the lockout schedule is checked without waiting. */
function manualClock() {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

describe('AttemptThrottle: exponential lockout', () => {
  const rule = { freeFailures: 3, firstLockSeconds: 1, maxLockSeconds: 60, forgetAfterSeconds: 3600 };

  it('locks after the free failures for 1 s, then doubles up to the cap', () => {
    const clock = manualClock();
    const throttle = new AttemptThrottle(clock, rule);
    throttle.fail('k');
    throttle.fail('k');
    expect(throttle.retryAfter('k')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      throttle.fail('k');
      waits.push(throttle.retryAfter('k'));
      clock.advance(waits.at(-1)!); // wait out the lock, then fail again
      expect(throttle.retryAfter('k')).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('keeps keys apart, clears a key on success, and forgets after a quiet hour', () => {
    const clock = manualClock();
    const throttle = new AttemptThrottle(clock, rule);
    for (let i = 0; i < 4; i++) throttle.fail('alice');
    expect(throttle.retryAfter('alice')).toBe(2);
    expect(throttle.retryAfter('bob')).toBe(0);
    throttle.succeed('alice');
    expect(throttle.retryAfter('alice')).toBe(0);
    for (let i = 0; i < 3; i++) throttle.fail('bob');
    expect(throttle.retryAfter('bob')).toBe(1);
    clock.advance(3601);
    throttle.fail('bob'); // the earlier failures are forgotten: this is the first again
    expect(throttle.retryAfter('bob')).toBe(0);
  });
});
