import { describe, expect, it } from 'vitest';
import { auditLogFilterSchema } from '@/lib/audit-log';
import { ownPasswordChangeSchema } from '@/lib/mailboxes/schemas';
import { apiKeyCreateSchema } from '@/lib/admins/api-keys';
import { ValidationError } from '@/lib/errors';
import { destinationAddSchema } from '@/lib/notify/destinations';
import { parseOrThrow } from '@/lib/validation';
import { formErrorText, formFieldErrors, schemaRefusalText } from './form-errors';

/** The ValidationError a service throws for this input (parseOrThrow, as createApiKey and addDestination call it). */
function refusal(schema: typeof apiKeyCreateSchema | typeof destinationAddSchema, input: unknown): ValidationError {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the input passed');
}

const events = ['sign_in.refused_burst'];
// Every schema check of the API-key and destination forms that a page can show.
const FORM_REFUSALS: [typeof apiKeyCreateSchema | typeof destinationAddSchema, unknown][] = [
  [apiKeyCreateSchema, { label: '' }],
  [apiKeyCreateSchema, { label: 'x'.repeat(101) }],
  [apiKeyCreateSchema, { label: 'ci', expires: 'soon' }],
  [apiKeyCreateSchema, { label: 'ci', expires: '2020-01-31' }],
  [apiKeyCreateSchema, { label: 'ci', allowNets: 'x'.repeat(64 * 1024 + 1) }],
  [destinationAddSchema, { kind: 'pager', events }],
  [destinationAddSchema, { kind: 'webhook', url: ' ', events }],
  [destinationAddSchema, { kind: 'webhook', url: `https://example.com/${'x'.repeat(2000)}`, events }],
  [destinationAddSchema, { kind: 'email', to: 'not-an-address', events }],
  [destinationAddSchema, { kind: 'email', events }],
  [destinationAddSchema, { kind: 'email', to: 'ops@example.com', events: [] }],
  [destinationAddSchema, { kind: 'email', to: 'ops@example.com', events: 'all' }],
  [destinationAddSchema, { kind: 'email', to: 'ops@example.com', events: ['everything'] }],
  [destinationAddSchema, { kind: 'email', to: 'ops@example.com', events, label: 'x'.repeat(101) }],
  [destinationAddSchema, { kind: 'email', to: 'ops@example.com', events, language: 'fr' }],
];

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

  it("words every schema refusal of the API-key and destination forms, the field named as the form names it", () => {
    for (const [schema, input] of FORM_REFUSALS) {
      const error = refusal(schema, input);
      const en = schemaRefusalText(error.field, error.message, 'en');
      const de = schemaRefusalText(error.field, error.message, 'de');
      // English says what the API says, after the field's name.
      expect(en, error.message).not.toBeNull();
      expect(en).toBe(`${en!.split(': ')[0]}: ${error.message.slice(error.field.length + 2)}`);
      expect(de, error.message).not.toBeNull();
      expect(de).not.toMatch(/[{}]|\b(must|is required|be|at most|one of|address like|event types?|today|Label|Expiry|Kind|Events)\b/);
    }
    const de = (schema: typeof apiKeyCreateSchema | typeof destinationAddSchema, input: unknown) => {
      const error = refusal(schema, input);
      return schemaRefusalText(error.field, error.message, 'de');
    };
    expect(de(destinationAddSchema, { kind: 'email', to: 'not-an-address', events })).toBe('Adresse: muss eine Adresse wie name@example.com sein');
    expect(de(apiKeyCreateSchema, { label: '' })).toBe('Bezeichnung: fehlt');
    expect(de(apiKeyCreateSchema, { label: 'ci', allowNets: 'x'.repeat(64 * 1024 + 1) })).toBe('Erlaubte Netzwerke: darf höchstens 64 KiB lang sein');
    expect(de(destinationAddSchema, { kind: 'email', to: 'ops@example.com', events, language: 'fr' })).toBe('Sprache: muss eines von en, de sein');
  });

  it('leaves a refusal that is not a schema check of a known field to the service', () => {
    expect(schemaRefusalText('url', 'url: the URL must start with https://', 'de')).toBeNull();
    expect(schemaRefusalText('password', 'password: is required', 'de')).toBeNull();
    expect(schemaRefusalText('label', 'is required', 'de')).toBeNull();
  });

  it('leaves a message no form shows as it is', () => {
    expect(formErrorText('something else', 'de')).toBe('something else');
  });
});
