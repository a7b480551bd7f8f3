import type { AppPasswordView } from '@/lib/app-passwords/service';
import { LocalTime } from './local-time';

const TEXT = {
  label: 'Label',
  protocols: 'Protocols',
  networks: 'Own networks',
  expires: 'Expires',
  lastUse: 'Last used',
  actions: 'Actions',
  never: 'Never',
  any: "The mailbox's networks",
  from: 'from',
  expired: '(expired)',
  revoke: 'Revoke',
  revokeLabel: (label: string) => `Revoke app password ${label}`,
} as const;

const PROTOCOL_NAMES: ReadonlyMap<string, string> = new Map([
  ['imap', 'IMAP'],
  ['pop3', 'POP3'],
  ['smtp', 'SMTP'],
]);

/**
 * A mailbox's app passwords (spec §20) with Revoke per row: on /account for the user, on the admin's mailbox
 * page for its admins. `hidden` names the mailbox for the admin's action; the user's action needs none.
 */
export function AppPasswordTable({ items, revoke, hidden = {}, testId }: { items: AppPasswordView[]; revoke: (formData: FormData) => Promise<void>; hidden?: Record<string, string>; testId: string }) {
  return (
    <div className="table-scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{TEXT.label}</th>
            <th scope="col">{TEXT.protocols}</th>
            <th scope="col">{TEXT.networks}</th>
            <th scope="col">{TEXT.expires}</th>
            <th scope="col">{TEXT.lastUse}</th>
            <th scope="col">
              <span className="visually-hidden">{TEXT.actions}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{a.label}</td>
              <td>{a.protocols.map((p) => PROTOCOL_NAMES.get(p) ?? p).join(', ')}</td>
              <td className="mono">{a.allowNets ? a.allowNets.split(',').join(', ') : TEXT.any}</td>
              <td>
                {a.expiresAt ? <LocalTime at={a.expiresAt.toISOString()} /> : TEXT.never} {a.expired ? TEXT.expired : null}
              </td>
              <td>
                {a.lastUsedAt ? (
                  <>
                    <LocalTime at={a.lastUsedAt.toISOString()} /> {TEXT.from} <span className="mono">{a.lastUsedAddress ?? 'unknown'}</span>
                    {a.lastUsedProtocol ? ` (${PROTOCOL_NAMES.get(a.lastUsedProtocol) ?? a.lastUsedProtocol})` : null}
                  </>
                ) : (
                  TEXT.never
                )}
              </td>
              <td>
                <form action={revoke}>
                  {Object.entries(hidden).map(([name, value]) => (
                    <input key={name} type="hidden" name={name} value={value} />
                  ))}
                  <input type="hidden" name="id" value={a.id} />
                  <button type="submit" className="link" aria-label={TEXT.revokeLabel(a.label)}>
                    {TEXT.revoke}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
