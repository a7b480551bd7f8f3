import { useTranslations } from 'next-intl';

/**
 * The hint under every new-password field: what to do, as the policy (lib/auth/password-policy.ts) will judge
 * it. `own`: the person's own password (mailbox user or admin); `mailbox`: an admin setting a mailbox's;
 * `admin`: an admin setting a new admin's initial password. Server and client components alike.
 */
// [without, with] the current password to avoid; a new admin's initial password has no current one.
const KEYS = {
  own: ['own', 'ownWithCurrent'],
  mailbox: ['mailbox', 'mailboxWithCurrent'],
  admin: ['admin', 'admin'],
} as const;

export function PasswordHint({ minLength, subject, hasCurrent }: { minLength: number; subject: 'own' | 'mailbox' | 'admin'; hasCurrent: boolean }) {
  const t = useTranslations('PasswordHint');
  return <>{t(KEYS[subject][hasCurrent ? 1 : 0], { min: minLength })}</>;
}
