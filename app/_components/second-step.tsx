import { getTranslations } from 'next-intl/server';
import { PasskeySignIn, type PasskeyOptionsState } from './passkey-sign-in';
import { VerifyForm, type VerifyState } from './verify-form';

/**
 * The body of a sign-in's second step, for admins (/admin/login/verify) and mailbox users (/login/verify):
 * a passkey, a code, or both, as the subject has them. Each page passes its own actions. Only ever rendered
 * after the right password, so it may offer exactly the subject's factors.
 */
export async function SecondStep(props: {
  email: string;
  hasPasskey: boolean;
  /** TOTP on, or recovery codes left: the code form is offered. */
  codes: boolean;
  callbackUrl: string;
  codeAction: (prev: VerifyState, formData: FormData) => Promise<VerifyState>;
  passkeyOptionsAction: () => Promise<PasskeyOptionsState>;
  passkeyAction: (response: unknown, callbackUrl: unknown) => Promise<VerifyState>;
  cancelAction: () => Promise<void>;
}) {
  const { email, hasPasskey, codes, callbackUrl } = props;
  const t = await getTranslations('Verify');
  return (
    <main className="narrow">
      <h1>{t('heading')}</h1>
      <p>
        {t.rich('signingInAs', { email, strong: (text) => <strong>{text}</strong> })} {hasPasskey && codes ? t('passkeyOrCode') : hasPasskey ? t('passkeyOnly') : t('codeOnly')}
      </p>
      {hasPasskey ? (
        <div className="card">
          <h2>{t('passkeyHeading')}</h2>
          <PasskeySignIn callbackUrl={callbackUrl} optionsAction={props.passkeyOptionsAction} verifyAction={props.passkeyAction} />
          <noscript>
            <p>
              {t('passkeyNeedsScript')}
              {codes ? ` ${t('codeInstead')}` : ''}
            </p>
          </noscript>
        </div>
      ) : null}
      {codes || !hasPasskey ? (
        <div className="card">
          {hasPasskey ? <h2>{t('codeHeading')}</h2> : null}
          <VerifyForm callbackUrl={callbackUrl} action={props.codeAction} />
        </div>
      ) : null}
      <form action={props.cancelAction}>
        <button type="submit" className="link">
          {t('cancel')}
        </button>
      </form>
    </main>
  );
}
