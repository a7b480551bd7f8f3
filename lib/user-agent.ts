import Bowser from 'bowser';

/**
 * Browser and operating system as people name them, for "where you're signed in" and sign-in history.
 * Pages word it in the reader's language (lib/i18n/device-names.ts: "Chrome on macOS", "Chrome unter
 * macOS"); `label` is the English wording, for the CLI.
 */
export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  /** A non-browser client's product token ("curl"), when neither browser nor system is known. */
  product: string | null;
  /** An API session that sent no User-Agent. */
  apiClient?: true;
  /** "Chrome on macOS", "Safari on iOS", "curl", "API client" or "Unknown device". */
  label: string;
}

// User agents arrive from clients: only this much is parsed, so a huge header costs nothing extra.
const MAX_USER_AGENT = 512;

/** An API session without a User-Agent header (scripts rarely send one). */
export const API_CLIENT: DeviceDescription = { browser: null, os: null, product: null, apiClient: true, label: 'API client' };

/**
 * Describes a User-Agent header with bowser (a maintained parser: hand-written regexes fall behind new
 * browsers). Non-browser clients (scripts, IMAP through the mail proxy) keep their product token.
 */
export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT).trim();
  if (!ua) return { browser: null, os: null, product: null, label: 'Unknown device' };
  const parsed = Bowser.parse(ua);
  const browser = parsed.browser.name || null;
  const os = parsed.os.name || null;
  if (browser && os) return { browser, os, product: null, label: `${browser} on ${os}` };
  if (browser || os) return { browser, os, product: null, label: (browser ?? os) as string };
  const product = ua.split(/[\s/]/, 1)[0]?.slice(0, 40) || null;
  return { browser: null, os: null, product, label: product ?? 'Unknown device' };
}
