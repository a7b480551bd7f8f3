import { test as base, type Browser, type BrowserContext, type Page } from '@playwright/test';

/**
 * Fails a test when any page it opened logged a console error or threw (React reports a hydration
 * mismatch, #418/#423/#425, as one of these), so that a page React silently re-renders on the client is
 * a failing test rather than something only a person with the console open notices.
 *
 * Self-contained on purpose: an automatic fixture that watches the default `page`'s context and every
 * context the test makes with `browser.newContext()` (the helpers in fixtures.ts do). A test that loads a
 * page which must answer with an error status lists what it expects with `test.use({ allowedConsoleErrors })`.
 */

/** Chromium's line for a response with an error status (a 404 page, a refused request): not a script error. */
const STATUS_LINE = /^Failed to load resource: the server responded with a status of \d+/;

interface GuardOptions {
  /** Console messages this test expects (matched against the text), beyond the built-in ones. */
  allowedConsoleErrors: RegExp[];
}

export const test = base.extend<GuardOptions & { consoleGuard: void }>({
  allowedConsoleErrors: [[], { option: true }],
  consoleGuard: [
    async ({ context, browser, allowedConsoleErrors }, run, testInfo) => {
      const problems: string[] = [];
      const allowed = (text: string) => allowedConsoleErrors.some((re) => re.test(text));
      const watchPage = (page: Page) => {
        page.on('console', (message) => {
          if (message.type() !== 'error' && !(message.type() === 'warning' && /hydrat/i.test(message.text()))) return;
          const text = message.text();
          if (allowed(text)) return;
          // An error status is only a problem for the page itself; the test asserts what it expects of it.
          if (STATUS_LINE.test(text) && !/favicon/.test(message.location().url)) return;
          problems.push(`${page.url()}: console ${message.type()}: ${text}`);
        });
        page.on('pageerror', (error) => {
          if (!allowed(error.message)) problems.push(`${page.url()}: uncaught: ${error.message}`);
        });
      };
      const watchContext = (ctx: BrowserContext) => {
        ctx.pages().forEach(watchPage);
        ctx.on('page', watchPage);
      };
      watchContext(context);
      const original = browser.newContext.bind(browser);
      (browser as Browser).newContext = async (...args: Parameters<Browser['newContext']>) => {
        const created = await original(...args);
        watchContext(created);
        return created;
      };
      try {
        await run();
      } finally {
        browser.newContext = original;
      }
      if (problems.length > 0 && testInfo.status === testInfo.expectedStatus) {
        throw new Error(`The browser reported errors:\n${problems.join('\n')}`);
      }
    },
    { auto: true },
  ],
});
