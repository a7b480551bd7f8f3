import Link from 'next/link';
import type { SignInEvent } from '@/lib/audit';
import { describeUserAgent } from '@/lib/user-agent';
import { Address } from './address';
import { PROTOCOL_NAMES, signInResult } from './labels';
import { LocalTime } from './local-time';

const PROTOCOLS = PROTOCOL_NAMES;

/**
 * Recent sign-in attempts (web, API, mail protocols): time in the reader's time zone, address, device,
 * and the result, refusals highlighted. Shared by /account and the admin's mailbox page.
 */
export function SignInHistory({ events, empty, testId, notYouHref }: { events: SignInEvent[]; empty: string; testId?: string; notYouHref?: string }) {
  if (events.length === 0) return <p>{empty}</p>;
  const anyRefused = events.some((s) => s.event !== 'login_succeeded');
  return (
    <>
      <table data-testid={testId} className="stack sign-ins">
        <caption className="visually-hidden">Recent sign-ins, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Address</th>
            <th scope="col">Device</th>
            <th scope="col">Protocol</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {events.map((s, i) => {
            const ok = s.event === 'login_succeeded';
            return (
              <tr key={i} className={ok ? undefined : 'refused'}>
                <td data-label="Time">
                  <LocalTime at={s.at.toISOString()} />
                </td>
                <td data-label="Address">{s.clientIp ? <Address text={s.clientIp} /> : 'unknown'}</td>
                <td data-label="Device">{s.protocol === 'web' || s.userAgent ? describeUserAgent(s.userAgent).label : (PROTOCOLS[s.protocol ?? ''] ?? 'Unknown') + ' client'}</td>
                <td data-label="Protocol">{PROTOCOLS[s.protocol ?? ''] ?? '-'}</td>
                <td data-label="Result">{ok ? 'Signed in' : <span className="result-refused">{capitalize(signInResult(s.event, s.reason))}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notYouHref ? (
        <p>
          {anyRefused ? 'A sign-in you do not recognise? ' : 'Not you? '}
          <Link href={notYouHref}>Change your password</Link>
          {' '}— it signs out every other device.
        </p>
      ) : null}
    </>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
