import { APIRequestContext, expect, Page, test } from '@playwright/test';

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
