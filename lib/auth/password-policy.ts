// No `server-only`: pure rules, also run by the CLI. The server always decides; nothing trusts a browser check.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';

// NOTE: bcrypt has a limit of 72 bytes; a longer password would be silently truncated, so it is refused.
export const PASSWORD_MAX_BYTES = 72;
export const MIN_STRENGTH_SCORE = 3;
/** Shorter local parts ("a@", "js@") would forbid half the alphabet; the rule only applies from 3 characters. */
const MIN_LOCAL_PART_CHECKED = 3;

export type PasswordRule = 'min_length' | 'max_bytes' | 'control_characters' | 'same_as_current' | 'contains_local_part' | 'too_weak';

export interface PasswordProblem {
  rule: PasswordRule;
  message: string;
}

let zxcvbn: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  zxcvbn ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
  });
  return zxcvbn;
}

export interface PasswordPolicyInput {
  password: string;
  /** The mailbox address the password is for; its local part must not appear in the password. */
  email: string;
  minLength: number;
}

/**
 * The rules every new password meets (spec §6), whoever sets it: the user at the interstitial or /account,
 * an admin in the UI, the API or the CLI. "Not the current password" needs the stored hash and is checked by
 * the caller (see lib/mailboxes/service.ts). Returns every rule that fails, each with its own message.
 */
export function checkPasswordPolicy({ password, email, minLength }: PasswordPolicyInput): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < minLength) {
    problems.push({ rule: 'min_length', message: `Use at least ${minLength} characters (this one has ${length}).` });
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    problems.push({
      rule: 'max_bytes',
      message: `Use at most ${PASSWORD_MAX_BYTES} bytes (the limit of the bcrypt hashing we use; letters with accents and emoji take 2 to 4 bytes each).`,
    });
  }
  // Mail clients cannot send these reliably (nginx's auth_http even fails on DEL), so such a password would
  // work on the web and nowhere else.
  if (/[\u0000-\u001f\u007f]/.test(password)) {
    problems.push({ rule: 'control_characters', message: 'Do not use control characters such as tabs or line breaks.' });
  }
  const [localPart = '', domain = ''] = email.toLowerCase().split('@');
  if (localPart.length >= MIN_LOCAL_PART_CHECKED && password.toLowerCase().includes(localPart)) {
    problems.push({ rule: 'contains_local_part', message: `Do not use the mailbox name ("${localPart}") in the password.` });
  }
  // Strength is judged too when other rules fail, so that every problem is listed at once; never on an
  // oversized or control-character password (the estimator's cost grows with length).
  if (!problems.some((p) => p.rule === 'max_bytes' || p.rule === 'control_characters')) {
    const result = estimator().check(password, [localPart, ...domain.split('.')].filter(Boolean));
    if (result.score < MIN_STRENGTH_SCORE) {
      const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
      problems.push({ rule: 'too_weak', message: `This password is too easy to guess.${hint} Add more words or characters that are not a common pattern.` });
    }
  }
  return problems;
}

export const SAME_AS_CURRENT: PasswordProblem = {
  rule: 'same_as_current',
  message: 'Choose a password that is different from the current one.',
};
