import 'server-only';
import { z } from 'zod';
import { addDestination } from '@/lib/notify/destinations';
import { changeContext, defineMethod } from '../method';

/**
 * `notify.dest.add {kind: "webhook", url, events, label?, language?}` → `{id, secret}` (the secret this once),
 * or `{kind: "email", to, events, label?, language?}` → `{id}`; `language` ("en" or "de", default "en") is
 * what its e-mails and summaries are written in. A sensitive step: the session must have been opened by
 * `auth` within the last 5 minutes. The fields are checked by the service's one schema.
 */
export const notifyDestAdd = defineMethod({
  access: 'account',
  params: z.object({ kind: z.unknown().optional(), url: z.unknown().optional(), to: z.unknown().optional(), events: z.unknown().optional(), label: z.unknown().optional(), language: z.unknown().optional() }),
  async handle(params, session, ctx) {
    const input = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    return await addDestination(session.admin, input, changeContext(session, ctx), { apiSessionId: session.id });
  },
});
