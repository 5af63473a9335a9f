import { randomInt } from 'node:crypto';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { ActiveSession } from '@crm/contracts';
import { LAPTOP_VIEWPORT, PHONE_VIEWPORT, expectFits, login, screenshot } from '../support/browser';
import { DEMO_CEO, WALK_PASSWORD } from '../support/credentials';
import { e2eEnvironment } from '../support/environment';

/**
 * Issue 9's "Sesiones activas" page in a real browser: one person signed in on a laptop and on a phone sees both
 * sessions by browser and system (never an id), with Mexican dates, this one marked; ending the phone's session
 * signs the phone out at its next navigation; the page, the header and the list pages' paging bars fit a 390 px
 * phone. Screenshots of both widths go to tmp/e2e-screens/ for a person to look at.
 */

const env = e2eEnvironment();
const TIME_ZONE = 'America/Mexico_City';
type Device = { userAgent: string; viewport: { width: number; height: number }; device: string };
/** Chrome on a Windows laptop and Safari on an iPhone, as their browsers introduce themselves. */
const LAPTOP: Device = {
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  viewport: LAPTOP_VIEWPORT,
  device: 'Chrome en Windows',
};
const PHONE: Device = {
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
    'Version/17.5 Mobile/15E148 Safari/604.1',
  viewport: PHONE_VIEWPORT,
  device: 'Safari en iOS',
};
/** Ending a session reaches every gateway replica within 5 s (USER_ACCESS_TTL_MS); a second for the page. */
const SIGNED_OUT_WITHIN_MS = 6_000;

const run = `${Date.now().toString(36)}${randomInt(1000, 9999)}`;
/** A user of a company of their own: the list holds exactly the two sessions this walk opens. */
const USER = {
  company: `Bienes Raíces Sesiones ${run}`,
  name: 'Paula Sesiones',
  email: `paula.${run}@sesiones.crmventas.test`,
  password: WALK_PASSWORD,
};

/** The app's es-MX date and time, computed here on our own: `26 nov 2026, 21:58`. */
function mexicanDateTime(iso: string): string {
  return new Intl.DateTimeFormat('es-MX', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: TIME_ZONE,
  }).format(new Date(iso));
}

function openContext(browser: Browser, device: Device): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: env.gatewayUrl,
    locale: 'es-MX',
    timezoneId: TIME_ZONE,
    userAgent: device.userAgent,
    viewport: device.viewport,
  });
}

async function listSessions(page: Page): Promise<ActiveSession[]> {
  const response = await page.request.get('/crm/auth/sessions');
  expect(response.status()).toBe(200);
  return (await response.json()) as ActiveSession[];
}

