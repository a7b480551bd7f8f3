// The baseline for bench/mail-auth.ts: a bare Node HTTP server, in its own process, that answers every
// auth_http request the way Portcullis answers a successful login (same headers), without checking
// anything. `node bench/support/bare-auth-http.mjs PORT`; prints "listening" when ready.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  res.writeHead(200, {
    'Cache-Control': 'no-store',
    'Auth-Status': 'OK',
    'Auth-Server': '127.0.0.1',
    'Auth-Port': '143',
    'Auth-User': req.headers['auth-user'] ?? '',
    'Auth-Pass': req.headers['auth-pass'] ?? '',
  });
  res.end();
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
