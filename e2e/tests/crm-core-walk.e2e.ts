import { randomInt } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SANDBOX_IDS, listAds } from '@crm/meta-sandbox';
import { connectMetaThroughSandbox, login, logout, type Credentials } from '../support/browser';
import { e2eEnvironment } from '../support/environment';

/**
 * Issue 6's "Done when" walk, as far as the UI goes today: a company signs up, gets setters and leads, round-robin
 * shares the leads, a setter sees only theirs, the ceo wins an opportunity on the kanban and records its sale, the
 * dashboard shows it, and a Click-to-WhatsApp message to the company's number becomes its lead.
 *
 * Steps still missing from the UI are marked `WALK:` where they slot in; `addSetter` and `importLeads` are the one
 * place each to swap for the Users page (/settings) and the CSV import.
 */

const env = e2eEnvironment();
test.use({ baseURL: env.gatewayUrl });

const run = `${Date.now().toString(36)}${randomInt(1000, 9999)}`;
const PASSWORD = 'Ventas2026seguro';
const COMPANY = `Inmobiliaria Paseo ${run}`;
const CEO = { name: 'Carla Directora', email: `carla.${run}@paseo.crmventas.test`, password: PASSWORD };
type Seller = Credentials & { name: string; id?: string };
const SETTERS: Seller[] = [
  { name: 'Sergio Prospecta', email: `sergio.${run}@paseo.crmventas.test`, password: PASSWORD },
  { name: 'Sofía Prospecta', email: `sofia.${run}@paseo.crmventas.test`, password: PASSWORD },
];
/** Ten random digits after +52 1: unique per run, so a rerun against the same database never collides. */
const phone = () => `+521${randomInt(10_000, 99_999)}${randomInt(10_000, 99_999)}`;
type LeadRow = { name: string; phone: string; email?: string; id?: string; setter?: string };
const LEADS: LeadRow[] = [
  { name: `Andrea Ríos ${run}`, phone: phone(), email: `andrea.${run}@example.mx` },
  { name: `Bruno Salas ${run}`, phone: phone() },
  { name: `Claudia Vega ${run}`, phone: phone(), email: `claudia.${run}@example.mx` },
  { name: `Diego Luna ${run}`, phone: phone() },
];
const WON = { title: 'Departamento en Polanco', value: '118422.56', shown: '$118,422.56' };
const OPEN = { title: 'Casa en Coyoacán', value: '25000', shown: '$25,000.00' };

/**
 * Adds a setter to the signed-in ceo's company.
 * WALK: the Users page is being built at /settings; swap this API call (made with the browser's session) for its
 * form (name, email, role setter, password) and keep the returned id.
 */
async function addSetter(page: Page, setter: Seller): Promise<string> {
  const response = await page.request.post('/crm/users', {
    data: { name: setter.name, email: setter.email, role: 'setter', password: setter.password },
  });
  expect(response.status(), await response.text()).toBe(201);
  const user = (await response.json()) as { id: string; role: string; active: boolean };
  expect(user).toMatchObject({ role: 'setter', active: true });
  return user.id;
}

/**
 * Brings leads into the signed-in user's company through the Leads page, one "New lead" form each; returns their ids
 * in order.
 * WALK: swap for the CSV import (200 rows, progress visible, rejects reported and downloadable) once it exists.
 */
async function importLeads(page: Page, rows: LeadRow[]): Promise<string[]> {
  await page.getByTestId('nav-leads').click();
  const ids: string[] = [];
  for (const row of rows) {
    await page.getByTestId('new-lead-button').click();
    const dialog = page.getByTestId('new-lead-dialog');
    await dialog.getByTestId('new-lead-name').fill(row.name);
    await dialog.getByTestId('new-lead-phone').fill(row.phone);
    if (row.email) await dialog.getByTestId('new-lead-email').fill(row.email);
    const created = page.waitForResponse(
      (response) => response.url().endsWith('/crm/leads') && response.request().method() === 'POST',
    );
    await dialog.getByTestId('new-lead-submit').click();
    const response = await created;
    expect(response.status(), await response.text()).toBe(201);
    ids.push(((await response.json()) as { id: string }).id);
    await expect(page.getByTestId('new-lead-notice')).toContainText(row.name);
    await expect(dialog).toHaveCount(0);
  }
  return ids;
}