test.describe.serial('Issue 9: active sessions on a laptop and a phone', () => {
  let laptopContext: BrowserContext;
  let phoneContext: BrowserContext;
  let laptop: Page;
  let phone: Page;

  test.beforeAll(async ({ browser }) => {
    laptopContext = await openContext(browser, LAPTOP);
    phoneContext = await openContext(browser, PHONE);
    laptop = await laptopContext.newPage();
    phone = await phoneContext.newPage();
  });

  test.afterAll(async () => {
    await laptopContext?.close();
    await phoneContext?.close();
  });

  test('signed in on a laptop and a phone, the sessions page lists both by browser and system, this one marked', async () => {
    await laptop.goto('/signup');
    await laptop.getByTestId('signup-company').fill(USER.company);
    await laptop.getByTestId('signup-name').fill(USER.name);
    await laptop.getByTestId('signup-email').fill(USER.email);
    await laptop.getByTestId('signup-password').fill(USER.password);
    await laptop.getByTestId('signup-submit').click();
    await expect(laptop.getByTestId('user-name')).toHaveText(USER.name);
    await login(phone, USER);

    // From the header: the user's name opens their sessions.
    await laptop.getByTestId('user-name').click();
    await expect(laptop).toHaveURL(/\/sessions$/);
    await expect(laptop.getByRole('heading', { level: 1 })).toHaveText('Sesiones activas');

    const sessions = await listSessions(laptop);
    expect(sessions).toHaveLength(2);
    const laptopSession = sessions.find((session) => session.current)!;
    const phoneSession = sessions.find((session) => !session.current)!;
    expect(laptopSession.userAgent).toBe(LAPTOP.userAgent);
    expect(phoneSession.userAgent).toBe(PHONE.userAgent);

    const rows = laptop.locator('[data-testid^="session-"][data-current]');
    await expect(rows).toHaveCount(2);
    for (const [session, device, current] of [
      [laptopSession, LAPTOP.device, true],
      [phoneSession, PHONE.device, false],
    ] as const) {
      const row = laptop.getByTestId(`session-${session.id}`);
      await expect(row).toHaveAttribute('data-current', String(current));
      await expect(row).toContainText(device);
      await expect(row).toContainText(`Iniciada: ${mexicanDateTime(session.createdAt)}`);
      await expect(row).toContainText(
        session.lastSeenAt ? `Último uso: ${mexicanDateTime(session.lastSeenAt)}` : 'Aún sin uso',
      );
      await expect(row.getByText('Esta sesión', { exact: true })).toHaveCount(current ? 1 : 0);
      await expect(row.getByRole('button', { name: `Cerrar esta sesión (${device})` })).toBeVisible();
      // What a person reads: no ids, no raw User-Agent, no ISO timestamps.
      const text = await row.innerText();
      for (const raw of [session.id, session.userAgent!, session.createdAt, 'Mozilla', 'undefined', '{{'])
        expect(text).not.toContain(raw);
    }
    await expect(laptop.getByRole('main').getByTestId('logout-everywhere')).toHaveText(
      'Cerrar sesión en todos los dispositivos',
    );
    await expectFits(laptop, 'the sessions page');
    await screenshot(laptop, 'sessions-1440');

    // The phone sees the same two, itself marked, and the page and header fit its 390 px.
    await phone.getByTestId('my-sessions').click();
    await expect(phone).toHaveURL(/\/sessions$/);
    await expect(phone.getByTestId(`session-${phoneSession.id}`)).toHaveAttribute('data-current', 'true');
    await expect(phone.getByTestId(`session-${laptopSession.id}`)).toContainText(LAPTOP.device);
    await expect(phone.getByTestId(`session-${phoneSession.id}`)).toContainText('Esta sesión');
    await expectFits(phone, 'the sessions page');
    await screenshot(phone, 'sessions-390');
  });

  test("ending the phone's session on the laptop signs the phone out at its next navigation", async () => {
    const [phoneSession] = (await listSessions(laptop)).filter((session) => !session.current);
    const ended = laptop.waitForResponse((response) =>
      response.url().endsWith(`/crm/auth/sessions/${phoneSession.id}`),
    );
    await laptop.getByRole('button', { name: `Cerrar esta sesión (${PHONE.device})` }).click();
    expect((await ended).status()).toBe(204);
    await expect(laptop.getByTestId(`session-${phoneSession.id}`)).toHaveCount(0);
    await expect(laptop.locator('[data-testid^="session-"][data-current="true"]')).toHaveCount(1);

    const started = Date.now();
    await expect(async () => {
      await phone.goto('/leads');
      await expect(phone.getByTestId('login-email')).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: SIGNED_OUT_WITHIN_MS });
    expect(Date.now() - started).toBeLessThan(SIGNED_OUT_WITHIN_MS);
    await expect(phone).toHaveURL(/\/login/);
    // Not only the page: the phone's cookie no longer opens the API.
    expect((await phone.request.get('/crm/auth/me')).status()).toBe(401);
    // The laptop is still signed in.
    await laptop.reload();
    await expect(laptop.locator('[data-testid^="session-"][data-current]')).toHaveCount(1);
  });

  test('ending this session signs this browser out', async () => {
    const [current] = await listSessions(laptop);
    await laptop.getByTestId(`session-end-${current.id}`).click();
    await expect(laptop).toHaveURL(/\/login/);
    await expect(laptop.getByTestId('login-email')).toBeVisible();
    expect((await laptop.request.get('/crm/auth/me')).status()).toBe(401);
  });

  test("the leads and clients paging bars fit a 390 px phone with the demo tenant's data", async () => {
    await login(phone, DEMO_CEO);
    for (const [path, ready, name] of [
      ['/leads', 'leads-table', 'leads-390'],
      ['/clients', 'clients-table', 'clients-390'],
    ] as const) {
      await phone.goto(path);
      await expect(phone.getByTestId(ready)).toBeVisible();
      const bar = phone.getByRole('navigation', { name: 'Paginación' });
      await expect(bar).toBeVisible();
      await expect(bar).toContainText(/Mostrando 1–\d+ de [\d,]+/);
      await expect(bar).toContainText(/Página 1 de [\d,]+/);
      await expect(bar.getByRole('button', { name: 'Siguiente' })).toBeVisible();
      await expectFits(phone, path);
      // Both buttons inside the bar's padding, and the page number on one line.
      const barBox = (await bar.boundingBox())!;
      for (const button of await bar.getByRole('button').all()) {
        const box = (await button.boundingBox())!;
        expect(box.x, path).toBeGreaterThanOrEqual(barBox.x + 8);
        expect(box.x + box.width, path).toBeLessThanOrEqual(barBox.x + barBox.width - 8);
      }
      const position = (await bar.getByText(/^Página /).boundingBox())!;
      expect(position.height, `${path}: the page number wraps`).toBeLessThan(30);
      await bar.scrollIntoViewIfNeeded();
      await screenshot(phone, name, { fullPage: false });
    }
  });
});
