// Not marked `server-only`: server.ts calls it, outside Next's bundler.
import { log } from '@/lib/log';
import { registerBackgroundWork } from '@/lib/ops/background';

/**
 * server.ts, once it listens: starts the scheduled jobs of lib/schedule/registry.ts in the background of this
 * process (stopped with the rest of the background work at SIGTERM). They share the process's database
 * engine with the app (db/connection.ts keeps one per process).
 */
export function startJobs(): void {
  // Loaded when started: the registry loads every job's service, which server.ts can import because
  // lib/ops/outside-next.ts (its first import) resolves `server-only` to the package's server form.
  Promise.all([import('@/lib/jobs/runner'), import('./registry')])
    .then(([{ jobRunner }, { JOBS }]) => {
      const runner = jobRunner({ jobs: JOBS });
      registerBackgroundWork('jobs', runner);
      runner.start();
      log().info('scheduled jobs started');
    })
    .catch((error: unknown) => log().error({ err: error }, 'the scheduled jobs could not be started'));
}
