import { randomInt } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  connectMetaThroughSandbox,
  disconnectMetaAndClose,
  expectFits,
  expectUncut,
  LAPTOP_VIEWPORT,
  PHONE_VIEWPORT,
  screenshot,
} from '../support/browser';
import { DEMO_CEO } from '../support/credentials';
import { e2eEnvironment } from '../support/environment';

/**
 * Issue 7's "Done when" for HSM Automation, driven where the ceo works: the rule cards and the live log on the HSM
 * page, the templates page's form and the rule editor. Leads, opportunities and sales come through the API (as the
 * other walks record them); WhatsApp is the Meta sandbox, whose message list is the test's independent view.
 */

const env = e2eEnvironment();
test.use({ baseURL: env.gatewayUrl });

const CEO = DEMO_CEO;
const run = `${Date.now().toString(36)}${randomInt(1000, 9999)}`;
/** Ten random digits after +52 1: one contact per scenario (the frequency cap is per contact). */
const phone = () => `+521${randomInt(10_000, 99_999)}${randomInt(10_000, 99_999)}`;
const digits = (e164: string) => e164.slice(1);

type SandboxMessage = {
  to: string;
  template?: { name: string; language: string; category: string; params?: unknown[] };
};
type LogItem = {
  id: string;
  ruleKey: string;
  leadId: string;
  status: string;
  error: { reason?: string } | null;
};

