import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { requireAdmin } from '@/lib/session/dal';
import { LocalTime } from '@/app/_components/local-time';
import { LOCALE_NAMES, LOCALES } from '@/lib/i18n/locales';
import { MAX_TESTS, TEST_WINDOW_MS } from '@/lib/notify/deliver';
import { listDestinations } from '@/lib/notify/destinations';
import { emailEnabled } from '@/lib/notify/email';
import { NOTIFY_EVENT_KEYS, NOTIFY_EVENTS_NAMESPACE } from '@/lib/notify/events-list';
import { FAILING_AFTER } from '@/lib/notify/outbox';
import { deleteDestinationAction, setDestinationLanguageAction, testDestinationAction } from './actions';
import { DestinationForm } from './destination-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('AdminNotifications'))('metaTitle') };
}

/** The notices a redirect names by code, and their catalogue keys (a URL picks one; it cannot put text on the page). */
const NOTICE_KEYS = [
  ['deleted', 'noticeDeleted'],
  ['test-sent', 'noticeTestSent'],
  ['test-failed', 'noticeTestFailed'],
  ['test-missing', 'noticeTestMissing'],
  ['test-limited', 'noticeTestLimited'],
  ['language', 'noticeLanguage'],
] as const;
const NOTICES = new Map<string, (typeof NOTICE_KEYS)[number][1]>(NOTICE_KEYS);

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  const { admin } = await requireAdmin();
  const { notice } = await searchParams;
  const destinations = await listDestinations(admin.accountId);
  const [t, te, locale] = await Promise.all([getTranslations('AdminNotifications'), getTranslations(NOTIFY_EVENTS_NAMESPACE), getLocale()]);
  const noticeKey = typeof notice === 'string' ? NOTICES.get(notice) : undefined;
  const noticeText = noticeKey ? t(noticeKey, { max: MAX_TESTS, minutes: TEST_WINDOW_MS / 60_000 }) : undefined;
  return (
    <main>
      <h1>{t('heading')}</h1>
      {noticeText ? (
        <p className="notice" role="status">
          {noticeText}
        </p>
      ) : null}
      <p>{t('intro')}</p>
      {!emailEnabled() ? <p className="muted">{t('noSmtp')}</p> : null}
      <section className="card" aria-labelledby="dest-heading">
        <h2 id="dest-heading">{t('listHeading')}</h2>
        {destinations.length === 0 ? (
          <p>{t('none')}</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="destinations">
              <thead>
                <tr>
                  <th scope="col">{t('target')}</th>
                  <th scope="col">{t('events')}</th>
                  <th scope="col">{t('language')}</th>
                  <th scope="col">{t('state')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('actions')}</span>
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
                    <td>{d.events.map((e) => te(NOTIFY_EVENT_KEYS[e])).join('; ')}</td>
                    <td>
                      <form action={setDestinationLanguageAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <select name="language" defaultValue={d.language} aria-label={`${t('languageLabel')}: ${d.label || d.target}`}>
                          {LOCALES.map((l) => (
                            <option key={l} value={l} lang={l}>
                              {LOCALE_NAMES[l]}
                            </option>
                          ))}
                        </select>{' '}
                        <button type="submit">{t('languageSave')}</button>
                      </form>
                    </td>
                    <td>
                      {d.failures >= FAILING_AFTER || (d.failures > 0 && d.lastError) ? (
                        <span>
                          {t('failing', { count: d.failures })}: {d.lastError}
                        </span>
                      ) : d.lastSuccessAt ? (
                        <span>
                          {t('ok')} <LocalTime at={d.lastSuccessAt.toISOString()} />
                        </span>
                      ) : (
                        t('never')
                      )}
                    </td>
                    <td>
                      <form action={testDestinationAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <button type="submit">{t('test')}</button>
                      </form>
                      <form action={deleteDestinationAction}>
                        <input type="hidden" name="id" value={d.id} />
                        <button type="submit" className="danger">
                          {t('remove')}
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
        <h2 id="add-dest-heading">{t('addHeading')}</h2>
        <DestinationForm language={locale} />
      </section>
    </main>
  );
}
