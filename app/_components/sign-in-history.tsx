import Link from 'next/link';
import type { SignInDay, SignInEvent } from '@/lib/audit';
import { describeUserAgent } from '@/lib/user-agent';
import { Address } from './address';
import { signInResult } from './labels';
import { LocalTime } from './local-time';

const PROTOCOLS: Record<string, string> = { web: 'Web', api: 'API', imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' };

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

/**
 * Successful and refused sign-ins per day over the last 30 days as a bar chart in plain HTML and CSS (no
 * JavaScript, no image): each day is a list item whose text says the numbers, for screen readers too.
 */
export function SignInChart({ days }: { days: SignInDay[] }) {
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.refused));
  const total = days.reduce((n, d) => ({ ok: n.ok + d.succeeded, bad: n.bad + d.refused }), { ok: 0, bad: 0 });
  return (
    <figure className="sign-in-chart-figure" data-testid="sign-in-chart">
      <figcaption>
        Last {days.length} days: {total.ok} successful and {total.bad} refused sign-in{total.ok + total.bad === 1 ? '' : 's'}.
      </figcaption>
      <ol className="sign-in-chart" aria-label="Sign-ins per day (UTC)">
        {days.map((d) => (
          <li key={d.day} title={`${d.day}: ${d.succeeded} successful, ${d.refused} refused`}>
            <span className="visually-hidden">
              {d.day}: {d.succeeded} successful, {d.refused} refused
            </span>
            {d.succeeded > 0 ? <span className="ok" style={{ height: `${(d.succeeded / max) * 100}%` }} /> : null}
            {d.refused > 0 ? <span className="bad" style={{ height: `${(d.refused / max) * 100}%` }} /> : null}
          </li>
        ))}
      </ol>
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <span className="swatch ok" />
          Successful
        </li>
        <li>
          <span className="swatch bad" />
          Refused
        </li>
        <li className="muted">
          {days[0]?.day} → {days[days.length - 1]?.day} (UTC)
        </li>
      </ul>
    </figure>
  );
}
