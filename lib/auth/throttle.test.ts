import { describe, expect, it } from 'vitest';
import { clearFailures, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_SUBJECT_ADDRESS, recordFailure, throttleStatus, THROTTLE_WINDOW_MS } from './throttle';

describe('sign-in throttling', () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('limits one subject at one address after 10 failures, then clears when the window passes', () => {
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS - 1; i++) recordFailure('t1', 'a@x.test', '192.0.2.1', t0 + i * 1000);
    expect(throttleStatus('t1', 'a@x.test', '192.0.2.1', t0 + 10_000)).toEqual({ limited: false });
    recordFailure('t1', 'a@x.test', '192.0.2.1', t0 + 10_000);
    expect(throttleStatus('t1', 'a@x.test', '192.0.2.1', t0 + 11_000)).toEqual({ limited: true, retryAfterMinutes: 15 });
    // Another address for the same subject, and the same address for another subject, are not affected.
    expect(throttleStatus('t1', 'a@x.test', '192.0.2.2', t0 + 11_000)).toEqual({ limited: false });
    expect(throttleStatus('t1', 'b@x.test', '192.0.2.1', t0 + 11_000)).toEqual({ limited: false });
    // No permanent lockout: once the oldest failure leaves the window, attempts are allowed again.
    expect(throttleStatus('t1', 'a@x.test', '192.0.2.1', t0 + THROTTLE_WINDOW_MS - 60_000)).toMatchObject({ limited: true, retryAfterMinutes: 1 });
    expect(throttleStatus('t1', 'a@x.test', '192.0.2.1', t0 + THROTTLE_WINDOW_MS + 1)).toEqual({ limited: false });
  });

  it('limits one address across many subjects after 50 failures', () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) recordFailure('t2', `user${i}@x.test`, '192.0.2.9', t0);
    expect(throttleStatus('t2', 'fresh@x.test', '192.0.2.9', t0 + 1000).limited).toBe(true);
    expect(throttleStatus('t2', 'fresh@x.test', '192.0.2.10', t0 + 1000).limited).toBe(false);
  });

  it('a success clears the subject counter at that address only', () => {
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('t3', 'c@x.test', '192.0.2.3', Date.now());
    expect(throttleStatus('t3', 'c@x.test', '192.0.2.3').limited).toBe(true);
    clearFailures('t3', 'c@x.test', '192.0.2.3');
    expect(throttleStatus('t3', 'c@x.test', '192.0.2.3').limited).toBe(false);
  });

  it('realms are separate', () => {
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('t4', 'd@x.test', '192.0.2.4', Date.now());
    expect(throttleStatus('t4', 'd@x.test', '192.0.2.4').limited).toBe(true);
    expect(throttleStatus('t5', 'd@x.test', '192.0.2.4').limited).toBe(false);
  });

  it('counts an unknown address as one address, and reports the later of two limits', () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) recordFailure('t6', `user${i}@x.test`, null, t0 + i);
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('t6', 'e@x.test', null, t0 + 5 * 60_000);
    // Address window from t0, subject window from t0 + 5 min: refused until the later one clears.
    expect(throttleStatus('t6', 'e@x.test', null, t0 + 6 * 60_000)).toEqual({ limited: true, retryAfterMinutes: 14 });
    expect(throttleStatus('t6', 'other@x.test', null, t0 + 6 * 60_000)).toEqual({ limited: true, retryAfterMinutes: 9 });
  });
});
