import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent';

describe('describeUserAgent', () => {
  it('names browser and operating system', () => {
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    expect(describeUserAgent(mac)).toEqual({ browser: 'Chrome', os: 'macOS', product: null, label: 'Chrome on macOS' });
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    expect(describeUserAgent(iphone).label).toBe('Safari on iOS');
  });

  it('keeps the product token of a script and handles a missing header', () => {
    expect(describeUserAgent('curl/8.5.0')).toEqual({ browser: null, os: null, product: 'curl', label: 'curl' });
    expect(describeUserAgent('/x')).toEqual({ browser: null, os: null, product: null, label: 'Unknown device' });
    expect(describeUserAgent(null).label).toBe('Unknown device');
    expect(describeUserAgent('   ').label).toBe('Unknown device');
  });

  it('bounds the work for a huge header', () => {
    expect(describeUserAgent('x'.repeat(1_000_000)).label.length).toBeLessThanOrEqual(40);
  });
});
