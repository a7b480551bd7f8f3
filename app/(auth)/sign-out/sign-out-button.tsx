import { signOutAction } from './actions';

export function SignOutButton() {
  return (
    <form action={signOutAction} className="inline">
      <button type="submit" className="link">
        Sign out
      </button>
    </form>
  );
}
