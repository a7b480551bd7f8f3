import { handleRpcRequest } from '@/lib/rpc/endpoint';

// The same JSON-RPC endpoint as /v1 (spec §9 offers both paths).
export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return handleRpcRequest(request);
}
