import { registerFastPath } from '@/lib/ops/fast-path';
import { handleRpcRequest, serveRpcRequest } from '@/lib/rpc/endpoint';
// Registers the mail disconnect worker (spec §18), which server.ts starts once this module has loaded.
import '@/lib/mail-kick/register';
// Registers the notification worker (spec §21).
import '@/lib/notify/register';

// JSON-RPC 2.0 (spec §9), POST only: every other method gets Next's 405. Also served at /api/v1.
export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return handleRpcRequest(request);
}

// server.ts serves POST on these paths with the same handler, without Next's request handling, once this
// module is loaded (it loads it at start); /api/v1's route module is the same endpoint.
for (const path of ['/v1', '/v1/', '/api/v1', '/api/v1/']) registerFastPath(path, serveRpcRequest, 'POST');
