// Loaded first by server.ts (before any module of the app), outside Next's bundler: no `server-only` here.
import Module from 'node:module';
import path from 'node:path';

/*
 * server.ts serves the machine endpoints (lib/machine-endpoints/table.ts) by importing the domain code itself,
 * with no route bundle in between. That code marks itself `import 'server-only'`, a package that throws
 * unless it is resolved under the `react-server` condition (as in Next's server bundles and the CLI's
 * `tsx --conditions=react-server`). Turning that condition on for the whole process would also switch
 * `react` and `react-dom` to their server-component builds under Next's own server, so only this one
 * package is resolved to its server form here: the marker's empty module. Next's bundles are unaffected
 * (they resolve their imports at build time).
 */
// Resolving (not loading) the default entry finds the package's folder; its empty.js is the server form.
const empty = path.join(path.dirname(require.resolve('server-only')), 'empty.js');
const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolve.call(this, request === 'server-only' ? empty : request, ...rest);
};
