/** What a password-change form action returns to its form (never any password). */
export interface PasswordChangeState {
  formError?: string;
  fieldErrors?: Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword', string[]>>;
}
