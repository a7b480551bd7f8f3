/**
 * An email address, IP address or network that may wrap, but only after a separator ("@", ".", ":", "/"),
 * never in the middle of a label or a number: `carol@example.com` breaks as `carol@` / `example.com`.
 */
export function Address({ text, className }: { text: string; className?: string }) {
  const parts = text.split(/(?<=[@.:/])/);
  return (
    <span className={className ? `addr ${className}` : 'addr'}>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 ? <wbr /> : null}
        </span>
      ))}
    </span>
  );
}

/** A comma-separated list of addresses and networks, one unbreakable entry after another. */
export function AddressList({ list, className }: { list: string; className?: string }) {
  const entries = list.split(',').map((e) => e.trim()).filter(Boolean);
  return (
    <span className={className}>
      {entries.map((e, i) => (
        <span key={`${e}-${i}`}>
          <Address text={e} />
          {i < entries.length - 1 ? ', ' : null}
        </span>
      ))}
    </span>
  );
}
