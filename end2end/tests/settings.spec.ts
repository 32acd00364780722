import { expect, Page, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

async function choose(page: Page, unit: string, clock: string) {
  await page.goto('/settings');
  const form = page.getByTestId('display-preferences');
  await form.getByLabel(unit).check();
  await form.getByLabel(clock).check();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByTestId('display-preferences').getByLabel(unit)).toBeChecked();
}

test('a user shows temperatures in °F on a 12-hour clock; tapping a chart point tells its value @no-js', async ({ page }) => {
  await signIn(page, 'consultant');
  await choose(page, 'Fahrenheit (°F)', '12-hour (9:05 pm)');
  await expect(page.getByTestId('time-zone')).toContainText("hospital's time zone, UTC");
  const project = hydrated() ? 'hydrated' : 'no-js';
  await page.screenshot({ path: `test-results/settings-${project}.png`, fullPage: true });

  await page.goto('/patients');
  await page.getByTestId('patients').getByRole('link', { name: 'Johnson, Katherine' }).first().click();
  await expect(page.getByRole('heading', { name: 'Johnson, Katherine' })).toBeVisible();
  await expect(page.getByTestId('latest-values')).toContainText('°F');
  await expect(page.getByTestId('rounds').locator('thead')).toContainText('Temp °F');
  await expect(page.getByTestId('rounds').locator('tbody tr').first()).toContainText(/\d{1,2}:\d\d (am|pm) UTC/);
  const chart = page.getByTestId('chart-temperature');
  await expect(chart).toContainText('Fever ≥ 100.4 °F');
  const point = chart.locator('g.point').last();
  const tip = point.locator('.tip');
  await expect(tip).toBeHidden();
  await point.click();
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(/Temperature|Pulse/);
  await expect(tip).toContainText(/(am|pm) UTC/);
  await page.screenshot({ path: `test-results/report-tooltip-${project}.png` });

  await choose(page, 'Celsius (°C)', '24-hour (21:05)');
});

test('a bad display choice is refused with the field named', async ({ page }) => {
  await signIn(page, 'consultant');
  const refused = await page.request.post('/api/settings/display/save', {
    data: { display: { temperature_unit: 'K', clock: '24' } },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('temperature_unit');
  const kept = await (await page.request.get('/api/settings/display')).json();
  expect(kept.temperature).toBe('C');
});
