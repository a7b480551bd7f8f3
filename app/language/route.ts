import { NextResponse, type NextRequest } from 'next/server';
import { sameSitePath } from '@/lib/auth/callback-url';
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_SECONDS } from '@/lib/i18n/locales';
import { languageSwitchSchema } from '@/lib/i18n/switch-schema';
import { isHttps } from '@/lib/net/request-address';
import { rememberMailboxLanguage } from '@/lib/notify/user-notices';
import { checkMailboxSession } from '@/lib/session/check';
import { readSessionClaims, requestInfo } from '@/lib/session/dal';

// The switch posts a few dozen bytes; anything much larger is not our form and is not read.
const MAX_BODY_BYTES = 4096;

/**
 * The language switch's target (a plain form on every page, so it works without JavaScript): remembers the
 * choice in a cookie and sends the browser back to the page it came from. Only a path on this site is
 * followed (`sameSitePath`): a foreign or protocol-relative URL goes to `/` instead, so the switch is no
 * open redirect. proxy.ts has already refused a post from another site (lib/net/same-origin.ts).
 */
export async function POST(request: NextRequest) {
  const length = Number(request.headers.get('content-length') ?? NaN);
  if (!(length <= MAX_BODY_BYTES)) return plain(413, 'The language choice was too large to be ours.\n');
  const body = await request.text();
  if (body.length > MAX_BODY_BYTES) return plain(413, 'The language choice was too large to be ours.\n');
  const form = new URLSearchParams(body);
  const parsed = languageSwitchSchema.safeParse({ locale: form.get('locale') ?? undefined, return: form.get('return') ?? undefined });
  if (!parsed.success) return plain(400, 'Choose English or Deutsch.\n');
  // A signed-in mailbox user's own notices follow the choice (only for a session that passes the gate).
  const claims = await readSessionClaims('mailbox');
  if (claims) {
    const check = await checkMailboxSession(claims, (await requestInfo()).clientIp);
    if (check.ok) await rememberMailboxLanguage(check.mailbox.id, parsed.data.locale);
  }
  const response = new NextResponse(null, { status: 303, headers: { location: sameSitePath(parsed.data.return) ?? '/', 'cache-control': 'no-store' } });
  response.cookies.set(LOCALE_COOKIE, parsed.data.locale, {
    path: '/',
    maxAge: LOCALE_COOKIE_MAX_AGE_SECONDS,
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(request.headers),
  });
  return response;
}

function plain(status: number, text: string) {
  return new NextResponse(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
