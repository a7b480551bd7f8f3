// Not marked `server-only` (no secrets of the app's own, no database): the unit tests and the e2e stand-in
// call it directly. Only the worker sends kicks.

/** What a backend answered to one kick. */
export type KickOutcome = { ok: true; result: 'ended' | 'none_open' } | { ok: false; error: string };

/** doveadm's exit code when no connection matched the mask (EX_NOUSER): nothing was open, nothing to end. */
const NONE_KICKED = 68;

/** How long one kick may take before it counts as "no answer". */
export const KICK_TIMEOUT_MS = 5_000;

/**
 * Asks one Dovecot backend, through its doveadm HTTP API, to end every connection of `email`
 * (`doveadm kick <mask>`). Dovecot answers 200 with `[["doveadmResponse", …, tag]]` on success and
 * `[["error", {type, exitCode}, tag]]` when the command failed (exit code 68: no connection matched, which
 * is success here: nothing is open); anything else (another status, a body
 * that is not that, a refused connection, a timeout) is a failure to retry. The error text names the
 * status or the error type, never the key.
 */
export async function kickOnBackend(url: string, apiKey: string, email: string, timeoutMs = KICK_TIMEOUT_MS): Promise<KickOutcome> {
  // doveadm reads `*` and `?` in a mask as wildcards: a mailbox address never has them (emailSchema), and
  // a kick must never reach other mailboxes.
  if (/[*?]/.test(email)) return { ok: false, error: 'address holds a wildcard' };
  const tag = 'portcullis';
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `X-Dovecot-API ${Buffer.from(apiKey, 'utf8').toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([['kick', { mask: [email] }, tag]]),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return { ok: false, error: name === 'TimeoutError' ? 'no answer' : cause ? `unreachable (${cause})` : 'unreachable' };
  }
  const text = await response.text().catch(() => '');
  if (response.status !== 200) return { ok: false, error: `HTTP ${response.status}` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: 'answer is not JSON' };
  }
  const first = Array.isArray(body) ? (body[0] as unknown) : undefined;
  if (Array.isArray(first) && first[0] === 'doveadmResponse') return { ok: true, result: 'ended' };
  if (Array.isArray(first) && first[0] === 'error') {
    const detail = first[1] as { type?: unknown; exitCode?: unknown } | undefined;
    if (detail?.exitCode === NONE_KICKED) return { ok: true, result: 'none_open' };
    const type = typeof detail?.type === 'string' ? detail.type.slice(0, 60) : 'unknown';
    const code = typeof detail?.exitCode === 'number' ? ` (exit ${detail.exitCode})` : '';
    return { ok: false, error: `doveadm error ${type}${code}` };
  }
  return { ok: false, error: 'unexpected answer' };
}
