import { describe, expect, it } from 'vitest';
import { auditLogFilterSchema } from '@/lib/audit-log';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { formErrorText, formFieldErrors } from './form-errors';

describe('schema messages on forms', () => {
  it("keeps English as the schemas say it (the API's and CLI's words)", () => {
    const parsed = ownPasswordChangeSchema.safeParse({ newPassword: '', confirmPassword: 'x' });
    expect(parsed.success).toBe(false);
    const raw = parsed.error!.flatten().fieldErrors;
    expect(formFieldErrors(raw, 'en')).toEqual(raw);
  });

  it('words the password form and the audit filter in German, values included', () => {
    const pw = ownPasswordChangeSchema.safeParse({ newPassword: '', confirmPassword: 'x' });
    expect(formFieldErrors(pw.error!.flatten().fieldErrors, 'de')).toEqual({
      newPassword: ['Geben Sie ein neues Passwort ein.'],
      confirmPassword: ['Die beiden neuen Passwörter stimmen nicht überein.'],
    });
    const long = ownPasswordChangeSchema.safeParse({ newPassword: 'x'.repeat(1025), confirmPassword: 'x' });
    expect(formFieldErrors(long.error!.flatten().fieldErrors, 'de').newPassword).toEqual(['darf höchstens 1.024 Byte lang sein']);
    const filter = auditLogFilterSchema.safeParse({ from: '2026-02-30', to: undefined, event: 'x'.repeat(65) });
    expect(formFieldErrors(filter.error!.flatten().fieldErrors, 'de')).toEqual({
      from: ['muss ein Datum wie 2025-01-31 sein'],
      event: ['darf höchstens 64 Zeichen lang sein'],
    });
    const order = auditLogFilterSchema.safeParse({ from: '2026-02-02', to: '2026-02-01' });
    expect(formFieldErrors(order.error!.flatten().fieldErrors, 'de')).toEqual({ to: ['darf nicht vor dem Startdatum liegen'] });
  });

  it('leaves a message no form shows as it is', () => {
    expect(formErrorText('something else', 'de')).toBe('something else');
  });
});
