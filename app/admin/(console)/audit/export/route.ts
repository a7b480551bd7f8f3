import { requireAdmin } from '@/lib/session/dal';
import { auditLogCsv, auditLogFilterSchema } from '@/lib/audit-log';
import { textStream } from '@/lib/text-stream';

/** CSV export of the admin's audit log with the page's filters; streamed, so a long history is no problem. */
export async function GET(request: Request): Promise<Response> {
  const { scope } = await requireAdmin();
  const params = new URL(request.url).searchParams;
  const parsed = auditLogFilterSchema.safeParse({
    mailbox: params.get('mailbox') ?? undefined,
    event: params.get('event') ?? undefined,
    ip: params.get('ip') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'filter')}: ${i.message}`).join('; ');
    return new Response(`Invalid filter: ${problems}\n`, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  // Rows are read a batch at a time (keyset pages of 1,000) as the client takes them: bounded memory however long the log.
  const body = textStream(auditLogCsv(scope, parsed.data));
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-log-${stamp}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
