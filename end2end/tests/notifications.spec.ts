import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { signIn, typed } from './helpers';

/** A ward of its own with one nurse, so that only this test's patient notifies her. */
async function quietWard(request: APIRequestContext): Promise<number> {
  const ward = await request.post('/api/wards/create', { data: { name: 'E2E notification ward' } });
  expect(ward.status(), await ward.text()).toBe(200);
  const id = (await ward.json()).id;
  const nurse = await request.post('/api/users/create', {
    data: {
      username: 'e2e.bell', display_name: 'Nurse Bell', role: 'clinician',
      ward_ids: [id], password: typed.bellPassword,
    },
  });
  expect(nurse.status(), await nurse.text()).toBe(200);
  return id;
}

async function demoWard(request: APIRequestContext): Promise<number> {
  const wards = await (await request.get('/api/wards')).json();
  return wards.find((w: { name: string }) => w.name === 'Dengue ward A').id;
}

async function admit(request: APIRequestContext, ward: number, number: string): Promise<number> {
  const response = await request.post('/api/patients/create', {
    data: {
      patient: {
        first_name: 'Alan', last_name: 'Turing', hospital_number: number, ward_id: String(ward),
        sex: 'male', birth_date: '1982-06-23', monitoring_interval_hours: '4', bed: '7',
      },
    },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).id;
}

test('an alarming round elsewhere shows a toast and raises the bell; marking all read clears it in every tab', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin');
  const patient = await admit(admin.request, await quietWard(admin.request), 'E2E-ALERT-1');

  const nurseContext = await browser.newContext();
  // Counts the vibrations a page asks of the device.
  await nurseContext.addInitScript(() => {
    const counted = window as unknown as { alarms: number };
    counted.alarms = 0;
    navigator.vibrate = () => { counted.alarms += 1; return true; };
  });
  const alarms = (page: Page) => page.evaluate(() => (window as unknown as { alarms: number }).alarms);
  const dashboard = await nurseContext.newPage();
  await dashboard.goto('/login');
  await expect(dashboard.locator('body[data-hydrated="true"]')).toBeAttached();
  await dashboard.getByLabel('Username').fill('e2e.bell');
  await dashboard.getByLabel('Password').fill(typed.bellPassword);
  await dashboard.getByRole('button', { name: 'Sign in' }).click();
  await expect(dashboard.getByTestId('user-role')).toHaveText('Clinician');
  await dashboard.goto('/settings');
  await expect(dashboard.locator('body[data-hydrated="true"]')).toBeAttached();
  await dashboard.getByTestId('alarm-sound').check();
  await dashboard.goto('/');
  await expect(dashboard.getByTestId('alarm-sound')).toHaveCount(0);
  const otherTab = await nurseContext.newPage();
  await otherTab.goto('/patients');
  await expect(dashboard.getByTestId('connection')).toHaveText('Live');
  await expect(otherTab.getByTestId('connection')).toHaveText('Live');
  expect((await dashboard.request.post('/api/notifications/read', { data: { all: true } })).status()).toBe(200);
  await expect(dashboard.getByTestId('bell-count')).toHaveCount(0);
  await expect(otherTab.getByTestId('bell-count')).toHaveCount(0);

  const recorded = await admin.request.post('/api/rounds/record', {
    data: { patient_id: patient, round: { respiration_per_min: '25', spo2_percent: '93', pulse_per_min: '120', temperature_c: '37.8' } },
  });
  expect(recorded.status()).toBe(200);

  const toast = dashboard.getByTestId('toast').first();
  await expect(toast).toContainText('Turing, Alan: NEWS2 7');
  await expect(toast).toContainText('Respiration 25');
  await expect(dashboard.getByTestId('bell-count')).toHaveText('1');
  await expect(otherTab.getByTestId('bell-count')).toHaveText('1');
  await expect(dashboard.getByTestId('bell')).toHaveAttribute('aria-label', 'Notifications: 1 alert unread');
  await expect(toast.getByTestId('priority')).toHaveText('!!!High priority');
  await expect.poll(() => alarms(dashboard), 'the high alert vibrates where it was asked for').toBe(1);
  await expect.poll(() => alarms(otherTab), 'the choice belongs to the device, so the other tab sounds too').toBe(1);
  const card = dashboard.getByTestId('patient-card').filter({ hasText: 'Turing, Alan' });
  await expect(card.getByTestId('priority')).toHaveText('!!!High priority');
  await expect(card).toContainText('NEWS2 7');
  const badge = (await card.getByLabel(/^NEWS2 7/).boundingBox())!;
  const over = (await toast.boundingBox())!;
  const apart = over.x + over.width <= badge.x || badge.x + badge.width <= over.x
    || over.y + over.height <= badge.y || badge.y + badge.height <= over.y;
  expect(apart, 'the toast leaves the NEWS2 it tells of in sight').toBe(true);
  await dashboard.screenshot({ path: 'test-results/notification-toast.png' });

  await dashboard.getByTestId('bell').click();
  await expect(dashboard.getByTestId('notifications')).toContainText('NEWS2 band rose');
  await dashboard.screenshot({ path: 'test-results/notifications-page.png', fullPage: true });
  await dashboard.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(dashboard.getByTestId('bell-count')).toHaveCount(0);
  await expect(otherTab.getByTestId('bell-count')).toHaveCount(0);
  await expect(dashboard.getByTestId('unread-total')).toHaveText('0 unread');

  // An admission is information: it is listed, and the bell shows a dot, not a count.
  const ward = (await (await admin.request.get('/api/patients/get', { params: { id: String(patient) } })).json()).ward_id;
  await admit(admin.request, ward, 'E2E-ALERT-2');
  await expect(dashboard.getByTestId('bell-information')).toBeVisible();
  await expect(dashboard.getByTestId('bell-count')).toHaveCount(0);
  await expect(dashboard.getByTestId('bell')).toHaveAttribute('aria-label', 'Notifications: no alert, 1 for information unread');
  await expect(dashboard.getByTestId('notifications').locator('li').first()).toContainText('iInformation');
  await expect(dashboard.getByTestId('toast').filter({ hasText: 'iInformation' })).toBeVisible();
  expect(await alarms(dashboard), 'information stays silent').toBe(1);

  await adminContext.close();
  await nurseContext.close();
});

