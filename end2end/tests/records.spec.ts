import { expect, Page, test } from '@playwright/test';
import { hydrated, signIn, typed } from './helpers';

async function ready(page: Page) {
  if (hydrated()) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  }
}

async function admit(page: Page, number: string, last: string) {
  await page.goto('/patients/new');
  await ready(page);
  const form = page.getByTestId('patient-form');
  await form.getByLabel('First name').fill('Katherine');
  await form.getByLabel('Last name').fill(last);
  await form.getByLabel('Hospital number').fill(number);
  await form.getByLabel('Birth date').fill('1990-06-03');
  await form.getByLabel('Sex').selectOption('female');
  await form.getByLabel('Bed').fill('12');
  await form.getByRole('button', { name: 'Admit patient' }).click();
  await expect(page.getByRole('heading', { name: `${last}, Katherine` })).toBeVisible();
  await ready(page);
}

/** Types `values` (by label) into the round form, breathing air and alert. */
async function typeRound(page: Page, values: Record<string, string>) {
  await page.getByText('Record a round').click();
  const form = page.getByTestId('record-round');
  for (const [label, value] of Object.entries(values)) {
    await form.getByLabel(label, { exact: true }).fill(value);
  }
  await form.getByRole('radio', { name: 'Air' }).check();
  await form.getByRole('radio', { name: 'A Alert' }).check();
  return form;
}

async function recordRound(page: Page, values: Record<string, string>) {
  const form = await typeRound(page, values);
  await form.getByRole('button', { name: 'Save round' }).click();
}

test('a nurse admits a patient, records and corrects a round, sees the history and discharges', async ({ page }) => {
  await signIn(page, 'nurse');
  await admit(page, 'E2E-100', 'Johnson');
  await expect(page.getByTestId('status-banner')).toContainText('Admitted');

  await recordRound(page, { 'Temperature °C': '50', 'Pulse /min': '118' });
  await expect(page.getByTestId('record-round').getByRole('alert')).toContainText('Temperature: must be a number between 25–45 °C');

  await page.getByTestId('record-round').getByLabel('Temperature °C', { exact: true }).fill('39.2');
  await page.getByTestId('record-round').getByRole('button', { name: 'Save round' }).click();
  const rounds = page.getByTestId('rounds');
  await expect(rounds.locator('tbody tr')).toHaveCount(1);
  await expect(rounds).toContainText('39.2');
  await expect(rounds).toContainText('Nurse Linh Pham');
  await expect(page.getByTestId('latest-values')).toContainText('118');
  await expect(page.getByTestId('phase-banner')).toContainText('Patient is in the febrile phase');
  await expect(page.getByTestId('news2-total')).toHaveText('4');

  await rounds.locator('tbody tr').first().getByRole('link', { name: 'Correct' }).click();
  const correction = page.getByTestId('correct-round');
  await ready(page);
  await correction.getByLabel('Pulse /min', { exact: true }).fill('108');
  await correction.getByLabel('Reason for the correction').fill('  ');
  await correction.getByRole('button', { name: 'Save correction' }).click();
  await expect(correction.getByRole('alert')).toContainText('Reason: say why');
  await correction.getByLabel('Reason for the correction').fill('pulse counted over 15 s, not 30 s');
  await correction.getByRole('button', { name: 'Save correction' }).click();
  await expect(page.getByRole('heading', { name: 'Johnson, Katherine' })).toBeVisible();
  await ready(page);
  await expect(rounds.locator('tbody tr').first()).toContainText('108');
  await expect(page.getByTestId('news2-total')).toHaveText('3');
  const history = page.getByTestId('history');
  await expect(history).toContainText('Nurse Linh Pham corrected round');
  await expect(history).toContainText('Reason: pulse counted over 15 s, not 30 s');
  await expect(history).toContainText('Pulse: 118 → 108');
  await page.screenshot({ path: 'test-results/screens/report-1280.png', fullPage: true });

  await page.getByText('Discharge…').click();
  await page.getByRole('button', { name: 'Discharge patient' }).click();
  await expect(page.getByTestId('status-banner')).toContainText('Discharged');
  await expect(page.getByText('Record a round')).toHaveCount(0);
  await expect(history).toContainText('Nurse Linh Pham discharged patient');
});

