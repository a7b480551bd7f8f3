import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { signInSummaries, type Protocol } from '@/db/schema';
import { getDb } from '@/db';

/** One counted way of signing in: a protocol and credential from an address (spec §19). */
export interface SignInSummary {
  protocol: Protocol;
  /** 'password' or 'app:<id>'. */
  credential: string;
  /** null when the address was unknown. */
  clientIp: string | null;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * A mailbox's successful sign-ins as summaries, most recently seen first (the account page and the admin's
 * mailbox page). Counts are as last flushed: up to a minute behind (lib/sign-in-summaries/service.ts).
 */
export async function signInSummariesOf(mailboxId: number, limit = 20): Promise<SignInSummary[]> {
  const rows = await getDb()
    .select({ protocol: signInSummaries.protocol, credential: signInSummaries.credential, clientIp: signInSummaries.clientIp, count: signInSummaries.count, firstSeen: signInSummaries.firstSeen, lastSeen: signInSummaries.lastSeen })
    .from(signInSummaries)
    .where(eq(signInSummaries.mailboxId, mailboxId))
    .orderBy(desc(signInSummaries.lastSeen), desc(signInSummaries.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, clientIp: r.clientIp === '' ? null : r.clientIp, count: Number(r.count) }));
}
