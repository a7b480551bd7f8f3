// Not marked `server-only`: server.ts calls it, outside Next's bundler.
import Module from 'node:module';
import path from 'node:path';
import { log } from '@/lib/log';
import { registerBackgroundWork } from '@/lib/ops/background';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

/**
 * server.ts runs under plain Node (tsx), where `import 'server-only'` resolves to the file that throws:
 * that marker guards Next's client bundles, and the server process is no client. Resolve it to the
 * package's own no-op entry — the one Next's `react-server` condition picks — so that server.ts can run
 * the services directly. Only that one specifier changes; Next's own bundles resolved it at build time.
 */
function allowServerModules(): void {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename & { portcullisServerOnly?: true } };
  if (loader._resolveFilename.portcullisServerOnly) return;
  const original = loader._resolveFilename;
  const resolve: ResolveFilename & { portcullisServerOnly?: true } = function (this: unknown, request, ...rest) {
    const resolved = original.call(this, request, ...rest);
    return request === 'server-only' ? path.join(path.dirname(resolved), 'empty.js') : resolved;
  };
  resolve.portcullisServerOnly = true;
  loader._resolveFilename = resolve;
}

/**
 * server.ts, once it listens: starts the scheduled jobs of lib/schedule/registry.ts in the background of this
 * process (stopped with the rest of the background work at SIGTERM). They share the process's database
 * engine with the app (db/connection.ts keeps one per process).
 */
export function startJobs(): void {
  allowServerModules();
  // Both after allowServerModules(): the registry loads every job's service.
  Promise.all([import('@/lib/jobs/runner'), import('./registry')])
    .then(([{ jobRunner }, { JOBS }]) => {
      const runner = jobRunner({ jobs: JOBS });
      registerBackgroundWork('jobs', runner);
      runner.start();
      log().info('scheduled jobs started');
    })
    .catch((error: unknown) => log().error({ err: error }, 'the scheduled jobs could not be started'));
}
