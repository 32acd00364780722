import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('the shell hydrates and a server function round trip updates the page', async ({ page }) => {
  // The system's status is shown to administrators, on their page.
  await signIn(page, 'admin', '/admin');

  const status = page.getByTestId('system-status');
  await expect(status).toContainText('SQLite — up');
  await expect(page.getByTestId('check-count')).toHaveText('Loaded with the page.');

  await page.getByTestId('check-status').click();
  await expect(page.getByTestId('check-count')).toHaveText('Checked once since the page loaded.');
  await page.getByTestId('check-status').click();
  await expect(page.getByTestId('check-count')).toHaveText('Checked 2 times since the page loaded.');
  await expect(page.getByTestId('server-time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

  await page.screenshot({ path: 'test-results/screens/admin-status-1280.png', fullPage: true });
});

test('the clinical dashboard shows the nurse no system status', async ({ page }) => {
  await signIn(page, 'nurse');
  await expect(page.getByTestId('attention-cards')).toBeVisible();
  await expect(page.getByTestId('system-status')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/dashboard-1280.png', fullPage: true });
});

test('the sidebar navigates between sections without reloading', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API');
  await expect(page.getByTestId('endpoint').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
});

test('server-rendered pages are complete without JavaScript @no-js', async ({ page }) => {
  await signIn(page, 'admin');
  for (const entry of ['Dashboard', 'Patients', 'Administration', 'Settings', 'API']) {
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: entry })).toBeVisible();
  }
  await expect(page.getByTestId('attention-cards')).toBeVisible();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `test-results/screens/dashboard-375-${test.info().project.name}.png`, fullPage: true });
});
