import { expect, Page, test } from '@playwright/test';
import { everyPage, hydrated, signIn } from './helpers';

const WIDTHS = [360, 375, 768, 1280];

/** The page's width beyond the viewport, in CSS pixels (0 when it cannot pan sideways). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('no page pans sideways on a phone, a tablet or a desktop @no-js', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto('/login');
  expect(await overflow(page), 'the sign-in page at 360 px').toBe(0);

  await signIn(page, 'admin');
  const { paths } = await everyPage(page.request);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 780 });
    for (const path of paths) {
      await page.goto(path);
      await expect(page.getByTestId('user-role')).toBeVisible();
      if (hydrated()) {
        await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
      }
      expect(await overflow(page), `${path} at ${width} px`).toBe(0);
    }
  }
});

test('the dashboard shows every patient who needs attention, with the NEWS2, in its first screen', async ({ page }) => {
  await signIn(page, 'nurse');
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 780 });
    await page.goto('/');
    const cards = page.getByTestId('patient-card');
    await expect(cards.first()).toBeVisible();
    const triage = page.getByTestId('triage').locator('li');
    await expect(triage).toHaveCount(await cards.count());
    const lines = await triage.all();
    for (const [i, line] of lines.entries()) {
      await expect(line.getByLabel(/^NEWS2 \d+/)).toBeInViewport({ ratio: 1 });
      const name = await line.locator('.triage-name').innerText();
      await expect(cards.nth(i).getByRole('heading')).toHaveText(name, { useInnerText: true });
    }
    await page.screenshot({ path: `test-results/screens/dashboard-${width}.png` });
  }
});

test('on a phone the patient stays in sight and the round form fits: two columns of vitals, each range under its field', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 780 });
  await signIn(page, 'nurse');
  const list = await (await page.request.get('/api/patients', { params: { status: 'admitted' } })).json();
  const patient = list.items[0];
  await page.goto(`/patients/${patient.id}`);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByTestId('history').scrollIntoViewIfNeeded();
  const sticky = page.getByTestId('sticky-patient');
  await expect(sticky).toBeInViewport();
  await expect(sticky).toContainText(`${patient.last_name}, ${patient.first_name}`);
  await expect(sticky).toContainText(`NEWS2 ${patient.status.news2_total}`);
  await page.screenshot({ path: 'test-results/screens/report-sticky-375.png' });
  await sticky.getByRole('link', { name: 'Record round' }).click();
  const form = page.getByTestId('record-round');
  await expect(form.getByLabel('Temperature °C', { exact: true })).toBeVisible();
  const temperature = await form.getByLabel('Temperature °C', { exact: true }).boundingBox();
  const pulse = await form.getByLabel('Pulse /min', { exact: true }).boundingBox();
  expect(pulse!.y, 'pulse beside temperature').toBeCloseTo(temperature!.y, 0);
  expect(pulse!.x).toBeGreaterThan(temperature!.x + temperature!.width);
  await expect(form.getByText('20–300 /min')).toBeVisible();
  expect(await overflow(page)).toBe(0);
  await form.getByLabel('Pulse /min', { exact: true }).fill('131');
  await form.getByRole('radio', { name: 'Air' }).check();
  await expect(form.getByTestId('preview-total')).toHaveText('3');
  await form.screenshot({ path: 'test-results/screens/round-form-375.png' });
});
