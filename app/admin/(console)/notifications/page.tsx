import type { Metadata } from 'next';
import { requireAdmin } from '@/lib/session/dal';
import { LocalTime } from '@/app/_components/local-time';
import { listDestinations } from '@/lib/notify/destinations';
import { emailEnabled } from '@/lib/notify/email';
import { NOTIFY_EVENT_LABELS } from '@/lib/notify/events-list';
import { FAILING_AFTER } from '@/lib/notify/outbox';
import { deleteDestinationAction, testDestinationAction } from './actions';
import { DestinationForm } from './destination-form';

export const metadata: Metadata = { title: 'Notifications' };

const TEXT = {
  title: 'Notifications',
  intro:
    'Portcullis tells you when something needs attention: many refused sign-ins for one mailbox, a sign-in from a network the mailbox has not used in 90 days, a daily digest of what monitored lists would refuse, admin security changes, and mail connections that could not be ended. At most one alert per mailbox and kind every 15 minutes; the rest are counted into the next.',
  listHeading: 'Destinations',
  none: 'No destinations yet: alerts go nowhere.',
  addHeading: 'Add a destination',
  noSmtp: 'E-mail is not set up on this server (the operator sets SMTP_URL): e-mail destinations will not receive anything until it is.',
  target: 'Sends to',
  events: 'Events',
  state: 'Last result',
  test: 'Send a test',
  remove: 'Delete',
  never: 'Nothing sent yet',
  ok: 'Delivered',
  failing: (n: number) => `Failing (${n} in a row)`,
  notices: new Map<string, string>([
    ['deleted', 'The destination has been deleted.'],
    ['test-sent', 'The test notification was delivered.'],
    ['test-failed', 'The test notification could not be delivered: see the last result below.'],
    ['test-missing', 'That destination no longer exists.'],
  ]),
} as const;

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { admin } = await requireAdmin();
  const { notice } = await searchParams;
  const destinations = await listDestinations(admin.accountId);
  const noticeText = typeof notice === 'string' ? TEXT.notices.get(notice) : undefined;
  return (
    <main>
      <h1>{TEXT.title}</h1>
      {noticeText ? (
        <p className="notice" role="status">
          {noticeText}
        </p>
      ) : null}
      <p>{TEXT.intro}</p>
      {!emailEnabled() ? <p className="muted">{TEXT.noSmtp}</p> : null}
      <section className="card" aria-labelledby="dest-heading">
        <h2 id="dest-heading">{TEXT.listHeading}</h2>
        {destinations.length === 0 ? (
          <p>{TEXT.none}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="destinations">
              <thead>
                <tr>
                  <th scope="col">{TEXT.target}</th>
                  <th scope="col">{TEXT.events}</th>
                  <th scope="col">{TEXT.state}</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {destinations.map((d) => (
                  <tr key={d.id}>
                    <td>
                      {d.label ? <strong>{d.label}: </strong> : null}
                      <span className="mono">{d.target}</span>
                    </td>
                    <td>{d.events.map((e) => NOTIFY_EVENT_LABELS[e]).join('; ')}</td>
                    <td>
                      {d.failures >= FAILING_AFTER || (d.failures > 0 && d.lastError) ? (
                        <span>
                          {TEXT.failing(d.failures)}: {d.lastError}
                        </span>
                      ) : d.lastSuccessAt ? (
                        <span>
                          {TEXT.ok} <LocalTime at={d.lastSuccessAt.toISOString()} />
                        </span>
                      ) : (
                        TEXT.never
                      )}
                    </td>
                    <td>
                      <form action={testDestinationAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <button type="submit">{TEXT.test}</button>
                      </form>
                      <form action={deleteDestinationAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <button type="submit" className="danger">
                          {TEXT.remove}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="add-dest-heading">
        <h2 id="add-dest-heading">{TEXT.addHeading}</h2>
        <DestinationForm />
      </section>
    </main>
  );
}
