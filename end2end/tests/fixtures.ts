// `test` for every spec: fails a test whose pages wrote an error or a
// warning to the browser console (or threw), so no page ships noisy. A spec
// that provokes one on purpose (a server stopped under an open page) lists
// what it expects with `test.use({ consoleExpected: [/…/] })`.
import { test as base, expect, type ConsoleMessage } from '@playwright/test';

type Options = { consoleExpected: RegExp[] };

export const test = base.extend<Options & { consoleGuard: void }>({
  consoleExpected: [[], { option: true }],
  consoleGuard: [
    async ({ context, consoleExpected }, use) => {
      const heard: string[] = [];
      const listen = (page: import('@playwright/test').Page) => {
        page.on('console', (message: ConsoleMessage) => {
          if (message.type() !== 'error' && message.type() !== 'warning') return;
          const text = `${message.type()}: ${message.text()} (${page.url()})`;
          if (!consoleExpected.some((expected) => expected.test(text))) heard.push(text);
        });
        page.on('pageerror', (error) => heard.push(`uncaught: ${error.message} (${page.url()})`));
      };
      context.pages().forEach(listen);
      context.on('page', listen);
      await use();
      expect(heard, 'the browser console stays free of errors and warnings').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
