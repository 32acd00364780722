import { APIRequestContext, Browser, BrowserContext, expect, Page, test } from '@playwright/test';

/** The demo accounts created by `vitalboard --demo`. */
export const demo = {
  admin: { username: 'admin', password: 'vitalboard-admin', name: 'Dr. Mai Tran', role: 'Administrator' },
  nurse: { username: 'nurse', password: 'vitalboard-nurse', name: 'Nurse Linh Pham', role: 'Clinician' },
  consultant: { username: 'consultant', password: 'vitalboard-consultant', name: 'Dr. Ravi Kumar', role: 'Observer' },
};

export type DemoUser = keyof typeof demo;

/** Passwords and a search term the tests type: none may reach the server's log. */
export const typed = {
  wrongPassword: 'not my password',
  newcomerPassword: 'a long enough password',
  leaverPassword: 'leaving-password-2026',
  bellPassword: 'bell-password-2026',
  search: 'no such patient anywhere',
};

/** Whether this project runs pages with JavaScript (hydrated). */
export function hydrated(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

/** Signs in through the login page and waits for the dashboard. */
export async function signIn(page: Page, who: DemoUser, next = '/') {
  const user = demo[who];
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  if (hydrated()) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  }
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('user-role')).toHaveText(user.role);
  if (hydrated()) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  }
}

/** Every page an administrator can open: the first admitted patient's report (over the day and the stay), the correction of its newest round, a ward's handover and the rest. */
export async function everyPage(request: APIRequestContext): Promise<{ paths: string[]; patient: number }> {
  const list = await (await request.get('/api/patients', { params: { status: 'admitted' } })).json();
  const patient = list.items[0].id;
  const rounds = await (await request.get('/api/rounds', { params: { patient_id: String(patient) } })).json();
  const wards = await (await request.get('/api/wards')).json();
  const paths = [
    '/', '/patients', '/patients/new', `/patients/${patient}`, `/patients/${patient}?span=course`,
    `/patients/${patient}/rounds/${rounds.items[0].id}/correct`, '/notifications', '/settings', '/admin',
    '/api', `/wards/${wards[0].id}/handover`,
  ];
  return { paths, patient };
}

/** Admits a patient to the nurse's ward through the API and returns its id. */
export async function admit(request: APIRequestContext, number: string): Promise<number> {
  const wards = await (await request.get('/api/wards')).json();
  const ward = wards.find((w: { name: string }) => w.name === 'Dengue ward A');
  const response = await request.post('/api/patients/create', {
    data: {
      patient: {
        first_name: 'Grace', last_name: 'Hopper', hospital_number: number, ward_id: String(ward.id),
        sex: 'female', birth_date: '1986-12-09', admitted_at: '2026-11-28T08:00', monitoring_interval_hours: '4',
      },
    },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).id;
}

/** A nurse and a consultant, each in a browser of their own, on the report of a patient newly admitted to the nurse's ward, both live. */
export async function nurseAndConsultant(browser: Browser, number: string): Promise<{
  nurseContext: BrowserContext; consultantContext: BrowserContext; nurse: Page; consultant: Page; patient: number;
}> {
  const nurseContext = await browser.newContext();
  const consultantContext = await browser.newContext();
  const nurse = await nurseContext.newPage();
  const consultant = await consultantContext.newPage();
  await signIn(nurse, 'nurse');
  await signIn(consultant, 'consultant');
  const patient = await admit(nurse.request, number);
  await openReport(nurse, patient);
  await openReport(consultant, patient);
  return { nurseContext, consultantContext, nurse, consultant, patient };
}

/** Opens the report of `patient` and waits until its updates are live. */
export async function openReport(page: Page, patient: number) {
  await page.goto(`/patients/${patient}`);
  await expect(page.getByTestId('connection')).toHaveText('Live');
}