async function messagesTo(request: APIRequestContext, to: string): Promise<SandboxMessage[]> {
  const response = await request.get(`${env.sandboxUrl}/_sandbox/messages?to=${digits(to)}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { data: SandboxMessage[] }).data;
}

async function createLead(page: Page, name: string, leadPhone: string): Promise<string> {
  const created = await page.request.post('/crm/leads', {
    data: { name, phone: leadPhone, leadSource: 'MANUAL' },
  });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

async function recordSale(page: Page, leadId: string): Promise<string> {
  const sold = await page.request.post('/crm/sales', { data: { leadId, amount: 12500, currency: 'MXN' } });
  expect(sold.status(), await sold.text()).toBe(201);
  return ((await sold.json()) as { id: string }).id;
}

async function logsOfLead(page: Page, leadId: string): Promise<LogItem[]> {
  const response = await page.request.get('/crm/marketing/automation-logs?pageSize=100');
  expect(response.status()).toBe(200);
  return ((await response.json()) as { items: LogItem[] }).items.filter((item) => item.leadId === leadId);
}

/**
 * Signs the ceo in once for the whole file (the login limiter counts attempts per account, IP and network, and the
 * specs before this one sign the same ceo in): on a 429 it waits out the answer's `Retry-After` once.
 */
async function signIn(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const response = await page.request.post('/crm/auth/login', { data: CEO });
    if (response.ok()) return;
    if (response.status() !== 429 || attempt > 2) {
      throw new Error(`login answered ${response.status()}: ${await response.text()}`);
    }
    await page.waitForTimeout((Number(response.headers()['retry-after'] ?? 60) + 1) * 1000);
  }
}

/** Connects Meta when this run has not yet, and opens the HSM page with its live log streaming. */
async function openHsmPage(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('nav-dashboard')).toBeVisible();
  const status = (await (await page.request.get('/crm/marketing/token-status')).json()) as { state: string };
  if (status.state !== 'connected') await connectMetaThroughSandbox(page);
  await page.getByTestId('nav-automation').click();
  await expect(page).toHaveURL(/\/automation$/);
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'open');
}

/** A built-in rule's card: expand, set the delay in seconds, turn it on, save. */
async function configureBuiltIn(page: Page, key: string, seconds: number): Promise<void> {
  await page.getByTestId(`rule-${key}-expand`).click();
  const card = page.getByTestId(`rule-${key}`);
  await card.getByTestId('rule-delay-unit').selectOption('seconds');
  await card.getByTestId('rule-delay-value').fill(String(seconds));
  const toggle = card.getByTestId(`rule-${key}-toggle`);
  if (!(await toggle.isChecked())) await toggle.check();
  const saved = page.waitForResponse(
    (response) =>
      response.url().endsWith(`/crm/marketing/automation/rules/${key}`) &&
      response.request().method() === 'PATCH',
  );
  await card.getByTestId('rule-save').click();
  expect((await saved).status()).toBe(200);
  await expect(card.getByTestId('rule-saved')).toBeVisible();
  await expect(card).toHaveAttribute('data-dirty', 'false');
}

test.describe.serial('HSM Automation, end to end in Chromium', () => {
  // One signed-in page for the serial walk (see signIn).
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ baseURL: env.gatewayUrl });
    await signIn(page);
    // Another spec of the same run may have left lead_followup on: its messages would blur "exactly one" here.
    const off = await page.request.patch('/crm/marketing/automation/rules/lead_followup', {
      data: { enabled: false },
    });
    expect(off.status(), await off.text()).toBe(200);
  });

  test.afterAll(async () => {
    // The sandbox's WhatsApp Business account belongs to one connected account at a time: free it for the specs
    // that connect their own company after this one.
    await disconnectMetaAndClose(page);
  });

  test('post_sale_feedback 5 s after a sale: one message, and the live log walks scheduled → sent → delivered → read', async () => {
    await openHsmPage(page);
    await configureBuiltIn(page, 'post_sale_feedback', 5);

    const buyerPhone = phone();
    const leadId = await createLead(page, `Beatriz Compra ${run}`, buyerPhone);
    // Every status the row shows, recorded in the page itself (a reload would lose the recorder and the marker).
    // (A script string: this project's TypeScript has no DOM types; it runs in the page.)
    await page.evaluate(`(() => {
      const seen = [];
      window.__statuses = seen;
      window.__sameDocument = true;
      const look = () => {
        const status = document.querySelector('tr[data-lead-id="${leadId}"]')?.getAttribute('data-status');
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      };
      new MutationObserver(look).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
      });
    })()`);

    await recordSale(page, leadId);
    const row = page.locator(`tr[data-lead-id="${leadId}"]`);
    await expect(row).toHaveAttribute('data-status', 'scheduled', { timeout: 10_000 });
    await expect(row).toHaveAttribute('data-status', 'read', { timeout: 30_000 });
    const statuses = await page.evaluate(
      () => (globalThis as unknown as { __statuses: string[] }).__statuses,
    );
    expect(statuses[0]).toBe('scheduled');
    // Two webhooks can land between two renders (sent and delivered 400 ms apart): the row must move forward
    // through at least three live states, never backwards; the stored history below has every step.
    const order = ['scheduled', 'delivered', 'read'].map((status) => statuses.indexOf(status));
    expect(
      order.every((index) => index >= 0),
      `statuses seen: ${statuses.join(' → ')}`,
    ).toBe(true);
    expect(order, `statuses seen: ${statuses.join(' → ')}`).toEqual([...order].sort((a, b) => a - b));
    expect(
      await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await expect(row.getByTestId('send-status')).toHaveText('Leído');
    const logs = (await (await page.request.get('/crm/marketing/automation-logs?pageSize=100')).json()) as {
      items: { leadId: string; history: { status: string }[] }[];
    };
    const steps = logs.items.find((item) => item.leadId === leadId)!.history.map((entry) => entry.status);
    expect(steps.indexOf('sent'), steps.join(' → ')).toBeGreaterThan(steps.indexOf('scheduled'));
    expect(steps.indexOf('delivered'), steps.join(' → ')).toBeGreaterThan(steps.indexOf('sent'));
    expect(steps.indexOf('read'), steps.join(' → ')).toBeGreaterThan(steps.indexOf('delivered'));

    const messages = await messagesTo(page.request, buyerPhone);
    expect(messages).toHaveLength(1);
    expect(messages[0].template?.name).toBe('encuesta_satisfaccion');
    expect(messages[0].template?.params).toEqual(['Beatriz']);
  });

  test('opportunity_reminder 5 s before the deadline: one reminder, none for an opportunity closed before it', async () => {
    await openHsmPage(page);
    await configureBuiltIn(page, 'opportunity_reminder', 5);

    const duePhone = phone();
    const closedPhone = phone();
    const dueLead = await createLead(page, `Diego Cita ${run}`, duePhone);
    const closedLead = await createLead(page, `Carmen Cerrada ${run}`, closedPhone);
    const createOpportunity = async (leadId: string, title: string, dueInMs: number) => {
      const deadline = new Date(Date.now() + dueInMs);
      const created = await page.request.post('/crm/opportunities', {
        data: { leadId, title, value: 50000, currency: 'MXN', deadline: deadline.toISOString() },
      });
      expect(created.status(), await created.text()).toBe(201);
      return { id: ((await created.json()) as { id: string }).id, deadline };
    };
    await createOpportunity(dueLead, `Visita a la casa ${run}`, 15_000);
    const closed = await createOpportunity(closedLead, `Terreno ${run}`, 12_000);
    const lost = await page.request.patch(`/crm/opportunities/${closed.id}`, {
      data: { status: 'lost', lostReason: 'Compró con otra inmobiliaria' },
    });
    expect(lost.status(), await lost.text()).toBe(200);

    await expect
      .poll(async () => (await messagesTo(page.request, duePhone)).length, { timeout: 30_000 })
      .toBe(1);
    const [reminder] = await messagesTo(page.request, duePhone);
    expect(reminder.template?.name).toBe('recordatorio_cita');
    await expect(page.locator(`tr[data-lead-id="${dueLead}"]`)).toBeVisible();

    // Proving a negative: wait until the closed opportunity's deadline has passed, then nothing went to its lead.
    const pastDeadline = closed.deadline.getTime() + 2_000 - Date.now();
    if (pastDeadline > 0) await page.waitForTimeout(pastDeadline);
    expect(await messagesTo(page.request, closedPhone)).toHaveLength(0);
    for (const log of await logsOfLead(page, closedLead))
      expect(['skipped', 'cancelled']).toContain(log.status);
    expect(await messagesTo(page.request, duePhone)).toHaveLength(1);
  });

  test('a contact who replies BAJA is opted out: the dry run says so and a new sale sends nothing', async () => {
    await openHsmPage(page);
    const leavingPhone = phone();
    const name = `Ernesto Baja ${run}`;
    const leadId = await createLead(page, name, leavingPhone);

    const replied = await page.request.post(`${env.sandboxUrl}/_sandbox/reply`, {
      data: { from: digits(leavingPhone), name, text: 'BAJA' },
    });
    expect(replied.status(), await replied.text()).toBe(200);
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`/crm/leads/${leadId}`)).json()) as { optedOut?: boolean })
            .optedOut,
        { timeout: 20_000 },
      )
      .toBe(true);

    // The manual trigger's dry run on the HSM page (post_sale_feedback is still on from the first scenario).
    const manual = page.getByTestId('manual-trigger');
    await manual.getByTestId('manual-rule').selectOption('post_sale_feedback');
    await manual.getByTestId('manual-lead-search').fill(name);
    await manual.getByTestId('manual-lead-option').filter({ hasText: name }).click();
    await manual.getByTestId('manual-dry-run').click();
    const preview = manual.getByTestId('manual-preview');
    await expect(preview).toHaveAttribute('data-would-send', 'false');
    await expect(manual.getByTestId('manual-preview-reason')).toHaveText(
      'El contacto pidió no recibir mensajes.',
    );

    const before = (await messagesTo(page.request, leavingPhone)).length;
    await recordSale(page, leadId);
    // The rule's send comes due 5 s after the sale and is skipped (a final state: nothing can go out for it later).
    await expect
      .poll(
        async () =>
          (await logsOfLead(page, leadId)).map((log) => `${log.ruleKey}:${log.status}:${log.error?.reason}`),
        { timeout: 20_000 },
      )
      .toEqual(['post_sale_feedback:skipped:opted_out']);
    await expect(page.locator(`tr[data-lead-id="${leadId}"]`)).toHaveAttribute('data-status', 'skipped');
    expect(await messagesTo(page.request, leavingPhone)).toHaveLength(before);
  });

  test('a template created on the templates page, approved by Meta, is sent by a custom rule on lead.created', async () => {
    await openHsmPage(page);
    const templateName = `bienvenida_e2e_${run}`.toLowerCase();
    await page.goto('/automation/templates');
    await page.getByRole('button', { name: 'Nueva plantilla' }).click();
    const form = page.getByRole('form', { name: 'Nueva plantilla' });
    await form.getByLabel('Nombre (minúsculas, números y _)').fill(templateName);
    await form.getByLabel('Idioma (p. ej. es o es_MX)').fill('es');
    await form.getByLabel('Categoría').selectOption('UTILITY');
    await form
      .getByLabel('Cuerpo del mensaje')
      .fill('Hola {{1}}, gracias por escribirnos. Un asesor te contactará hoy mismo.');
    await form.getByLabel('Ejemplo para la variable 1').fill('Ana');
    const created = page.waitForResponse(
      (response) =>
        response.url().endsWith('/crm/marketing/automation/templates') &&
        response.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Enviar a revisión de Meta' }).click();
    const createdResponse = await created;
    expect(createdResponse.status(), await createdResponse.text()).toBeLessThan(300);
    await expect(form).toHaveCount(0);
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: templateName }) });
    await expect(item.getByTestId('template-status')).toHaveText('En revisión');

    // Meta's review, in the sandbox: approve it (the sandbox posts the template webhook).
    const listed = (await (await page.request.get(`${env.sandboxUrl}/_sandbox/templates`)).json()) as {
      data: { id: string; name: string }[];
    };
    const sandboxTemplate = listed.data.find((template) => template.name === templateName);
    expect(sandboxTemplate, `sandbox templates: ${listed.data.map((t) => t.name).join(', ')}`).toBeDefined();
    const approved = await page.request.post(
      `${env.sandboxUrl}/_sandbox/templates/${sandboxTemplate!.id}/status`,
      { data: { status: 'APPROVED' } },
    );
    expect(approved.status(), await approved.text()).toBe(200);
    await expect(async () => {
      await page.getByRole('button', { name: 'Sincronizar con Meta' }).click();
      await expect(item.getByTestId('template-status')).toHaveText('Aprobada', { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });

    // The rule editor on the HSM page.
    await page.goto('/automation');
    await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'open');
    await page.getByTestId('rule-new').click();
    const editor = page.getByTestId('rule-editor');
    await editor.getByTestId('editor-name').fill(`Bienvenida ${run}`);
    await editor.getByTestId('editor-trigger').selectOption('lead.created');
    await editor.getByTestId('editor-delay-value').fill('2');
    await editor.getByTestId('editor-delay-unit').selectOption('seconds');
    await expect(editor.locator(`option[value="${templateName}|es"]`)).toBeEnabled();
    await editor.getByTestId('editor-template').selectOption(`${templateName}|es`);
    await editor.getByTestId('rule-mapping-0').selectOption('lead.first_name');
    const enabled = editor.getByTestId('editor-enabled');
    if (!(await enabled.isChecked())) await enabled.check();
    const saved = page.waitForResponse(
      (response) =>
        response.url().endsWith('/crm/marketing/automation/rules') && response.request().method() === 'POST',
    );
    await editor.getByTestId('editor-save').click();
    const savedResponse = await saved;
    expect(savedResponse.status(), await savedResponse.text()).toBe(201);
    const rule = (await savedResponse.json()) as { key: string };
    await expect(editor).toHaveCount(0);
    await expect(page.getByTestId(`rule-${rule.key}`)).toBeVisible();
    await expect(page.getByTestId(`rule-${rule.key}-toggle`)).toBeChecked();

    const newPhone = phone();
    const leadId = await createLead(page, `Mariana Nueva ${run}`, newPhone);
    await expect
      .poll(async () => (await messagesTo(page.request, newPhone)).length, { timeout: 30_000 })
      .toBe(1);
    const row = page.locator(`tr[data-lead-id="${leadId}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(templateName);
    // One message only (a second would be a duplicate send): give the scheduler a few polls to prove it.
    await page.waitForTimeout(1_500);
    const messages = await messagesTo(page.request, newPhone);
    expect(messages).toHaveLength(1);
    expect(messages[0].template).toMatchObject({ name: templateName, language: 'es', params: ['Mariana'] });
  });

  test("the HSM page (its log's paging bar too), the templates page and Settings fit a 390 px phone: nothing scrolls sideways or is cut", async () => {
    await page.setViewportSize(PHONE_VIEWPORT);
    for (const [path, ready] of [
      ['/automation', 'automation-funnels'],
      ['/automation/templates', 'template-status'],
      ['/settings', 'protection-form'],
    ]) {
      await page.goto(path);
      await expect(page.getByTestId(ready).first()).toBeVisible();
      if (path === '/automation') {
        // The live log's paging bar, under the sends of the scenarios above.
        const bar = page.getByRole('navigation', { name: 'Paginación' });
        await expect(bar).toContainText(/Página 1 de [\d,]+/);
        await bar.scrollIntoViewIfNeeded();
        await screenshot(page, 'hsm-log-390', { fullPage: false });
        // Each send is a card: the opted-out lead's status and its reason sit under the name, whole, unscrolled.
        const optedOut = page.locator('tr[data-lead-id]').filter({ hasText: `Ernesto Baja ${run}` });
        await optedOut.scrollIntoViewIfNeeded();
        await screenshot(page, 'hsm-log-card-390', { fullPage: false });
        const status = optedOut.getByTestId('send-status');
        await expect(status).toHaveText('Omitido');
        await expectUncut(status, 'the status of a send in the live log');
        const reason = optedOut.locator('[data-testid^="log-error-"]');
        await expect(reason).toHaveText('El contacto pidió no recibir mensajes.');
        await expectUncut(reason, 'why a send was skipped');
        // Under the lead's cell (its name and phone), not beside it.
        const leadCell = (await optedOut.locator('td').nth(1).boundingBox())!;
        expect((await status.boundingBox())!.y).toBeGreaterThanOrEqual(leadCell.y + leadCell.height - 1);
      }
      await expectFits(page, path);
    }

    // From a laptop up the log is a table again: the status in its own column, beside the name, and beside the side
    // menu the whole table fits (one "last update" column instead of one per timestamp): nothing scrolls sideways.
    for (const width of [1280, LAPTOP_VIEWPORT.width]) {
      await page.setViewportSize({ ...LAPTOP_VIEWPORT, width });
      await page.goto('/automation');
      const table = page.getByTestId('automation-log-table');
      await expect(table.getByRole('columnheader', { name: 'Estado' })).toBeVisible();
      await expect(table.getByRole('columnheader', { name: 'Última actualización' })).toBeVisible();
      const row = page.locator('tr[data-lead-id]').filter({ hasText: `Ernesto Baja ${run}` });
      await row.scrollIntoViewIfNeeded();
      await expectUncut(row.getByTestId('send-status'), 'the status of a send in the live log');
      await expectUncut(row.locator('[data-testid^="log-updated-"]'), 'when a send last moved');
      await screenshot(page, `hsm-log-${width}`, { fullPage: false });
      await expectFits(page, '/automation');
      // The effectiveness per template too: its last column in view, its table not scrolling sideways.
      const byTemplate = page.getByTestId('funnels-template');
      await byTemplate.scrollIntoViewIfNeeded();
      await expectUncut(
        byTemplate.getByRole('columnheader', { name: 'Conversiones' }),
        'the last column of the effectiveness per template',
      );
      await screenshot(page, `hsm-funnels-${width}`, { fullPage: false });
    }
  });
});
