import { Secret, TOTP } from 'otpauth';
import type { Page } from '@playwright/test';
import { expect, rememberSecret, submitAction } from './fixtures';

/** Helpers for the two-factor specs: the test reads the secret from the page and computes codes like an app. */

const STEP_MS = 30_000;

/** The TOTP code of the step `offset` steps from the current one (RFC 6238: SHA-1, 6 digits, 30 s). */
export function codeAt(secret: string, offset = 0): string {
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: (Math.floor(Date.now() / STEP_MS) + offset) * STEP_MS });
}

/**
 * Sets up TOTP for the signed-in admin (or, with `setupPath` /account/two-factor, mailbox user) through the
 * pages (Set up → QR code and key → code) and
 * returns the secret and the recovery codes shown once. Confirms with the previous step's code (accepted
 * within ±1 step), so the current step stays free for the test's next sign-in.
 */
export async function enrolTotp(page: Page, checkPage?: (name: string) => Promise<void>, setupPath = '/admin/two-factor'): Promise<{ secret: string; recoveryCodes: string[] }> {
  if (new URL(page.url()).pathname !== setupPath) await page.goto(setupPath);
  const start = page.getByRole('button', { name: 'Set up an authenticator app' });
  // A setup already under way (an earlier wrong code) shows its key instead of the start button. Its key
  // stays on the page until the action's answer has been rendered, so wait for the new one.
  const shownKey = page.getByTestId('totp-secret');
  const restarting = !(await start.isVisible());
  const oldKey = restarting ? await shownKey.innerText() : null;
  await submitAction(page, restarting ? page.getByRole('button', { name: 'Start again with a new key' }) : start);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  if (oldKey !== null) await expect(shownKey).not.toHaveText(oldKey);
  const secret = (await shownKey.innerText()).replace(/\s+/g, '');
  rememberSecret(secret);
  if (checkPage) await checkPage('two-factor setup');
  // The previous step's code is accepted only while the server is still in the current step: on a busy
  // machine a boundary can pass between typing and checking, so start well inside a step, and if the
  // server still saw the next step, enter the code of the step it is in now (the setup stays under way).
  const list = page.getByTestId('recovery-codes');
  for (let attempt = 1; ; attempt++) {
    const leftInStep = STEP_MS - (Date.now() % STEP_MS);
    if (leftInStep < 10_000) await page.waitForTimeout(leftInStep + 200);
    await page.getByLabel('Code from your app').fill(codeAt(secret, -1));
    await submitAction(page, page.getByRole('button', { name: 'Turn on two-factor' }));
    const wrong = page.locator('main [role="alert"]').filter({ hasText: 'That code is not correct' });
    await expect(list.locator('li').first().or(wrong)).toBeVisible({ timeout: 20_000 });
    if (!(await wrong.isVisible()) || attempt === 2) break;
  }
  await expect(list.locator('li')).toHaveCount(10);
  const recoveryCodes = (await list.locator('li').allInnerTexts()).map((c) => c.trim());
  return { secret, recoveryCodes };
}

/** The second step at /admin/login/verify (or, for a mailbox, /login/verify). */
export async function enterCode(page: Page, code: string, verifyPath: RegExp = /\/admin\/login\/verify/): Promise<void> {
  await expect(page).toHaveURL(verifyPath);
  await page.getByLabel('Code', { exact: true }).fill(code);
  await submitAction(page, page.getByRole('button', { name: 'Verify' }));
}
