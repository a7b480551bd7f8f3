import 'server-only';
import { z } from 'zod';
import { endApiSession } from '@/lib/session/api-session';
import { defineMethod } from '../method';

/** `deauth` → `true`: ends the session named by HPLS-AUTH, also for the calls after it in the same batch. */
export const deauth = defineMethod({
  access: 'session',
  params: z.object({}),
  async handle(_params, _session, ctx) {
    if (ctx.token) await endApiSession(ctx.token);
    ctx.sessionEnded();
    return true;
  },
});