test('admitting and recording work with JavaScript disabled @no-js-only', async ({ page }) => {
  await signIn(page, 'nurse');
  await admit(page, 'E2E-200', 'Static');
  await recordRound(page, { 'Temperature °C': '38.4', 'Pulse /min': '96', 'SpO2 %': '97' });
  await expect(page.getByTestId('rounds')).toContainText('38.4');
  await expect(page.getByTestId('latest-values')).toContainText('97');

  await recordRound(page, { 'SpO2 %': '30' });
  await expect(page.getByRole('alert')).toContainText('SpO2: must be a whole number between 50–100 %');
  await expect(page.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);
});

test('the patients list searches and an observer cannot write @no-js', async ({ page }) => {
  await signIn(page, 'consultant');
  await page.goto('/patients?status=all');
  await ready(page);
  await expect(page.getByRole('link', { name: 'New patient' })).toHaveCount(0);
  await page.getByLabel('Search').fill(typed.search);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('no-patients')).toBeVisible();
});

test('the round form scores as it is typed, asks for breathing and consciousness, and saves what it showed', async ({ page }) => {
  await signIn(page, 'nurse');
  await admit(page, 'E2E-300', 'Preview');
  await page.getByText('Record a round').click();
  const form = page.getByTestId('record-round');
  const preview = form.getByTestId('news2-preview');
  await form.getByLabel('Respiration /min', { exact: true }).fill('23');
  await form.getByLabel('SpO2 %', { exact: true }).fill('94');
  await form.getByLabel('Systolic BP mmHg', { exact: true }).fill('95');
  await form.getByLabel('Pulse /min', { exact: true }).fill('131');
  await form.getByLabel('Temperature °C', { exact: true }).fill('38.4');
  await expect(form.getByText('25–45 °C')).toBeVisible();
  await expect(preview).toContainText('Pulse 131 /min ≥ 131 scores 3');
  await expect(preview).toContainText('Not typed yet: Oxygen, Consciousness');
  await expect(form.getByTestId('preview-total')).toHaveText('9');

  // The patient changes elsewhere while the round is typed: what was typed stays.
  const patientId = Number(new URL(page.url()).pathname.split('/').pop());
  const v = await (await page.request.get('/api/patients/get', { params: { id: String(patientId) } })).json();
  const moved = await page.request.post('/api/patients/update', {
    data: {
      id: patientId,
      patient: {
        first_name: v.first_name, last_name: v.last_name, hospital_number: v.hospital_number, ward_id: String(v.ward_id),
        sex: v.sex, birth_date: v.birth_date, admitted_at: v.admitted_at,
        monitoring_interval_hours: String(v.monitoring_interval_hours), bed: '14',
      },
    },
  });
  expect(moved.status(), await moved.text()).toBe(200);
  await expect(page.getByText('· bed 14')).toBeVisible();
  await expect(form.getByLabel('Pulse /min', { exact: true })).toHaveValue('131');
  await expect(form.getByTestId('preview-total')).toHaveText('9');

  await form.getByRole('button', { name: 'Save round' }).click();
  const air = form.getByRole('radio', { name: 'Air' });
  await expect.poll(() => air.evaluate((e: HTMLInputElement) => e.validity.valueMissing)).toBe(true);
  await expect.poll(() => form.getByRole('radio', { name: 'A Alert' }).evaluate((e: HTMLInputElement) => e.validity.valueMissing)).toBe(true);
  await expect(page.getByTestId(/^round-\d+$/)).toHaveCount(0);

  for (const target of await form.locator('.segment, .checks .check').all()) {
    const box = await target.boundingBox();
    expect(box!.height, await target.innerText()).toBeGreaterThanOrEqual(44);
    expect(box!.width, await target.innerText()).toBeGreaterThanOrEqual(44);
  }
  await form.getByRole('radio', { name: 'Oxygen' }).check();
  await form.getByRole('radio', { name: 'C New confusion' }).check();
  await expect(form.getByTestId('preview-total')).toHaveText('14');
  await expect(preview).not.toContainText('Not typed yet');
  const shown = await preview.locator('.subscores li').allInnerTexts();
  await page.screenshot({ path: 'test-results/screens/round-form-preview.png', fullPage: true });

  await form.getByRole('button', { name: 'Save round' }).click();
  await expect(page.getByTestId(/^round-\d+$/)).toHaveCount(1);
  await expect(page.getByTestId('news2-total')).toHaveText('14');
  const card = page.locator('section[aria-labelledby="news2-title"] .subscores li');
  await expect(card).toHaveText(shown);
  await expect(form.getByLabel('Pulse /min', { exact: true })).toHaveValue('');
  await expect(form.locator('input[type=radio]:checked')).toHaveCount(0);
});
