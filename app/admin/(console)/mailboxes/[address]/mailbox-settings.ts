/** What the mailbox form edits: the fields' values, and the stored values they were based on. */
export interface MailboxSettings {
  allowNets: string;
  requireResetPassword: boolean;
  memo: string;
}

/** The stored mailbox as form values (an unrestricted mailbox is an empty field). Activation has its own form. */
export function settingsOf(view: { allowNets: string | null; requireResetPassword: boolean; memo: string }): MailboxSettings {
  return { allowNets: view.allowNets ?? '', requireResetPassword: view.requireResetPassword, memo: view.memo };
}
