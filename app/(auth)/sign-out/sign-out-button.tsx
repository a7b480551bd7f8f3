import { useTranslations } from 'next-intl';
import { signOutAction } from './actions';

export function SignOutButton() {
  const t = useTranslations('SignOut');
  return (
    <form action={signOutAction} className="inline">
      <button type="submit" className="link">
        {t('button')}
      </button>
    </form>
  );
}
