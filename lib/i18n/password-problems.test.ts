import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, SAME_AS_CURRENT, type PasswordSubject } from '@/lib/auth/password-policy';
import { ValidationError } from '@/lib/errors';
import { passwordProblemText, validationMessages } from './password-problems';

// Passwords that between them fail every rule the policy knows, some with a zxcvbn hint and some without.
const CASES: { password: string; email?: string; subject?: PasswordSubject }[] = [
  { password: 'short' },
  { password: 'Qz7!'.repeat(18) + 'x' },
  { password: 'tab\there-and-long-enough' },
  { password: 'alice-likes-tea-2026', email: 'alice@example.com' },
  { password: 'alice-likes-tea-2026', email: 'alice@example.com', subject: 'own-admin' },
  { password: 'alice-likes-tea-2026', email: 'alice@example.com', subject: 'admin' },
  { password: 'password1234' },
  { password: 'qwertyuiopasdf' },
  { password: 'aaaaaaaaaaaaaaa' },
  { password: 'Summer2026!!' },
  { password: 'Qwertz1234!!' },
  { password: 'Example-2026!', email: 'someone@example.com' },
];

function problemsOf(c: (typeof CASES)[number]) {
  return checkPasswordPolicy({ password: c.password, email: c.email ?? 'user@mail.test', minLength: 12, subject: c.subject });
}

describe('password rules worded by the page', () => {
  it("words every rule in English exactly as the policy's own message (what the API and the CLI say)", () => {
    const seen = new Set<string>();
    for (const c of CASES) {
      for (const problem of problemsOf(c)) {
        seen.add(problem.rule);
        expect(passwordProblemText(problem, 'en')).toBe(problem.message);
      }
    }
    expect(passwordProblemText(SAME_AS_CURRENT, 'en')).toBe(SAME_AS_CURRENT.message);
    expect([...seen].sort()).toEqual(['contains_local_part', 'control_characters', 'max_bytes', 'min_length', 'predictable', 'too_weak']);
  });

  it('words every rule in German, with the values the policy found', () => {
    const de = (c: (typeof CASES)[number]) => problemsOf(c).map((p) => passwordProblemText(p, 'de'));
    expect(de(CASES[0]!)).toContain('Verwenden Sie mindestens 12 Zeichen (dieses Passwort hat 5).');
    expect(de(CASES[1]!).join(' ')).toContain('höchstens 72 Buchstaben');
    expect(de(CASES[2]!)).toContain('Verwenden Sie keine Steuerzeichen wie Tabulatoren oder Zeilenumbrüche.');
    expect(de(CASES[3]!)).toContain('Verwenden Sie den Namen des Postfachs („alice“) nicht im Passwort.');
    expect(de(CASES[4]!)).toContain('Verwenden Sie Ihre E-Mail-Adresse („alice“) nicht im Passwort.');
    expect(de(CASES[5]!)).toContain('Verwenden Sie die E-Mail-Adresse des Admins („alice“) nicht im Passwort.');
    expect(de(CASES[6]!)).toContain('Dieses Passwort ist zu leicht zu erraten. Dieses Passwort ähnelt einem weit verbreiteten Passwort. Ergänzen Sie weitere Wörter oder Zeichen, die keinem gängigen Muster folgen.');
    expect(de(CASES[9]!)).toEqual([
      'Dieses Passwort ist leicht zu erraten: Es besteht größtenteils aus dem Namen einer Jahreszeit oder eines Monats („summer“) und einer Jahreszahl („2026“), und genau das probieren Angreifer zuerst. Ergänzen Sie ein paar eigene Wörter, die nichts damit zu tun haben.',
    ]);
    expect(passwordProblemText(SAME_AS_CURRENT, 'de')).toBe('Wählen Sie ein anderes Passwort als das bisherige.');
    // No English sentence left in any German text.
    for (const c of CASES) for (const text of de(c)) expect(text).not.toMatch(/\b(the|password|guess|Use|Do not)\b/);
  });

  it("words a service's refusal that carries the rules, and leaves any other refusal's message as it is", () => {
    const problems = problemsOf(CASES[0]!);
    const carrying = new ValidationError('password', problems.map((p) => p.message).join(' '), problems);
    expect(validationMessages(carrying, 'de')).toEqual(problems.map((p) => passwordProblemText(p, 'de')));
    expect(validationMessages(carrying, 'en')).toEqual(problems.map((p) => p.message));
    expect(validationMessages(new ValidationError('email', 'email: not an address'), 'de')).toEqual(['email: not an address']);
  });
});