/**
 * Finds a lead on the Leads page by its (unique) phone and opens its detail. Waits for the search to be applied
 * before clicking, as a person does: a click inside the search's 300 ms debounce can be undone by it.
 */
async function openLead(page: Page, lead: LeadRow): Promise<Locator> {
  await page.getByTestId('nav-leads').click();
  await page.getByTestId('leads-search').fill(lead.phone);
  await expect(page).toHaveURL(/[?&]search=/);
  await expect(page.getByTestId('leads-table')).toHaveAttribute('data-total', '1');
  await page.getByTestId(`lead-row-${lead.id}`).getByRole('button', { name: lead.name }).click();
  const detail = page.getByTestId('lead-detail');
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(lead.name);
  return detail;
}

/** The "Asignado a" value of the open lead detail. */
function assignee(detail: Locator): Locator {
  return detail.locator('xpath=.//dt[normalize-space()="Asignado a"]/following-sibling::dd[1]');
}

/** Presses the mouse on `source`, moves it over `target` in steps, and releases it: a real HTML5 drag. */
async function pointerDrag(page: Page, source: Locator, target: Locator): Promise<void> {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('drag source or target is not on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + 12);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + 24, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

test.describe.serial("Issue 6 walk: a new company's first day in CRM Ventas", () => {
  test.afterAll(async ({ browser }) => {
    // The sandbox has one WhatsApp Business account, and a WABA belongs to one connected tenant at a time: free it
    // for the other specs even when the Click-to-WhatsApp step failed half-way.
    const page = await browser.newPage({ baseURL: env.gatewayUrl });
    try {
      const signedIn = await page.request.post('/crm/auth/login', {
        data: { email: CEO.email, password: CEO.password },
      });
      if (signedIn.ok()) await page.request.post('/crm/auth/meta/disconnect');
    } finally {
      await page.close();
    }
  });

  test('a company signs up, adds two setters, and round-robin shares its new leads between them', async ({
    page,
  }) => {
    await page.goto('/signup');
    await page.getByTestId('signup-company').fill(COMPANY);
    await page.getByTestId('signup-name').fill(CEO.name);
    await page.getByTestId('signup-email').fill(CEO.email);
    await page.getByTestId('signup-password').fill(CEO.password);
    await expect(page.getByTestId('signup-currency')).toHaveValue('MXN');
    await page.getByTestId('signup-submit').click();
    await expect(page.getByTestId('tenant-name')).toHaveText(COMPANY);
    await expect(page.getByTestId('user-name')).toHaveText(CEO.name);
    await expect(page.getByTestId('user-role')).toHaveAttribute('data-role', 'ceo');
    await expect(page.getByTestId('nav-sellers')).toBeVisible();

    for (const setter of SETTERS) setter.id = await addSetter(page, setter);

    const ids = await importLeads(page, LEADS);
    LEADS.forEach((lead, index) => (lead.id = ids[index]));
    // The Leads page lists exactly this company's leads (none of the demo tenant's).
    await page.getByTestId('leads-search').fill('');
    await expect(page.getByTestId('leads-table')).toHaveAttribute('data-total', String(LEADS.length));

    // Round-robin: every lead went to a setter, alternately, never to the ceo who typed them in.
    for (const lead of LEADS) {
      const detail = await openLead(page, lead);
      await expect(assignee(detail)).not.toHaveText('');
      const name = (await assignee(detail).innerText()).trim();
      expect(SETTERS.map((setter) => setter.name)).toContain(name);
      lead.setter = name;
    }
    for (let index = 1; index < LEADS.length; index += 1) {
      expect(LEADS[index].setter, `lead ${index + 1} goes to the other setter`).not.toBe(
        LEADS[index - 1].setter,
      );
    }

    await page.getByTestId('nav-sellers').click();
    for (const setter of SETTERS) {
      const row = page.getByTestId(`seller-row-${setter.id}`);
      await expect(row).toContainText(setter.name);
      await expect(row.locator('td').nth(2)).toHaveText(String(LEADS.length / SETTERS.length));
    }
    await logout(page);
  });

  test('a setter sees only the leads assigned to them', async ({ page }) => {
    const setter = SETTERS[0];
    const theirs = LEADS.filter((lead) => lead.setter === setter.name);
    const others = LEADS.filter((lead) => lead.setter !== setter.name);
    expect(theirs.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);

    await login(page, setter);
    await expect(page.getByTestId('user-role')).toHaveAttribute('data-role', 'setter');
    await expect(page.getByTestId('tenant-name')).toHaveText(COMPANY);
    await page.getByTestId('nav-leads').click();
    const table = page.getByTestId('leads-table');
    await expect(table).toHaveAttribute('data-total', String(theirs.length));
    for (const lead of theirs) await expect(page.getByTestId(`lead-row-${lead.id}`)).toContainText(lead.name);
    for (const lead of others) await expect(page.getByTestId(`lead-row-${lead.id}`)).toHaveCount(0);
    // Searching for another setter's lead finds nothing either.
    await page.getByTestId('leads-search').fill(others[0].phone);
    await expect(page.getByTestId('leads-table')).toHaveCount(0);
    await expect(page.getByText('Ningún lead coincide')).toBeVisible();
    // WALK: Chats — the setter answers a contact's WhatsApp message (after the CTWA step has a conversation).
  });

  test('the ceo creates opportunities, drags one to won on the kanban and records its sale', async ({
    page,
  }) => {
    const [wonLead, openLeadRow] = LEADS;
    await login(page, CEO);
    await page.getByTestId('nav-opportunities').click();

    const create = async (lead: LeadRow, opportunity: { title: string; value: string }) => {
      await page.getByTestId('new-opportunity-button').click();
      const dialog = page.getByTestId('new-opportunity-dialog');
      await dialog.getByTestId('new-opportunity-lead-search').fill(lead.name);
      await expect(dialog.getByTestId('new-opportunity-lead')).toHaveValue(lead.id!);
      await expect(dialog.getByTestId('new-opportunity-currency')).toHaveValue('MXN');
      await dialog.getByTestId('new-opportunity-title').fill(opportunity.title);
      await dialog.getByTestId('new-opportunity-value').fill(opportunity.value);
      await dialog.getByTestId('new-opportunity-submit').click();
      await expect(page.getByTestId('opportunities-notice')).toContainText(opportunity.title);
      await expect(dialog).toHaveCount(0);
    };
    await create(wonLead, WON);
    await create(openLeadRow, OPEN);

    const pendingColumn = page.getByTestId('board-column-pending');
    const wonColumn = page.getByTestId('board-column-won');
    await expect(pendingColumn.getByTestId('column-count')).toHaveText('2 oportunidades');
    await expect(pendingColumn.getByTestId('column-totals')).toHaveText('$143,422.56');
    const card = pendingColumn.getByTestId('opportunity-card').filter({ hasText: WON.title });
    await expect(card).toContainText(wonLead.name);
    await expect(card).toContainText(WON.shown);

    await pointerDrag(page, card, wonColumn);
    const saleDialog = page.getByTestId('record-sale-dialog');
    await expect(saleDialog).toContainText(WON.title);
    await expect(saleDialog.getByRole('spinbutton')).toHaveValue(WON.value);
    await saleDialog.getByRole('button', { name: 'Registrar venta' }).click();
    await expect(page.getByTestId('opportunities-notice')).toHaveText('Venta registrada.');

    await expect(wonColumn.getByTestId('opportunity-card')).toHaveCount(1);
    await expect(wonColumn.getByTestId('opportunity-card')).toContainText(WON.title);
    await expect(wonColumn.getByTestId('column-totals')).toHaveText(WON.shown);
    await expect(pendingColumn.getByTestId('column-count')).toHaveText('1 oportunidad');
    await expect(pendingColumn.getByTestId('column-totals')).toHaveText(OPEN.shown);

    // The sale, seen where a sales manager looks for it: the lead, the clients and the seller's revenue.
    const detail = await openLead(page, wonLead);
    const sales = detail.locator('[data-testid^="sale-"]');
    await expect(sales).toHaveCount(1);
    await expect(sales).toContainText(WON.shown);
    await expect(sales).toContainText('Completada');
    await expect(detail.locator('[data-testid^="opportunity-"]')).toContainText('Ganada');
    // WALK: Lead 360 — the timeline shows created, assigned, opportunity won and the sale, in order.

    await page.getByTestId('nav-clients').click();
    const client = page.getByTestId(`client-row-${wonLead.id}`);
    await expect(client).toContainText(wonLead.name);
    await expect(client).toContainText(WON.shown);
    await expect(page.locator('[data-testid^="client-row-"]')).toHaveCount(1);

    await page.getByTestId('nav-sellers').click();
    const seller = SETTERS.find((setter) => setter.name === wonLead.setter)!;
    const other = SETTERS.find((setter) => setter.name !== wonLead.setter)!;
    await expect(page.getByTestId(`seller-row-${seller.id}`).locator('td').nth(4)).toHaveText(WON.shown);
    await expect(page.getByTestId(`seller-row-${other.id}`).locator('td').nth(4)).not.toContainText('$');
  });

  test('the dashboard shows the won revenue in Mexican format and the pipeline counts', async ({ page }) => {
    await login(page, CEO);
    await page.getByTestId('nav-dashboard').click();
    await expect(page.getByTestId('dashboard-revenue')).toContainText(WON.shown);
    await expect(page.getByTestId('dashboard-revenue')).toContainText('vs. $0.00 el mes pasado');
    await expect(page.getByTestId('dashboard-open-pipeline')).toHaveText(
      new RegExp(`^Oportunidades pendientes\\s*1\\s*\\${OPEN.shown}$`),
    );
    await expect(page.getByTestId('dashboard-status-won')).toHaveText(
      new RegExp(`^Ganada · 1\\s*\\${WON.shown}$`),
    );
    await expect(page.getByTestId('dashboard-status-pending')).toHaveText(
      new RegExp(`^Pendiente · 1\\s*\\${OPEN.shown}$`),
    );
    await expect(page.getByTestId('dashboard-status-lost')).toHaveText(/^Perdida · 0\s*—$/);
    await expect(page.getByTestId('dashboard-leads-total')).toHaveText(
      new RegExp(`^Leads nuevos \\(30 días\\)\\s*${LEADS.length}$`),
    );
    // WALK: Marketing Hub — after the CTWA lead's sale, the campaign row shows the new revenue.
  });

  test("a Click-to-WhatsApp message to the company's number becomes its lead, attributed to the ad", async ({
    page,
  }) => {
    const ad = listAds().find(
      (candidate) =>
        candidate.kind === 'click_to_whatsapp' && candidate.adAccountId === SANDBOX_IDS.adAccountId,
    )!;
    const phoneNumberId = SANDBOX_IDS.phoneNumberIds[1];
    await login(page, CEO);
    await connectMetaThroughSandbox(page, { phoneNumberId });

    const from = phone().slice(1);
    const contact = `Lucía Clic ${run}`;
    const emitted = await page.request.post(`${env.sandboxUrl}/_sandbox/ctwa`, {
      data: { from, name: contact, adId: ad.adId, phoneNumberId, text: 'Hola, ¿sigue disponible?' },
    });
    expect(emitted.status()).toBe(200);
    expect(((await emitted.json()) as { delivered: boolean }).delivered).toBe(true);

    await page.getByTestId('nav-leads').click();
    await page.getByTestId('leads-search').fill(from);
    const row = page.locator('[data-testid^="lead-row-"]').filter({ hasText: contact });
    await expect(async () => {
      await page.reload();
      await expect(row).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expect(row).toContainText(`+${from}`);
    await expect(row).toContainText('Meta Ads');
    await row.getByRole('button').first().click();
    const detail = page.getByTestId('lead-detail');
    await expect(detail).toContainText(contact);
    await expect(detail).toContainText(ad.adId);
    // The fifth new lead: round-robin wraps around to whoever got the first.
    await expect(assignee(detail)).toHaveText(LEADS[0].setter!);
    // WALK: Lead 360 — the AdContextCard shows `ad.adName`, `ad.adsetName`, `ad.campaignName` (never bare ids).

    await page.getByTestId('nav-marketing').click();
    await page.getByTestId('meta-disconnect-button').click();
    await expect(page.getByTestId('meta-status-banner')).toHaveAttribute('data-state', 'disconnected');
  });
});
