import { describe, expect, it } from 'vitest';
import { clearFailures, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_SUBJECT_ADDRESS, recordFailure, THROTTLE_WINDOW_MS, throttleStatus } from './throttle';

const now = Date.UTC(2030, 0, 1, 12);
let n = 0;
const fresh = () => ({ subject: `user${++n}@throttle.test`, address: `198.51.100.${n % 250}` });

describe('throttle', () => {
  it('limits one subject at one address after its limit, until the oldest failure leaves the window', () => {
    const { subject, address } = fresh();
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS - 1; i++) recordFailure('test', subject, address, now + i * 1000);
    expect(throttleStatus('test', subject, address, now + 60_000)).toEqual({ limited: false });
    recordFailure('test', subject, address, now + 60_000);
    expect(throttleStatus('test', subject, address, now + 60_000)).toEqual({ limited: true, retryAfterMinutes: 14 });
    // Another address, another realm: not limited.
    expect(throttleStatus('test', subject, '203.0.113.1', now + 60_000)).toEqual({ limited: false });
    expect(throttleStatus('other', subject, address, now + 60_000)).toEqual({ limited: false });
    expect(throttleStatus('test', subject, address, now + THROTTLE_WINDOW_MS + 1)).toEqual({ limited: false });
  });

  it('limits an address across subjects', () => {
    const { address } = fresh();
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) recordFailure('spray', `victim${i}@throttle.test`, address, now);
    expect(throttleStatus('spray', 'someone-else@throttle.test', address, now + 1000)).toEqual({ limited: true, retryAfterMinutes: 15 });
  });

  it('clears the subject counter on success, not the address-wide one', () => {
    const { subject, address } = fresh();
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('clear', subject, address, now);
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS - MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('clear', `other${i}@throttle.test`, address, now);
    expect(throttleStatus('clear', subject, address, now).limited).toBe(true);
    clearFailures('clear', subject, address);
    // The address still has 50 failures in the window.
    expect(throttleStatus('clear', subject, address, now).limited).toBe(true);
    expect(throttleStatus('clear', subject, address, now + THROTTLE_WINDOW_MS)).toEqual({ limited: false });
  });

  it('counts an unknown address as one address', () => {
    const { subject } = fresh();
    for (let i = 0; i < MAX_FAILURES_PER_SUBJECT_ADDRESS; i++) recordFailure('unknown', subject, null, now);
    expect(throttleStatus('unknown', subject, null, now).limited).toBe(true);
  });
});
