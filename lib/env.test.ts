import { afterEach, describe, expect, it, vi } from 'vitest';

// env() validates once per process and keeps the result: each case loads the module afresh.
async function freshEnv() {
  vi.resetModules();
  return (await import('./env')).env();
}

afterEach(() => vi.unstubAllEnvs());

describe('MACHINE_PORT (the machine process, README "The machine process")', () => {
  it('is 0 (no machine process) when unset or empty', async () => {
    vi.stubEnv('MACHINE_PORT', '');
    expect((await freshEnv()).MACHINE_PORT).toBe(0);
  });

  it('takes a port other than PORT', async () => {
    vi.stubEnv('PORT', '3000');
    vi.stubEnv('MACHINE_PORT', '3001');
    expect((await freshEnv()).MACHINE_PORT).toBe(3001);
  });

  it('refuses the web server\'s own port and anything that is not a port, naming the variable', async () => {
    vi.stubEnv('PORT', '3000');
    vi.stubEnv('MACHINE_PORT', '3000');
    await expect(freshEnv()).rejects.toThrow('MACHINE_PORT: must differ from PORT (or be 0 for none)');
    vi.stubEnv('MACHINE_PORT', '70000');
    await expect(freshEnv()).rejects.toThrow('MACHINE_PORT');
    vi.stubEnv('MACHINE_PORT', '30o1');
    await expect(freshEnv()).rejects.toThrow('MACHINE_PORT: must be a whole number, got "30o1"');
  });
});
