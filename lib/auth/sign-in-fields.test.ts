import { describe, expect, it } from 'vitest';
import { signInFieldErrors } from './sign-in-fields';

describe('signInFieldErrors', () => {
  it('names each empty field, and nothing when both are filled in', () => {
    expect(signInFieldErrors({ email: '', password: '' })).toEqual({ email: ['Enter your e-mail address.'], password: ['Enter your password.'] });
    expect(signInFieldErrors({ email: '   ', password: 'x' })).toEqual({ email: ['Enter your e-mail address.'] });
    expect(signInFieldErrors({ email: 'a@example.com', password: '' })).toEqual({ password: ['Enter your password.'] });
    expect(signInFieldErrors({ email: 'a@example.com', password: 'x' })).toBeNull();
  });
});
