// No `server-only`: pure rules, also run by the CLI. The server always decides; nothing trusts a browser check.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';

// NOTE: bcrypt has a limit of 72 bytes; a longer password would be silently truncated, so it is refused.
export const PASSWORD_MAX_BYTES = 72;
export const MIN_STRENGTH_SCORE = 3;
/** Shorter local parts ("a@", "js@") would forbid half the alphabet; the rule only applies from 3 characters. */
const MIN_LOCAL_PART_CHECKED = 3;

export type PasswordRule = 'min_length' | 'max_bytes' | 'control_characters' | 'same_as_current' | 'contains_local_part' | 'predictable' | 'too_weak';

/** The zxcvbn warnings the "too weak" rule may add, by key (pages word each from the catalogue namespace 'PasswordWarnings'). */
export const STRENGTH_WARNINGS = [
  'straightRow', 'keyPattern', 'simpleRepeat', 'extendedRepeat', 'sequences', 'recentYears', 'dates', 'topTen',
  'topHundred', 'common', 'similarToCommon', 'wordByItself', 'namesByThemselves', 'commonNames', 'userInputs', 'pwned',
] as const;
export type StrengthWarning = (typeof STRENGTH_WARNINGS)[number];

/** The values a rule's text needs: the page words it in the reader's language (lib/i18n/password-problems.ts). */
export type PasswordProblemValues =
  | { rule: 'min_length'; min: number; length: number }
  | { rule: 'max_bytes'; max: number }
  | { rule: 'control_characters' | 'same_as_current' }
  | { rule: 'contains_local_part'; subject: PasswordSubject; localPart: string }
  | { rule: 'too_weak'; warning?: StrengthWarning }
  | { rule: 'predictable'; parts: { kind: PredictableKind; texts: string[] }[] };

/**
 * One failed rule: `message` is the English text (API, CLI, logs); `values` carries what a page needs to
 * word the same problem in the reader's language.
 */
export interface PasswordProblem {
  rule: PasswordRule;
  message: string;
  values: PasswordProblemValues;
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

/** The parts guessers try first, with the words the refusal message uses for each (one place, for translation). */
const PREDICTABLE_KINDS = {
  calendar: 'the name of a season or month',
  year: 'a year',
  keyboard: 'keys in a row on the keyboard',
  address: 'part of your e-mail address',
} as const;
export type PredictableKind = keyof typeof PREDICTABLE_KINDS;

// English and German, as people write them (with and without umlauts). zxcvbn's English dictionary misses
// most of them in a capitalised, suffixed form such as "Summer2026!!".
const CALENDAR_WORDS = [
  'spring', 'summer', 'autumn', 'fall', 'winter', 'frühling', 'fruehling', 'fruhling', 'sommer', 'herbst',
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'januar', 'jänner', 'februar', 'märz', 'maerz', 'marz', 'mai', 'juni', 'juli', 'oktober', 'dezember',
];
// QWERTY and QWERTZ rows, digits and the shifted digit row; a walk is 4 or more neighbours either way.
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'qwertzuiop', 'asdfghjkl', 'zxcvbnm', 'yxcvbnm', '!@#$%^&*()', '!"§$%&/()='];
const MIN_WALK = 4;
const YEAR = /(?:19|20)\d\d/g;

/**
 * The predictable parts of a password (lower-cased): season and month names, years 1900–2099, keyboard
 * walks and the words of the account's own address. Returns what is left once they are taken out, and the
 * kinds found with the text of each.
 */
function predictableParts(password: string, ownWords: readonly string[]): { rest: string; found: Map<PredictableKind, string[]> } {
  const lower = password.toLowerCase();
  const taken = new Array<boolean>(lower.length).fill(false);
  const found = new Map<PredictableKind, string[]>();
  const take = (kind: PredictableKind, start: number, length: number) => {
    for (let i = start; i < start + length; i++) taken[i] = true;
    const texts = found.get(kind) ?? [];
    const text = lower.slice(start, start + length);
    if (!texts.includes(text)) texts.push(text);
    found.set(kind, texts);
  };
  const words: [PredictableKind, readonly string[]][] = [
    ['calendar', CALENDAR_WORDS],
    ['address', ownWords],
  ];
  for (const [kind, list] of words) {
    for (const word of list) {
      for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + word.length)) take(kind, at, word.length);
    }
  }
  for (const match of lower.matchAll(YEAR)) take('year', match.index, match[0].length);
  for (let start = 0; start + MIN_WALK <= lower.length; ) {
    let length = 0;
    for (const row of KEYBOARD_ROWS) {
      for (const line of [row, [...row].reverse().join('')]) {
        let n = MIN_WALK;
        while (start + n <= lower.length && line.includes(lower.slice(start, start + n))) n++;
        length = Math.max(length, n - 1);
      }
    }
    if (length >= MIN_WALK) {
      take('keyboard', start, length);
      start += length;
    } else start++;
  }
  const rest = lower.split('').filter((_, i) => !taken[i]).join('');
  return { rest, found };
}

