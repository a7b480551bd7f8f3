import type { SignInSummary } from '@/lib/sign-in-summaries/read';
import { Address } from './address';
import { PROTOCOL_NAMES, relativeTime } from './labels';
import { LocalTime } from './local-time';

/** Wording of this component (one place, for the translations of spec §22). */
const TEXT = {
  caption: 'Where sign-ins come from, most recent first',
  from: 'from',
  unknownAddress: 'an unknown address',
  appPassword: 'app password',
  once: 'once',
  times: (n: string) => `${n} times`,
  last: 'last',
};

const number = new Intl.NumberFormat('en');

/**
 * Successful sign-ins counted per protocol, credential and address (spec §19): "IMAP from 198.51.100.7 ·
 * 1,284 times · last 2 minutes ago". Shared by /account and the admin's mailbox page.
 */
export function SignInSummaries({ summaries, now, testId }: { summaries: SignInSummary[]; now: number; testId?: string }) {
  if (summaries.length === 0) return null;
  return (
    <ul data-testid={testId} className="sign-in-summaries" aria-label={TEXT.caption}>
      {summaries.map((s, i) => (
        <li key={i}>
          {PROTOCOL_NAMES[s.protocol] ?? s.protocol}
          {s.credential.startsWith('app:') ? ` (${TEXT.appPassword})` : ''} {TEXT.from} {s.clientIp ? <Address text={s.clientIp} /> : TEXT.unknownAddress} ·{' '}
          {s.count === 1 ? TEXT.once : TEXT.times(number.format(s.count))} · {TEXT.last}{' '}
          <LocalTime at={s.lastSeen.toISOString()} relative={relativeTime(s.lastSeen, new Date(now)) ?? undefined} />
        </li>
      ))}
    </ul>
  );
}
