import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { everyPage, hydrated, signIn } from './helpers';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The WCAG 2.1 AA violations axe-core finds on the page, one line each. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  );
}

/** Opens `path` and waits until it shows its content (and runs in the browser). */
async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByTestId('user-role')).toBeVisible();
  if (hydrated()) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  }
  await expect(page.getByText(/Loading/)).toHaveCount(0);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every page meets WCAG 2.1 AA in the ${colorScheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(await violations(page), 'the sign-in page').toEqual([]);

    await signIn(page, 'admin');
    const { paths, patient } = await everyPage(page.request);
    const project = hydrated() ? 'hydrated' : 'no-js';
    for (const path of paths) {
      await open(page, path);
      expect(await violations(page), path).toEqual([]);
    }
    await page.setViewportSize({ width: 375, height: 780 });
    for (const path of ['/', `/patients/${patient}`]) {
      await open(page, path);
      expect(await violations(page), `${path} at 375 px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await open(page, '/');
    await page.screenshot({ path: `test-results/screens/dashboard-${colorScheme}-${project}.png`, fullPage: true });
    await open(page, `/patients/${patient}`);
    await page.screenshot({ path: `test-results/screens/report-${colorScheme}-${project}.png`, fullPage: true });
  });
}