export interface PasswordPolicyInput {
  password: string;
  /** The mailbox address the password is for; its local part must not appear in the password. */
  email: string;
  minLength: number;
  /**
   * Whose password it is, for the words of the "own address" rule: a mailbox's (default), an admin's own
   * (they read "your e-mail address"), or another admin's set by an admin or the operator.
   */
  subject?: PasswordSubject;
}

export type PasswordSubject = 'mailbox' | 'own-admin' | 'admin';

/** How the "own address" rule names the address, by whose password it is (one place, for translation). */
const ADDRESS_WORDS: Readonly<Record<PasswordSubject, string>> = {
  mailbox: 'the mailbox name',
  'own-admin': 'your e-mail address',
  admin: "the admin's e-mail address",
};

/**
 * The rules every new password meets (spec §6), whoever sets it: the user at the interstitial or /account,
 * an admin in the UI, the API or the CLI. "Not the current password" needs the stored hash and is checked by
 * the caller (see lib/mailboxes/service.ts). Returns every rule that fails, each with its own message.
 */
export function checkPasswordPolicy({ password, email, minLength, subject = 'mailbox' }: PasswordPolicyInput): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < minLength) {
    problems.push({ rule: 'min_length', message: `Use at least ${minLength} characters (this one has ${length}).`, values: { rule: 'min_length', min: minLength, length } });
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    problems.push({
      rule: 'max_bytes',
      message: `Use a shorter password: at most ${PASSWORD_MAX_BYTES} letters, digits and symbols without accents (a letter with an accent counts as 2, an emoji as 4).`,
      values: { rule: 'max_bytes', max: PASSWORD_MAX_BYTES },
    });
  }
  // Mail clients cannot send these reliably (nginx's auth_http even fails on DEL), so such a password would
  // work on the web and nowhere else.
  if (/[\u0000-\u001f\u007f]/.test(password)) {
    problems.push({ rule: 'control_characters', message: 'Do not use control characters such as tabs or line breaks.', values: { rule: 'control_characters' } });
  }
  const [localPart = '', domain = ''] = email.toLowerCase().split('@');
  if (localPart.length >= MIN_LOCAL_PART_CHECKED && password.toLowerCase().includes(localPart)) {
    problems.push({ rule: 'contains_local_part', message: `Do not use ${ADDRESS_WORDS[subject]} ("${localPart}") in the password.`, values: { rule: 'contains_local_part', subject, localPart } });
  }
  // Strength is judged too when other rules fail, so that every problem is listed at once; never on an
  // oversized or control-character password (the estimator's cost grows with length).
  if (!problems.some((p) => p.rule === 'max_bytes' || p.rule === 'control_characters')) {
    const ownWords = [localPart, ...domain.split('.')].filter(Boolean);
    const result = estimator().check(password, ownWords);
    if (result.score < MIN_STRENGTH_SCORE) {
      const hint = result.feedback.warning ? ` ${result.feedback.warning}` : '';
      const warning = STRENGTH_WARNINGS.find((key) => zxcvbnEn.translations.warnings[key] === result.feedback.warning);
      problems.push({
        rule: 'too_weak',
        message: `This password is too easy to guess.${hint} Add more words or characters that are not a common pattern.`,
        values: { rule: 'too_weak', ...(warning ? { warning } : {}) },
      });
    } else {
      // Season + year + symbols ("Summer2026!!") scores well with zxcvbn yet is among the first guesses: judge
      // what is left once the predictable parts are taken out. Own words count from 3 characters, as above;
      // the top-level domain (".com", ".de") is no word of the account.
      const { rest, found } = predictableParts(password, [localPart, ...domain.split('.').slice(0, -1)].filter((w) => w.length >= MIN_LOCAL_PART_CHECKED));
      if (found.size > 0 && estimator().check(rest, ownWords).score < MIN_STRENGTH_SCORE) {
        const parts = [...found].map(([kind, texts]) => `${PREDICTABLE_KINDS[kind]} (${texts.map((t) => `"${t}"`).join(', ')})`);
        problems.push({
          rule: 'predictable',
          message: `This password is easy to guess: it is mostly ${parts.join(' and ')}, which guessers try first. Add a few unrelated words of your own.`,
          values: { rule: 'predictable', parts: [...found].map(([kind, texts]) => ({ kind, texts })) },
        });
      }
    }
  }
  return problems;
}

export const SAME_AS_CURRENT: PasswordProblem = {
  rule: 'same_as_current',
  message: 'Choose a password that is different from the current one.',
  values: { rule: 'same_as_current' },
};