test('the settings page saves which kinds to receive @no-js', async ({ page }) => {
  await signIn(page, 'consultant');
  await page.goto('/settings');
  const preferences = page.getByTestId('preferences');
  const admitted = preferences.getByRole('checkbox', { name: /Patient admitted/ });
  await expect(admitted).toBeChecked();
  await admitted.uncheck();
  await preferences.getByRole('button', { name: 'Save' }).click();
  await expect(preferences.getByRole('status')).toHaveText('Saved.');
  await page.goto('/settings');
  await expect(page.getByTestId('preferences').getByRole('checkbox', { name: /Patient admitted/ })).not.toBeChecked();
  await expect(page.getByTestId('preferences').getByRole('checkbox', { name: /Round due/ })).toBeChecked();
  await page.getByTestId('preferences').getByRole('checkbox', { name: /Patient admitted/ }).check();
  await page.getByTestId('preferences').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('preferences').getByRole('status')).toHaveText('Saved.');
  await page.goto('/settings');
  await expect(page.getByTestId('preferences').getByRole('checkbox', { name: /Patient admitted/ })).toBeChecked();
});

test('a clinician sets the phase by hand with a reason and returns it to the rules @no-js', async ({ page }) => {
  await signIn(page, 'nurse');
  const patient = await admit(page.request, await demoWard(page.request), `E2E-PHASE-${test.info().project.name}`);
  await page.goto(`/patients/${patient}`);
  await page.getByText('Set the phase by hand…').click();
  const form = page.getByTestId('set-phase');
  await form.getByLabel('Phase').selectOption('critical');
  await form.getByLabel('Reason').fill('pleural effusion on ultrasound');
  await form.getByRole('button', { name: 'Set phase' }).click();
  await expect(page.getByTestId('phase-banner')).toContainText('Patient is in the critical phase');
  await expect(page.getByTestId('phase-banner')).toContainText('Set by hand by Nurse Linh Pham: pleural effusion on ultrasound');

  await page.getByText('Phase set by hand: change or return to the rules…').click();
  const clear = page.getByTestId('clear-phase');
  await clear.getByLabel('Reason').fill('effusion resolved');
  await clear.getByRole('button', { name: 'Return to the rules' }).click();
  await expect(page.getByTestId('phase-banner')).not.toContainText('Set by hand');
  await expect(page.getByText('effusion resolved')).toBeVisible();
});
