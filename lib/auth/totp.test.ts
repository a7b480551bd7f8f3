import { describe, expect, it } from 'vitest';
import { newTotpSecret, stepIsFresh, totpCode, totpStep, totpUri } from './totp';

describe('TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step)', () => {
  // RFC 6238 appendix B's SHA-1 key ("12345678901234567890") in base32.
  const rfcKey = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('matches the RFC 6238 test vectors (last 6 digits)', () => {
    expect(totpCode(rfcKey, 59_000)).toBe('287082');
    expect(totpCode(rfcKey, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(rfcKey, 1_234_567_890_000)).toBe('005924');
  });

  it('accepts the current step and one step either side, nothing further', () => {
    const secret = newTotpSecret();
    const t = 1_800_000_000_000; // a step boundary (divisible by 30 s)
    const step = t / 30_000;
    expect(totpStep(secret, totpCode(secret, t), t)).toBe(step);
    expect(totpStep(secret, totpCode(secret, t - 30_000), t)).toBe(step - 1);
    expect(totpStep(secret, totpCode(secret, t + 30_000), t)).toBe(step + 1);
    expect(totpStep(secret, totpCode(secret, t - 60_000), t)).toBeNull();
    expect(totpStep(secret, totpCode(secret, t + 60_000), t)).toBeNull();
  });

  it('ignores spaces and dashes; refuses anything but 6 digits', () => {
    const secret = newTotpSecret();
    const t = 1_800_000_000_000;
    const code = totpCode(secret, t);
    expect(totpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, t)).toBe(t / 30_000);
    expect(totpStep(secret, `${code}0`, t)).toBeNull();
    expect(totpStep(secret, 'abcdef', t)).toBeNull();
    expect(totpStep(secret, '', t)).toBeNull();
  });

  it('replay rule: a step is accepted only when later than the last accepted one', () => {
    expect(stepIsFresh(null, 100)).toBe(true);
    expect(stepIsFresh(99, 100)).toBe(true);
    expect(stepIsFresh(100, 100)).toBe(false);
    // An older code still inside the window, after a newer one was used.
    expect(stepIsFresh(101, 100)).toBe(false);
  });

  it('builds an otpauth:// URI with the parameters', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'admin@example.test');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Portcullis:admin%40example\.test\?/);
    expect(uri).toContain('secret=JBSWY3DPEHPK3PXP');
    expect(uri).toContain('algorithm=SHA1');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });
});
