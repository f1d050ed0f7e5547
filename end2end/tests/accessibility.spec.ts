// axe-core on every page, in the light and the dark theme: no violations.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { deliverFixtureCall, newCallId } from './events';

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    // The browser notes the not-found page's own 404 status in its console.
    test.use({ colorScheme: theme, consoleExpected: [/status of 404 \(Not Found\) \(\S+\/no-such-page\)/] });

    test(`every signed-in page passes axe (${theme})`, async ({ page, request }) => {
      test.setTimeout(90_000);
      const id = newCallId('axe');
      await deliverFixtureCall(request, id);
      const pages = ['/', '/?q=refund%20has%3Atool_error', '/?q=status%3Abogus', `/calls/${id}`, '/deliveries', '/insights', '/insights?q=has%3Atool_error', '/alerts', '/alerts/rules', '/automations', '/settings', '/settings/tokens', '/review', `/compare?a=${id}&b=${id}`, '/no-such-page'];
      for (const path of pages) {
        await page.goto(path);
        await expect(page.locator('main')).not.toContainText('Loading');
        // Once hydrated, as a person sees it (the live link is up on pages that have one).
        const link = page.locator('[data-link]');
        if (await link.count()) await expect(link.first()).toHaveAttribute('data-link', 'live');
        const results = await new AxeBuilder({ page }).analyze();
        const found = results.violations.map((v) => `${path}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        expect(found, `axe violations on ${path} in the ${theme} theme`).toEqual([]);
      }
    });

    test(`the sign-in page passes axe (${theme})`, async ({ browser }) => {
      const context = await browser.newContext({ colorScheme: theme, storageState: { cookies: [], origins: [] } });
      const page = await context.newPage();
      await page.goto('/login');
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
      await context.close();
    });
  });
}
