import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { admit, nurseAndConsultant, openReport, signIn } from './helpers';

const ONE_WAITING = '1 round waiting to send — saved on this device';

/** The pulses of the patient's stored rounds, as the server has them. */
async function storedPulses(request: APIRequestContext, patient: number): Promise<number[]> {
  const page = await (await request.get('/api/rounds', { params: { patient_id: String(patient) } })).json();
  return page.items.map((round: { pulse_per_min: number }) => round.pulse_per_min);
}

/** Types a new round with this pulse (breathing air, alert) and saves it. */
async function saveRound(page: Page, pulse: string) {
  await page.getByText('Record a round').click();
  const form = page.getByTestId('record-round');
  await form.getByLabel('Pulse /min', { exact: true }).fill(pulse);
  await form.getByLabel('Temperature °C', { exact: true }).fill('38.4');
  await form.getByRole('radio', { name: 'Air' }).check();
  await form.getByRole('radio', { name: 'A Alert' }).check();
  await form.getByRole('button', { name: 'Save round' }).click();
}

test('a round saved without network waits on the device through a reload and is stored once when the network returns', async ({ browser }) => {
  const { nurseContext, consultantContext, nurse, consultant, patient } = await nurseAndConsultant(browser, 'E2E-OFFLINE-1');

  // The Wi-Fi drops mid-round: the round is kept on the device, the form is free again.
  await nurseContext.setOffline(true);
  await saveRound(nurse, '111');
  const waiting = nurse.getByTestId('waiting-rounds');
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await expect(waiting).toContainText('Hopper, Grace');
  await expect(waiting).toContainText('Pulse 111 /min');
  await expect(nurse.getByTestId('waiting-here')).toHaveText('1 round of this patient saved on this device, waiting to send (listed at the top of the page).');
  await nurse.screenshot({ path: 'test-results/screens/round-waiting-form.png' });
  await waiting.scrollIntoViewIfNeeded();
  await nurse.screenshot({ path: 'test-results/screens/round-waiting.png' });
  await expect(nurse.getByTestId('record-round').getByLabel('Pulse /min', { exact: true })).toHaveValue('');

  // What waits can be edited while it waits.
  await waiting.getByRole('link', { name: 'Edit' }).click();
  const form = nurse.getByTestId('record-round');
  await expect(form.getByTestId('editing-waiting')).toBeVisible();
  await expect(form.getByLabel('Pulse /min', { exact: true })).toHaveValue('111');
  await form.getByLabel('Pulse /min', { exact: true }).fill('112');
  await form.getByRole('button', { name: 'Save round' }).click();
  await expect(form.getByTestId('editing-waiting')).toHaveCount(0);
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await expect(waiting).toContainText('Pulse 112 /min');

  // The network returns, but the answers are lost on the way back: the
  // server stores the round, the device cannot know and keeps it.
  await nurse.route('**/api/rounds/record', async (route) => {
    await route.fetch();
    await route.abort('internetdisconnected');
  });
  await nurseContext.setOffline(false);
  await expect.poll(() => storedPulses(nurse.request, patient)).toEqual([112]);
  await expect(consultant.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);
  await expect(consultant.getByTestId('rounds')).toContainText('112');

  // A reload does not lose it.
  await nurse.reload();
  await expect(nurse.getByTestId('connection')).toHaveText('Live');
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await expect(waiting).toContainText('Pulse 112 /min');

  // Once answers come back, sending it again stores nothing twice.
  await nurse.unroute('**/api/rounds/record');
  await nurseContext.setOffline(true);
  await nurseContext.setOffline(false);
  await expect(waiting).toHaveCount(0);
  await expect(nurse.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);
  expect(await storedPulses(nurse.request, patient)).toEqual([112]);
  await expect(consultant.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);

  await nurseContext.close();
  await consultantContext.close();
});

test('rounds waiting on a device belong to the nurse who typed them and go with a warned sign-out', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'nurse');
  const patient = await admit(page.request, 'E2E-OFFLINE-2');
  await openReport(page, patient);
  await page.route('**/api/rounds/record', (route) => route.abort('internetdisconnected'));
  const waiting = page.getByTestId('waiting-rounds');
  await saveRound(page, '101');
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await saveRound(page, '102');
  await expect(waiting.getByRole('heading')).toHaveText('2 rounds waiting to send — saved on this device');

  // A round typed by mistake is discarded, after a confirmation.
  page.once('dialog', (dialog) => dialog.accept());
  await waiting.getByTestId('waiting-round').filter({ hasText: 'Pulse 102 /min' }).getByRole('button', { name: 'Discard' }).click();
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await expect(waiting).not.toContainText('Pulse 102 /min');

  // The nurse's session ends without signing out; another user signs in on this browser.
  await context.clearCookies();
  await signIn(page, 'admin', `/patients/${patient}`);
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await expect(page.getByRole('heading', { name: 'Hopper, Grace' })).toBeVisible();
  await expect(waiting).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);

  // The nurse finds the round again.
  await signIn(page, 'nurse', `/patients/${patient}`);
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);
  await expect(waiting).toContainText('Pulse 101 /min');

  // Signing out warns that it would be lost; the nurse can stay.
  let warning = '';
  page.once('dialog', (dialog) => {
    warning = dialog.message();
    return dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => warning).toContain('1 round is still waiting to send from this device');
  await expect(page.getByTestId('user-role')).toHaveText('Clinician');
  await expect(waiting.getByRole('heading')).toHaveText(ONE_WAITING);

  // Signing out anyway deletes it from the device.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitalboard.waiting-rounds')))).toEqual([]);
  await signIn(page, 'nurse', `/patients/${patient}`);
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await expect(waiting).toHaveCount(0);
  expect(await storedPulses(page.request, patient)).toEqual([]);
  await context.close();
});
