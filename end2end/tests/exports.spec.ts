import { APIRequestContext, expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { hydrated, signIn } from './helpers';

async function admitWithRounds(request: APIRequestContext, number: string, rounds: number): Promise<number> {
  const wards = await (await request.get('/api/wards')).json();
  const ward = wards.find((w: { name: string }) => w.name === 'Dengue ward A');
  const created = await request.post('/api/patients/create', {
    data: {
      patient: {
        first_name: 'Grace', last_name: 'Murray', hospital_number: number, ward_id: String(ward.id),
        sex: 'female', birth_date: '1976-12-09', monitoring_interval_hours: '4', bed: '30',
      },
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const patient = (await created.json()).id;
  const batch = Array.from({ length: rounds }, (_, i) => ({
    measured_at: new Date(Date.now() - (rounds - i) * 3_600_000).toISOString(),
    temperature_c: 37 + i / 10, pulse_per_min: 80 + i, clinical_notes: i === 0 ? '=SUM(A1:A9)' : `Round ${i + 1}`,
  }));
  const recorded = await request.post('/api/rounds/record-batch', { data: { patient_id: patient, rounds: batch } });
  expect(recorded.status(), await recorded.text()).toBe(200);
  return patient;
}

test('the report downloads every round as CSV and prints without navigation @no-js', async ({ page }) => {
  await signIn(page, 'nurse');
  const number = `E2E-CSV-${hydrated() ? 'H' : 'N'}`;
  const patient = await admitWithRounds(page.request, number, 12);
  await page.goto(`/patients/${patient}`);
  await expect(page.getByTestId('rounds-csv')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rounds-csv').click()]);
  expect(download.suggestedFilename()).toBe(`rounds-${number}.csv`);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\n');
  expect(lines).toHaveLength(13);
  expect(lines[0]).toContain('Temperature (°C)');
  expect(lines[1]).toContain("'=SUM(A1:A9)");
  expect(lines[12]).toContain('Round 12');

  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.sidebar')).toBeHidden();
  await expect(page.getByTestId('rounds-csv')).toBeHidden();
  await expect(page.locator('#patient-name')).toBeVisible();
  if (hydrated()) {
    await page.screenshot({ path: 'test-results/report-print.png', fullPage: true });
  }
});

test('the dashboard opens the ward handover, laid out for print @no-js', async ({ page }) => {
  await signIn(page, 'nurse');
  await page.goto('/');
  const tools = page.getByTestId('ward-tools').locator('li').filter({ hasText: 'Dengue ward A' });
  await tools.getByRole('link', { name: 'Shift handover' }).click();
  await expect(page).toHaveURL(/\/wards\/\d+\/handover$/);
  await expect(page.getByRole('heading', { name: 'Shift handover — Dengue ward A' })).toBeVisible();
  await expect(page.getByTestId('handover-printed')).toContainText('by Nurse Linh Pham');
  const first = page.getByTestId('handover-patient').first();
  await expect(first.getByTestId('handover-trend')).toContainText('at the start');
  await expect(first.getByTestId('handover-fluids')).toContainText('since admission');
  const project = hydrated() ? 'hydrated' : 'no-js';
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/handover-screen-${project}.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav.sidebar')).toBeHidden();
  await expect(page.locator('header.topbar')).toBeHidden();
  await expect(page.getByRole('link', { name: 'Back to the dashboard' })).toBeHidden();
  await expect(first).toBeVisible();
  await page.screenshot({ path: `test-results/handover-print-${project}.png`, fullPage: true });
  if (hydrated()) {
    await page.pdf({ path: 'test-results/handover.pdf', format: 'A4' });
  }
});
