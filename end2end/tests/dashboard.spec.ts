import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

test('the dashboard shows who needs attention, the critical phase and every admitted patient @no-js', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.goto('/');
  const cards = page.getByTestId('attention-cards');
  await expect(cards.getByTestId('patient-card').filter({ hasText: 'Johnson, Katherine' })).toBeVisible();
  await expect(cards).toContainText('Temperature');
  await expect(page.getByTestId('critical-patients')).toContainText('Nguyen, Minh');
  await expect(page.getByTestId('current-patients')).toContainText('Rahman, Aisha');
  await expect(page.getByTestId('current-patients')).not.toContainText('Chen, Mei');
  await expect(page.getByTestId('ward-summary')).toContainText('admitted');
  const project = hydrated() ? 'hydrated' : 'no-js';
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/dashboard-1280-${project}.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `test-results/dashboard-375-${project}.png`, fullPage: true });
});

test('a round that makes a patient critical adds its card and row live', async ({ page }) => {
  await signIn(page, 'nurse');
  const wards = await (await page.request.get('/api/wards')).json();
  const ward = wards.find((w: { name: string }) => w.name === 'Dengue ward A');
  const created = await page.request.post('/api/patients/create', {
    data: {
      patient: {
        first_name: 'Rosalind', last_name: 'Franklin', hospital_number: 'E2E-DASH-1', ward_id: String(ward.id),
        sex: 'female', birth_date: '1990-07-25', admitted_at: new Date().toISOString().slice(0, 16), monitoring_interval_hours: '6', bed: '21',
      },
    },
  });
  expect(created.status()).toBe(200);
  const patient = (await created.json()).id;
  await page.goto('/');
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await expect(page.getByTestId('current-patients')).toContainText('Franklin, Rosalind');
  const card = page.getByTestId('attention-cards').getByTestId('patient-card').filter({ hasText: 'Franklin, Rosalind' });
  await expect(card).toHaveCount(0);
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  const round = await page.request.post('/api/rounds/record', {
    data: { patient_id: patient, round: { temperature_c: '37.1', pulse_per_min: '118', warning_signs: ['mucosal_bleeding'] } },
  });
  expect(round.status()).toBe(200);
  await expect(card).toBeVisible();
  await expect(card).toContainText('Critical');
  await expect(card).toContainText('118 /min');
  await expect(page.getByTestId('critical-patients')).toContainText('Franklin, Rosalind');
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test('the report draws its charts for the day and the whole stay @no-js', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.goto('/');
  await page.getByTestId('current-patients').getByRole('link', { name: 'Johnson, Katherine' }).click();
  await expect(page.getByRole('heading', { name: 'Johnson, Katherine' })).toBeVisible();
  const temperature = page.getByTestId('chart-temperature');
  await expect(temperature.locator('g.point').first()).toBeAttached();
  const dayPoints = await temperature.locator('g.point').count();
  await expect(page.getByTestId('chart-news2').locator('g.point').first()).toBeAttached();
  await expect(page.getByTestId('chart-platelets')).toContainText('Platelets');
  await expect(page.getByTestId('chart-fluids').locator('rect.bar').first()).toBeAttached();
  await expect(page.getByTestId('chart-balance')).toContainText('Cumulative balance');
  const project = hydrated() ? 'hydrated' : 'no-js';
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/report-1280-${project}.png`, fullPage: true });
  await page.getByRole('link', { name: 'Course (whole stay)' }).click();
  await expect(page).toHaveURL(/span=course/);
  await expect(page.getByRole('link', { name: 'Course (whole stay)' })).toHaveAttribute('aria-current', 'true');
  await expect.poll(async () => temperature.locator('g.point').count()).toBeGreaterThan(dayPoints);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `test-results/report-375-${project}.png`, fullPage: true });
});
