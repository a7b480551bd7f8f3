'use server';

import { getTranslations } from 'next-intl/server';
import { headers } from 'next/headers';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { requireAdmin } from '@/lib/session/dal';
import { passkeySignInOptions } from '@/lib/second-factor/passkey';
import { serviceProblemText } from '@/lib/i18n/service-problems';

export type ReauthPasskeyOptions = { options: PublicKeyCredentialRequestOptionsJSON; formError?: undefined } | { options?: undefined; formError: string };

/** "Confirm with a passkey", first half: a fresh challenge bound to this session, for a re-authentication. */
export async function reauthPasskeyOptionsAction(): Promise<ReauthPasskeyOptions> {
  const { admin, claims } = await requireAdmin();
  const result = await passkeySignInOptions(admin.id, claims.sid, (await headers()).get('host'), 'reauth');
  if (result.ok) return { options: result.options };
  if (result.problem) return { formError: serviceProblemText(result.problem, await getTranslations('ServiceErrors')) };
  return { formError: (await getTranslations('ReauthPasskeyErrors'))('noPasskey') };
}
