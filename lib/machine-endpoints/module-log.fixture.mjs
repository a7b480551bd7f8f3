// Preloaded (--import) into the machine process by machine-process.test.ts: records every package the
// process asks for (tsx compiles the app to CommonJS, so every import of the app resolves through here) and
// writes the list to PORTCULLIS_MODULE_LOG when the process exits, so the test can tell what was loaded.
import fs from 'node:fs';
import Module from 'node:module';

const requested = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (!request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:')) {
    requested.add(request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]);
  }
  return resolve.call(this, request, ...rest);
};
process.on('exit', () => fs.writeFileSync(process.env.PORTCULLIS_MODULE_LOG, JSON.stringify([...requested])));
