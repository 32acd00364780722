import { expect, Page, test } from '@playwright/test';

/** The demo accounts created by `vitalboard --demo`. */
export const demo = {
  admin: { username: 'admin', password: 'vitalboard-admin', name: 'Dr. Mai Tran', role: 'Administrator' },
  nurse: { username: 'nurse', password: 'vitalboard-nurse', name: 'Nurse Linh Pham', role: 'Clinician' },
  consultant: { username: 'consultant', password: 'vitalboard-consultant', name: 'Dr. Ravi Kumar', role: 'Observer' },
};

export type DemoUser = keyof typeof demo;

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
