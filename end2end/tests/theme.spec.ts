// Light, dark or the system's theme, chosen in the top bar and rendered by
// the server from the first byte: no flash of the other theme.
import { test, expect } from './fixtures';

const DARK_BG = 'rgb(17, 19, 24)';
const LIGHT_BG = 'rgb(247, 247, 249)';
// Read through `expect.poll`: a click may still be loading the next page.
const background = (page: import('@playwright/test').Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('the chosen theme is applied from the first paint, and kept', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await page.getByRole('button', { name: 'Dark', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await expect(page.getByRole('button', { name: 'Dark', exact: true })).toHaveAttribute('aria-pressed', 'true');

  // The server renders the choice into the HTML: the very first paint is dark.
  const html = await (await page.request.get('/')).text();
  expect(html).toContain('data-theme="dark"');
  await page.reload();
  await expect.poll(() => background(page)).toBe(DARK_BG);

  // "System" follows the system again.
  await page.getByRole('button', { name: 'System', exact: true }).click();
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => background(page)).toBe(DARK_BG);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the theme form works and the page arrives in the chosen theme', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/deliveries');
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    await expect(page).toHaveURL(/\/deliveries$/);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect.poll(() => background(page)).toBe(DARK_BG);
    await page.getByRole('button', { name: 'Light', exact: true }).click();
    // The click starts a form post; read the colour once the new page is in.
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect.poll(() => background(page)).toBe(LIGHT_BG);
  });
});
