import { log } from '@/lib/log';
import { answerMailAuth } from '@/lib/mail-auth/handler';
import { toResponse } from '@/lib/mail-auth/response';
import { nodeHeaders, registerFastPath } from '@/lib/ops/fast-path';

/**
 * nginx mail proxy `auth_http` endpoint (spec §10; docs/imap.md). server.ts serves it without Next's request
 * handling once this module has registered the same handler (lib/ops/fast-path.ts); this route answers the
 * requests that arrive before that, and `next dev`.
 */
export async function GET(request: Request): Promise<Response> {
  return toResponse(await answerMailAuth(request.headers));
}

registerFastPath('/api/mail-auth', (req, res) => {
  answerMailAuth(nodeHeaders(req)).then(
    (answer) => {
      res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
    },
    (error: unknown) => {
      log().error({ err: error, route: 'mail_auth' }, 'auth_http request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    },
  );
});
