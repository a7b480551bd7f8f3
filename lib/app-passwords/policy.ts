/**
 * Whether a mailbox's mail apps (IMAP, POP3, SMTP) must use an app password, so that its account password
 * is refused there with `Auth-Status: Use an app password for mail apps` (spec §20). One function, so that
 * every reason is one condition OR-ed in here: the account policy "Mail apps must use app passwords" now,
 * and a mailbox's own two-factor (which makes the same refusal).
 */
export function mailNeedsAppPassword(mailbox: MailboxAppPasswordFacts, account: AccountAppPasswordFacts): boolean {
  return account.requireAppPasswords || mailbox.requireAppPasswords === true;
}

/** What the decision needs of the mailbox (a mailbox-level reason, such as its two-factor, goes here). */
export interface MailboxAppPasswordFacts {
  requireAppPasswords?: boolean;
}

/** What the decision needs of the mailbox's account. */
export interface AccountAppPasswordFacts {
  requireAppPasswords: boolean;
}
