import { handleRpcRequest } from '@/lib/rpc/endpoint';

// JSON-RPC 2.0 (spec §9), POST only: every other method gets Next's 405. Also served at /api/v1.
export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return handleRpcRequest(request);
}
