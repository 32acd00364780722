import { APIRequestContext, expect, test } from '@playwright/test';
import { signIn } from './helpers';

async function admitAda(request: APIRequestContext): Promise<number> {
  const wards = await (await request.get('/api/wards')).json();
  const ward = wards.find((w: { name: string }) => w.name === 'Dengue ward A');
  const response = await request.post('/api/patients/create', {
    data: {
      patient: {
        first_name: 'Ada', last_name: 'Lovelace', hospital_number: 'E2E-ACK-1', ward_id: String(ward.id),
        sex: 'female', birth_date: '1985-12-10', monitoring_interval_hours: '4', bed: '12',
      },
    },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).id;
}

test('a nurse acknowledges an alert and it clears on every dashboard; the report says why the round is due', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin');
  const patient = await admitAda(admin.request);
  const recorded = await admin.request.post('/api/rounds/record', {
    data: {
      patient_id: patient,
      round: {
        respiration_per_min: 25, spo2_percent: 93, pulse_per_min: 120, temperature_c: 37.8, on_oxygen: false,
        consciousness: 'A', systolic_mmhg: 100, diastolic_mmhg: 84, weight_kg: 50, output_urine_ml: 100,
      },
    },
  });
  expect(recorded.status()).toBe(200);

  await admin.goto('/');
  const adminCard = admin.getByTestId('attention-cards').getByTestId('patient-card').filter({ hasText: 'Lovelace, Ada' });
  await expect(adminCard.getByTestId('open-alert')).toContainText('NEWS2 9');
  await expect(adminCard.getByTestId('attention-why')).toContainText('NEWS2 9: High: emergency response');
  await expect(admin.getByTestId('connection')).toHaveText('Live');

  const nurseContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const nurse = await nurseContext.newPage();
  await signIn(nurse, 'nurse');
  const card = nurse.getByTestId('attention-cards').getByTestId('patient-card').filter({ hasText: 'Lovelace, Ada' });
  const alert = card.getByTestId('open-alert').filter({ hasText: 'NEWS2 9' });
  await expect(alert).toContainText('answer by');
  await expect(card.getByTestId('next-due')).toContainText('every 15 min: NEWS2 9, emergency response');
  await card.scrollIntoViewIfNeeded();
  await nurse.screenshot({ path: 'test-results/alert-card.png' });
  await alert.getByLabel('Response').selectOption('doctor_called');
  await alert.getByLabel('Note (optional)').fill('Dr. Tran reviewing now');
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(card.getByTestId('open-alert').filter({ hasText: 'NEWS2 9' })).toHaveCount(0);
  await expect(adminCard.getByTestId('open-alert').filter({ hasText: 'NEWS2 9' })).toHaveCount(0);

  await nurse.goto(`/patients/${patient}`);
  await expect(nurse.getByTestId('next-due')).toContainText('every 15 min: NEWS2 9, emergency response — continuous monitoring');
  await expect(nurse.getByTestId('urine-24h')).toContainText('mL/kg/h');
  await expect(nurse.getByTestId('fluid-targets')).toContainText('▼ 16 mmHg');
  await expect(nurse.getByTestId('history')).toContainText('acknowledged an alert about the patient');
  await expect(nurse.getByTestId('history')).toContainText('Doctor called: Dr. Tran reviewing now');
  await nurse.screenshot({ path: 'test-results/report-due-and-fluids.png', fullPage: true });

  await adminContext.close();
  await nurseContext.close();
});
