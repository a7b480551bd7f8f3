// Captures the README's screenshots from a server started on a fresh database with the demo data:
//   PORT=3000 DATABASE_PATH=/tmp/demo.db npm start      (in one terminal)
//   BASE=http://127.0.0.1:3000 node docs/screenshots/capture.mjs
// It first plays a few minutes of an ordinary day (sign-ins, a refusal, an admin change) so that the
// audit log and sign-in history have something to show. Uses Playwright's Chromium (or CHROMIUM=path).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';

const base = process.env.BASE ?? 'http://127.0.0.1:3000';
const out = path.dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CHROMIUM ?? ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p));
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });

async function session(width, signIn) {
  const context = await browser.newContext({ viewport: { width, height: width < 640 ? 844 : 800 }, timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  await signIn(page);
  return { context, page };
}
const user = (email, password) => async (page) => {
  await page.goto(`${base}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('networkidle');
};
const admin = async (page) => {
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Admin email address').fill('admin@example.com');
  await page.getByLabel('Password', { exact: true }).fill('Harbor-Lantern-Violet-42');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/mailboxes/);
};

// An ordinary morning: two sign-ins, one refused (bob is only allowed from the office networks), a memo.
for (const [email, password] of [['alice@example.com', 'Quiet-Meadow-Copper-17'], ['bob@example.com', 'Silver-Orchard-Tide-63'], ['carol@example.com', 'Amber-Falcon-Ridge-58']]) {
  const { context } = await session(1280, user(email, password));
  await context.close();
}
{
  const { context, page } = await session(1280, admin);
  await page.goto(`${base}/admin/mailboxes/carol%40example.com`);
  await page.getByLabel('Memo').fill('Works from the office only.');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('saved-changes').waitFor();
  await context.close();
}

for (const width of [390, 1280]) {
  const a = await session(width, admin);
  for (const [name, url] of [['audit-log', '/admin/audit'], ['mailbox-list', '/admin/mailboxes'], ['mailbox', '/admin/mailboxes/carol%40example.com']]) {
    await a.page.goto(base + url);
    await a.page.screenshot({ path: path.join(out, `${name}-${width}.png`) });
  }
  await a.context.close();
  const u = await session(width, user('carol@example.com', 'Amber-Falcon-Ridge-58'));
  await u.page.goto(`${base}/mail`);
  await u.page.screenshot({ path: path.join(out, `inbox-${width}.png`) });
  await u.context.close();
}
await browser.close();
