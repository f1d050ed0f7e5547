// Signs the shared admin in once; the other tests reuse the session.
import { test as setup } from '@playwright/test';
import { signIn } from './server';

setup('sign in as the admin', async ({ page }) => {
  await signIn(page);
  await page.context().storageState({ path: '.auth/admin.json' });
});
