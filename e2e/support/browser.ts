import { expect, type APIRequestContext, type APIResponse, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { SANDBOX_IDS } from '@crm/meta-sandbox';
import { e2eEnvironment } from './environment';

export type Credentials = { email: string; password: string };

/** Signs in through the login form and waits for the app's navigation. */
export async function login(page: Page, who: Credentials): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(who.email);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('nav-dashboard')).toBeVisible();
}

/** Signs out with the header's button and waits for the login form. */
export async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-email')).toBeVisible();
}

/** A query as the database owner (no row-level security): the tests' own, independent view of the data. */
export async function sql<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: e2eEnvironment().databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The signed-in ceo connects the tenant to Meta on the Marketing Hub: the sandbox's consent page, then the setup
 * wizard (portfolio, ad account, WhatsApp number, then the Page step: the Facebook Pages named in `pageNames` are
 * ticked; none by default: no Lead Ads). Ends with the banner connected and the setup complete.
 */
export async function connectMetaThroughSandbox(
  page: Page,
  choice: { phoneNumberId: string; pageNames?: readonly string[] } = {
    phoneNumberId: SANDBOX_IDS.phoneNumberIds[0],
  },
): Promise<void> {
  await page.getByTestId('nav-marketing').click();
  await page.getByTestId('meta-connect-button').click();
  await expect(page.locator('#sandbox-consent-continue')).toBeVisible();
  await page.locator('#sandbox-consent-continue').click();
  await expect(page.getByTestId('meta-message')).toHaveAttribute('data-kind', 'connected');

  await page.getByTestId('wizard-portfolio').selectOption(SANDBOX_IDS.businessId);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-ad-account').selectOption(SANDBOX_IDS.adAccountId);
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-phone-number').selectOption(choice.phoneNumberId);
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('meta-setup-wizard')).toHaveAttribute('data-step', 'pages');
  await expect(page.getByTestId('wizard-finish')).toBeEnabled();
  for (const name of choice.pageNames ?? []) {
    const box = page.getByTestId('wizard-pages').getByRole('checkbox', { name });
    await box.check();
    await expect(box).toBeChecked();
  }
  await page.getByTestId('wizard-finish').click();
  const banner = page.getByTestId('meta-status-banner');
  await expect(banner).toHaveAttribute('data-state', 'connected');
  await expect(banner).toHaveAttribute('data-setup-complete', 'true');
}

/**
 * The signed-in user's tenant disconnects from Meta through the API, freeing the sandbox's WhatsApp Business account
 * and Pages for the next spec. A JSON body: the gateway refuses a POST with neither an Origin nor a JSON content type.
 */
export function disconnectMeta(request: APIRequestContext): Promise<APIResponse> {
  return request.post('/crm/auth/meta/disconnect', { data: {} });
}

/**
 * A serial walk's `afterAll` for its one signed-in page: disconnect from Meta (see `disconnectMeta`), then close the
 * page even when that fails. Nothing to do when `beforeAll` failed before the page was opened.
 */
export async function disconnectMetaAndClose(page: Page | undefined): Promise<void> {
  if (!page) return;
  try {
    const disconnected = await disconnectMeta(page.request);
    expect(disconnected.ok(), await disconnected.text()).toBe(true);
  } finally {
    await page.close();
  }
}

/** A phone's viewport (390 px, an iPhone 12–15) and a laptop's. */
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;
export const LAPTOP_VIEWPORT = { width: 1440, height: 900 } as const;

/**
 * What on the page does not fit its width: the page itself when it scrolls sideways, and every visible button or
 * link whose text is cut (wider than its box) or whose icon was squeezed to nothing. A script string: this project's TypeScript has no DOM types.
 */
const LAYOUT_FAULTS = `(() => {
  const faults = [];
  if (document.documentElement.scrollWidth > window.innerWidth)
    faults.push('the page is ' + document.documentElement.scrollWidth + ' px wide in ' + window.innerWidth + ' px');
  for (const element of document.querySelectorAll('button, a, [role="button"]')) {
    if (element.getClientRects().length === 0 || getComputedStyle(element).visibility === 'hidden') continue;
    if (element.scrollWidth > element.clientWidth + 1)
      faults.push('cut: "' + (element.innerText || element.getAttribute('aria-label') || '').trim() + '" (' +
        element.scrollWidth + ' px of text in ' + element.clientWidth + ' px)');
    for (const icon of element.querySelectorAll('svg'))
      if (icon.getBoundingClientRect().width < 4)
        faults.push('squeezed icon in "' + (element.innerText || element.getAttribute('aria-label') || '').trim() + '"');
  }
  return faults;
})()`;

/** Asserts the page fits its current width: no sideways scroll, no button or link with its text cut. */
export async function expectFits(page: Page, what: string): Promise<void> {
  const faults = (await page.evaluate(LAYOUT_FAULTS)) as string[];
  expect(faults, `${what} at ${page.viewportSize()?.width} px`).toEqual([]);
}

/** The little of the DOM that `cutFaults` reads (this project's TypeScript has no DOM types). */
type ShownElement = {
  tagName: string;
  scrollWidth: number;
  clientWidth: number;
  parentElement: ShownElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number };
};
type ShownWindow = { innerWidth: number; getComputedStyle(element: ShownElement): { overflowX: string } };

/**
 * What keeps an element from being read whole where it stands: its text cut by its own box, its box past the window's
 * sides, or a box around it that clips (a table region) cutting it or scrolling sideways. Runs in the page: it uses
 * nothing from outside itself.
 */
function cutFaults(element: ShownElement, mayScroll: boolean): string[] {
  const view = globalThis as unknown as ShownWindow;
  const faults: string[] = [];
  const box = element.getBoundingClientRect();
  if (box.left < 0 || box.right > view.innerWidth + 0.5)
    faults.push(`past the window: ${Math.round(box.left)}–${Math.round(box.right)} px of ${view.innerWidth}`);
  if (element.scrollWidth > element.clientWidth + 1)
    faults.push(`text cut: ${element.scrollWidth} px of text in ${element.clientWidth} px`);
  for (let around = element.parentElement; around; around = around.parentElement) {
    if (view.getComputedStyle(around).overflowX === 'visible') continue;
    const name = `${around.tagName.toLowerCase()} "${around.getAttribute('aria-label') ?? ''}"`;
    const clip = around.getBoundingClientRect();
    if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) faults.push(`cut by ${name}`);
    if (!mayScroll && around.scrollWidth > around.clientWidth + 1)
      faults.push(`${name} scrolls sideways (${around.scrollWidth} px in ${around.clientWidth} px)`);
  }
  return faults;
}

/**
 * Asserts the element is visible and shown whole, with nothing to scroll sideways to read it (see cutFaults);
 * `mayScroll`: a box around it may scroll sideways for other content, as long as the element is in view unscrolled.
 */
export async function expectUncut(locator: Locator, what: string, { mayScroll = false } = {}): Promise<void> {
  await expect(locator).toBeVisible();
  // The function itself goes to the page (a wrapper calling it would not find it there).
  const faults = await locator.evaluate(
    cutFaults as unknown as (element: unknown, scroll: boolean) => string[],
    mayScroll,
  );
  expect(faults, `${what} at ${locator.page().viewportSize()?.width} px`).toEqual([]);
}

/** A screenshot in tmp/e2e-screens/<name>.png for a person to look at: the whole page, or what is on screen. */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  const dir = join(__dirname, '../../tmp/e2e-screens');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}
