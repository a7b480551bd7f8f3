import 'server-only';
import { addressAllowed } from '@/lib/session/check';
import { createVerificationCache, type VerificationCache } from '@/lib/auth/verification-cache';

/** The row verifyMailboxSignIn hands to its hooks: what the cache reads, and what the gate's list check reads. */
type MailboxRow = Parameters<typeof addressAllowed>[0] & { id: number; passwordHash: string; updatedAt: Date; active: boolean; allowNetsMode: 'enforce' | 'monitor' };

const globalForCache = globalThis as unknown as { portcullisVerificationCache?: VerificationCache<MailboxRow> };

/**
 * The process-wide verification cache of the mail-auth endpoint (lib/auth/verification-cache.ts), wired to
 * the gate's network lists here, in the channel, so that the primitive imports nothing above it.
 */
export function mailVerificationCache(): VerificationCache<MailboxRow> {
  globalForCache.portcullisVerificationCache ??= createVerificationCache<MailboxRow>({ allows: addressAllowed });
  return globalForCache.portcullisVerificationCache;
}
