import { describe, expect, it } from 'vitest';
import { registerBackgroundWork, startBackgroundWork, stopBackgroundWork } from './background';

function job(log: string[], name: string) {
  return {
    start: () => void log.push(`start ${name}`),
    stop: async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.push(`stopped ${name}`);
    },
  };
}

describe('background work', () => {
  it('starts what is registered when the server starts it, and what registers later at once; a second copy of a job is ignored', async () => {
    const log: string[] = [];
    registerBackgroundWork('one', job(log, 'one'));
    // Another route bundle's copy of the same module registers again: the job must still run once.
    registerBackgroundWork('one', job(log, 'one (copy)'));
    expect(log).toEqual([]);
    expect(startBackgroundWork()).toEqual(['one']);
    registerBackgroundWork('two', job(log, 'two'));
    expect(log).toEqual(['start one', 'start two']);
    await stopBackgroundWork();
    expect(log.slice(2).sort()).toEqual(['stopped one', 'stopped two']);
    // Stopped: a job registered now waits for the next start.
    registerBackgroundWork('three', job(log, 'three'));
    expect(log).toHaveLength(4);
  });
});
