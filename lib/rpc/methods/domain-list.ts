import 'server-only';
import { z } from 'zod';
import { listDomains } from '@/lib/accounts/service';
import { defineMethod, scopeOf } from '../method';

/** `domain.list` → `[{domain}]`, the session's account's domains in alphabetical order. */
export const domainList = defineMethod({
  access: 'account',
  params: z.object({}),
  handle: async (_params, session) => (await listDomains(scopeOf(session))).map((domain) => ({ domain })),
});
