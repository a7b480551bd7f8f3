import type { SessionView } from '@/lib/sessions/service';
import { Address } from './address';
import { LocalTime } from '@/app/_components/local-time';

/**
 * "Where you're signed in": web and API sessions with device, addresses and times. With `signOut`, each
 * session other than this browser's gets a "Sign out" button (a plain form: works without JavaScript).
 */
export function SessionList({ sessions, signOut, testId }: { sessions: SessionView[]; signOut?: (formData: FormData) => Promise<void>; testId?: string }) {
  if (sessions.length === 0) return <p>No open sessions.</p>;
  return (
    <div className="table-scroll">
      <table data-testid={testId} className="stack">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Address</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last active</th>
            {signOut ? (
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={`${s.channel}-${s.id}`} data-session={s.current ? 'current' : 'other'}>
              <td data-label="Device">
                {s.device}
                {s.channel === 'api' ? ' (API)' : ''}
                {s.current ? <strong> (this device)</strong> : null}
              </td>
              <td data-label="Address">
                {s.lastIp ? <Address text={s.lastIp} /> : 'unknown'}
                {s.startIp && s.startIp !== s.lastIp ? <span className="muted"> (signed in from {s.startIp})</span> : null}
              </td>
              <td data-label="Signed in">
                <LocalTime at={s.startedAt} />
              </td>
              <td data-label="Last active">
                <LocalTime at={s.lastActiveAt} />
              </td>
              {signOut ? (
                <td data-label="" className="select-cell">
                  {s.current ? null : (
                    <form action={signOut} className="inline">
                      <input type="hidden" name="channel" value={s.channel} />
                      <input type="hidden" name="id" value={s.id} />
                      <button type="submit" className="link" aria-label={`Sign out ${s.device}${s.channel === 'api' ? ' (API)' : ''} at ${s.lastIp ?? 'unknown address'}`}>
                        Sign out
                      </button>
                    </form>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
