/** What the mailbox form edits: the fields' values, and the stored values they were based on. */
export interface MailboxSettings {
  allowNets: string;
  requireResetPassword: boolean;
  active: boolean;
  memo: string;
}

/** The stored mailbox as form values (an unrestricted mailbox is an empty field). */
export function settingsOf(view: { allowNets: string | null; requireResetPassword: boolean; active: boolean; memo: string }): MailboxSettings {
  return { allowNets: view.allowNets ?? '', requireResetPassword: view.requireResetPassword, active: view.active, memo: view.memo };
}
