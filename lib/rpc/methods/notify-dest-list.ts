import 'server-only';
import { z } from 'zod';
import { listDestinations } from '@/lib/notify/destinations';
import { defineMethod } from '../method';

/** `notify.dest.list` → the account's destinations (never a secret). */
export const notifyDestList = defineMethod({
  access: 'account',
  params: z.object({}),
  async handle(_params, session) {
    return (await listDestinations(session.admin.accountId)).map((d) => ({
      id: d.id,
      kind: d.kind,
      label: d.label,
      ...(d.kind === 'webhook' ? { url: d.target } : { to: d.target }),
      events: d.events,
      language: d.language,
      created_at: d.createdAt.toISOString(),
      failures: d.failures,
      last_success_at: d.lastSuccessAt?.toISOString() ?? null,
      last_failure_at: d.lastFailureAt?.toISOString() ?? null,
      last_error: d.lastError,
    }));
  },
});
