import type { AccountPolicy } from '@/lib/accounts/policy';
import { saveMailboxPoliciesAction } from './mailbox-policy-actions';

const TEXT = {
  heading: 'Policies for mailboxes',
  requireAppPasswords: 'Mail apps must use app passwords',
  requireAppPasswordsHint:
    'Mail apps (IMAP, POP3, SMTP) are then refused the account password with "Use an app password for mail apps"; users create app passwords on their account page. Turning it on signs every mailbox\'s mail apps out once, so that those using the account password are refused at once.',
  save: 'Save policies',
} as const;

/** The "Policies for mailboxes" section of /admin/security: one checkbox (or field) per policy, one Save. */
export function MailboxPolicyForm({ policy }: { policy: AccountPolicy }) {
  return (
    <section className="card" aria-labelledby="mailbox-policies-heading">
      <h2 id="mailbox-policies-heading" tabIndex={-1}>
        {TEXT.heading}
      </h2>
      <form action={saveMailboxPoliciesAction}>
        <input type="hidden" name="requireAppPasswordsShown" value="1" />
        <div className="checkbox">
          <input id="require-app-passwords" name="requireAppPasswords" type="checkbox" defaultChecked={policy.require_app_passwords} aria-describedby="require-app-passwords-hint" />
          <label htmlFor="require-app-passwords">{TEXT.requireAppPasswords}</label>
        </div>
        <p className="field-hint" id="require-app-passwords-hint">
          {TEXT.requireAppPasswordsHint}
        </p>
        <button type="submit">{TEXT.save}</button>
      </form>
    </section>
  );
}
