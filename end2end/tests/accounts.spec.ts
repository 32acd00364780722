import { expect, test } from '@playwright/test';
import { demo, DemoUser, hydrated, signIn, typed } from './helpers';

for (const who of Object.keys(demo) as DemoUser[]) {
  test(`${who} signs in, sees the role in the header and signs out @no-js`, async ({ page }) => {
    await signIn(page, who);
    await expect(page.getByTestId('user-badge')).toContainText(`Signed in as ${demo[who].name}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=\/$/);
  });
}

test('a wrong password says so and keeps the user on the login page @no-js', async ({ page }) => {
  await page.goto('/login');
  if (hydrated()) {
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  }
  await page.getByLabel('Username').fill('nurse');
  await page.getByLabel('Password').fill(typed.wrongPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: `test-results/screens/login-error-${test.info().project.name}.png` });
});

test('a page asked for before signing in opens after signing in @no-js', async ({ page }) => {
  await page.goto('/api');
  await expect(page).toHaveURL(/\/login\?next=\/api$/);
  await signIn(page, 'nurse', '/api');
  await expect(page).toHaveURL(/\/api$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API');
});

test('an observer does not see Administration and is refused at its address @no-js', async ({ page }) => {
  await signIn(page, 'consultant');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Administration' })).toHaveCount(0);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId('refused')).toContainText('for administrators only');
});

test('an administrator creates a user who can then sign in', async ({ page, browser }) => {
  await signIn(page, 'admin');
  await page.goto('/admin');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByText('New user').click();
  const form = page.getByTestId('new-user');
  await form.getByLabel('Username').fill('nurse.hoa');
  await form.getByLabel('Full name').fill('Nurse Hoa Le');
  await form.getByLabel('Role').selectOption('clinician');
  await form.getByLabel('Dengue ward A').check();
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(form.getByRole('alert')).toContainText('Password: must be at least 10 characters');

  await form.getByLabel('Initial password').fill(typed.newcomerPassword);
  await form.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByTestId('user-nurse.hoa')).toContainText('Dengue ward A');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: 'test-results/screens/admin-1280.png', fullPage: true });

  const other = await browser.newContext();
  const newcomer = await other.newPage();
  await newcomer.goto('/login');
  await expect(newcomer.locator('body[data-hydrated="true"]')).toBeAttached();
  await newcomer.getByLabel('Username').fill('Nurse.Hoa');
  await newcomer.getByLabel('Password').fill(typed.newcomerPassword);
  await newcomer.getByRole('button', { name: 'Sign in' }).click();
  await expect(newcomer.getByTestId('user-badge')).toContainText('Nurse Hoa Le');
  await other.close();
});

test('an API token is shown once after it is created', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByText('New API token').click();
  const form = page.getByTestId('new-token-form');
  await form.getByLabel('Name (what uses it)').fill('Bedside monitor gateway');
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(form.getByRole('alert')).toContainText('Wards: choose at least one ward');
  await form.getByLabel('Dengue ward A').check();
  await form.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByTestId('new-token');
  await expect(created).toContainText('Copy it now');
  const token = (await created.locator('code').textContent()) ?? '';
  expect(token).toMatch(/^vb_[0-9a-f]{64}$/);
  const wards = await page.request.get('/api/wards', { headers: { Authorization: `Bearer ${token}` } });
  expect(wards.status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId('tokens')).toContainText('Bedside monitor gateway');
  await expect(page.locator('body')).not.toContainText(token);
});
