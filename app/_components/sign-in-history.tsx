import type { SignInEvent } from '@/lib/audit';
import { formatTime, signInResult } from './labels';

/** Recent sign-in attempts (web, API, mail protocols) with their result; shared by /account and the admin. */
export function SignInHistory({ events, empty, testId }: { events: SignInEvent[]; empty: string; testId?: string }) {
  if (events.length === 0) return <p>{empty}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Address</th>
          <th scope="col">Protocol</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {events.map((s, i) => (
          <tr key={i}>
            <td>
              <time dateTime={s.at.toISOString()}>{formatTime(s.at)}</time>
            </td>
            <td className="mono">{s.clientIp ?? 'unknown'}</td>
            <td>{s.protocol ?? '-'}</td>
            <td>{signInResult(s.event, s.reason)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
