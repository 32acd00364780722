import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { signIn } from './helpers';

/** Admits a patient to the nurse's ward through the API and returns its id. */
async function admit(request: APIRequestContext, number: string): Promise<number> {
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
  const nurseContext = await browser.newContext();
  const consultantContext = await browser.newContext();
  const nurse = await nurseContext.newPage();
  const consultant = await consultantContext.newPage();
  await signIn(nurse, 'nurse');
  await signIn(consultant, 'consultant');
  const patient = await admit(nurse.request, 'E2E-LIVE-1');

  await nurse.goto(`/patients/${patient}`);
  await consultant.goto(`/patients/${patient}`);
  await expect(nurse.getByTestId('connection')).toHaveText('Live');
  await expect(consultant.getByTestId('connection')).toHaveText('Live');
  await expect(consultant.getByTestId('viewers')).toHaveText('Also viewing now: Nurse Linh Pham');
  await expect(nurse.getByTestId('viewers')).toHaveText('Also viewing now: Dr. Ravi Kumar');
  await markPage(consultant);
  await expect(consultant.getByTestId('chart-temperature').locator('g.point')).toHaveCount(0);

  await recordRound(nurse.request, patient, { temperature_c: '39.7', pulse_per_min: '123' });
  await expect(consultant.getByTestId('chart-temperature').locator('g.point')).toHaveCount(2);
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

    await expect(page.getByTestId('connection')).toHaveText('Live', { timeout: 20_000 });
    await expect(page.getByTestId('rounds').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('latest-values')).toContainText('26');
    await notReloaded(page);
  } finally {
    await context.close();
    await server.stop();
  }
});
