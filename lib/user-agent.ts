import Bowser from 'bowser';

/** Browser and operating system as people name them, for "where you're signed in" and sign-in history. */
export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  /** "Chrome on macOS", "Safari on iOS", "curl", or "Unknown device". */
  label: string;
}

// User agents arrive from clients: only this much is parsed, so a huge header costs nothing extra.
const MAX_USER_AGENT = 512;

/**
 * Describes a User-Agent header with bowser (a maintained parser: hand-written regexes fall behind new
 * browsers). Non-browser clients (scripts, IMAP through the mail proxy) keep their product token.
 */
export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT).trim();
  if (!ua) return { browser: null, os: null, label: 'Unknown device' };
  const parsed = Bowser.parse(ua);
  const browser = parsed.browser.name || null;
  const os = parsed.os.name || null;
  if (browser && os) return { browser, os, label: `${browser} on ${os}` };
  if (browser || os) return { browser, os, label: (browser ?? os) as string };
  const product = ua.split(/[\s/]/, 1)[0] || 'Unknown device';
  return { browser: null, os: null, label: product.slice(0, 40) };
}
