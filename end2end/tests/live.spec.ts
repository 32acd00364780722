import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { admit, nurseAndConsultant, signIn, typed } from './helpers';

async function recordRound(request: APIRequestContext, patient: number, round: Record<string, string>) {
  const response = await request.post('/api/rounds/record', { data: { patient_id: patient, round } });
  expect(response.status(), await response.text()).toBe(200);
}

async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
}

async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
}

test('two users on one report see each other and each other\'s rounds without reload', async ({ browser }) => {
  const { nurseContext, consultantContext, nurse, consultant, patient } = await nurseAndConsultant(browser, 'E2E-LIVE-1');
  await expect(consultant.getByTestId('viewers')).toHaveText('Also viewing now: Nurse Linh Pham');
  await expect(nurse.getByTestId('viewers')).toHaveText('Also viewing now: Dr. Ravi Kumar');
  await markPage(consultant);
  await expect(consultant.getByTestId('chart-temperature').locator('g.point')).toHaveCount(0);

  await recordRound(nurse.request, patient, { temperature_c: '39.7', pulse_per_min: '123' });
  await expect(consultant.getByTestId('chart-temperature').locator('g.point')).toHaveCount(1);
  await expect(consultant.getByTestId('chart-temperature').locator('g.point')).toHaveAttribute('aria-label', /Temperature 39\.7 °C/);
  await expect(consultant.getByTestId('chart-pulse').locator('g.point')).toHaveAttribute('aria-label', /Pulse 123 \/min/);
  const rounds = consultant.getByTestId('rounds');
  await expect(rounds.locator('tbody tr')).toHaveCount(1);
  await expect(rounds).toContainText('39.7');
  await expect(consultant.getByTestId('latest-values')).toContainText('123');
  await expect(consultant.getByTestId('phase-banner')).toContainText('febrile phase');
  await notReloaded(consultant);
  await consultant.screenshot({ path: 'test-results/live-report-consultant.png', fullPage: true });

  await consultant.close();
  await expect(nurse.getByTestId('viewers')).toHaveText('');
  await nurseContext.close();
  await consultantContext.close();
});

/** A server of this test's own, so it can be stopped and started again. */
class OwnServer {
  private process?: ChildProcess;
  constructor(readonly port: number, private readonly databaseUrl: string) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.process = spawn(process.env.VITALBOARD_BIN ?? 'target/debug/vitalboard', ['--demo'], {
      cwd: '..',
      env: { ...process.env, LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`, DATABASE_URL: this.databaseUrl, RUST_LOG: 'warn' },
      stdio: 'ignore',
    });
    for (let i = 0; i < 600; i++) {
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not start');
  }

  async stop() {
    const exited = new Promise((r) => this.process?.once('exit', r));
    this.process?.kill('SIGTERM');
    await exited;
  }
}

test('the connection shows reconnecting while the server is down and catches up after', async ({ browser }) => {
  const folder = mkdtempSync(join(tmpdir(), 'vitalboard-e2e-'));
  const server = new OwnServer(Number(process.env.E2E_PORT ?? 3100) + 7, `sqlite://${folder}/vitalboard.db`);
  await server.start();
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await signIn(page, 'nurse');
    const patient = await admit(page.request, 'E2E-LIVE-2');
    await page.goto(`/patients/${patient}`);
    await expect(page.getByTestId('connection')).toHaveText('Live');
    await markPage(page);

    await server.stop();
    await expect(page.getByTestId('connection')).toHaveText('Reconnecting…');
    await page.screenshot({ path: 'test-results/live-reconnecting.png' });
    await server.start();
    await recordRound(page.request, patient, { temperature_c: '38.9', respiration_per_min: '26' });

    await expect(page.getByTestId('connection')).toHaveText('Live', { timeout: 60_000 });
    await expect(page.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('latest-values')).toContainText('26');
    await notReloaded(page);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('a burst of 20 rounds recorded elsewhere all appear on an open report', async ({ browser }) => {
  const nurseContext = await browser.newContext();
  const viewerContext = await browser.newContext();
  const nurse = await nurseContext.newPage();
  const viewer = await viewerContext.newPage();
  await signIn(nurse, 'nurse');
  await signIn(viewer, 'consultant');
  const patient = await admit(nurse.request, 'E2E-BURST-1');
  await viewer.goto(`/patients/${patient}`);
  await expect(viewer.getByTestId('connection')).toHaveText('Live');
  await markPage(viewer);

  const rounds = Array.from({ length: 20 }, (_, i) => ({
    measured_at: `2026-11-29T${String(i).padStart(2, '0')}:00`,
    pulse_per_min: String(80 + i),
  }));
  const response = await nurse.request.post('/api/rounds/record-batch', { data: { patient_id: patient, rounds } });
  expect(response.status(), await response.text()).toBe(200);
  await expect(viewer.getByTestId('rounds').locator('tbody tr')).toHaveCount(20);
  await notReloaded(viewer);
  await nurseContext.close();
  await viewerContext.close();
});

test('a user whose account is deactivated is told so on the report left open', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const leaverContext = await browser.newContext();
  const admin = await adminContext.newPage();
  const leaver = await leaverContext.newPage();
  await signIn(admin, 'admin');
  const wards = await (await admin.request.get('/api/wards')).json();
  const ward = wards.find((w: { name: string }) => w.name === 'Dengue ward A');
  const created = await admin.request.post('/api/users/create', {
    data: {
      username: 'e2e.leaver', display_name: 'Nurse Leaving', role: 'clinician',
      ward_ids: [ward.id], password: typed.leaverPassword,
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const account = await created.json();

  await leaver.goto('/login');
  await expect(leaver.locator('body[data-hydrated="true"]')).toBeAttached();
  await leaver.getByLabel('Username').fill('e2e.leaver');
  await leaver.getByLabel('Password').fill(typed.leaverPassword);
  await leaver.getByRole('button', { name: 'Sign in' }).click();
  await expect(leaver.getByTestId('user-role')).toHaveText('Clinician');
  const patient = await admit(leaver.request, 'E2E-LEAVER-1');
  await leaver.goto(`/patients/${patient}`);
  await expect(leaver.getByTestId('connection')).toHaveText('Live');

  const deactivated = await admin.request.post('/api/users/set-active', { data: { id: account.id, active: false } });
  expect(deactivated.status(), await deactivated.text()).toBe(200);
  await expect(leaver.getByTestId('connection')).toHaveText('Your access changed — sign in again');
  await expect(leaver.getByTestId('access-ended')).toContainText('This page has stopped updating.');
  await leaver.screenshot({ path: 'test-results/live-access-ended.png' });
  await leaver.getByTestId('access-ended').getByRole('link', { name: 'Sign in again' }).click();
  await expect(leaver).toHaveURL(/\/login/);

  await adminContext.close();
  await leaverContext.close();
});
