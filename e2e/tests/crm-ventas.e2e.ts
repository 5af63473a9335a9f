import { createHmac } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { SANDBOX_IDS, listAds } from '@crm/meta-sandbox';
import { connectMetaThroughSandbox, login, sql } from '../support/browser';
import { DEMO_CEO, DEMO_SETTER } from '../support/credentials';
import { e2eEnvironment } from '../support/environment';

const env = e2eEnvironment();
const DEMO_TENANT_ID = '00000000-0000-4000-8000-000000000001';
const CEO = DEMO_CEO;
const SETTER = DEMO_SETTER;

test.use({ baseURL: env.gatewayUrl });

/** Our own sum over the sandbox's Marketing API, independent of the product's code. */
async function sandboxSpendByCampaign(
  request: APIRequestContext,
  adAccountId: string,
  since: string,
  until: string,
): Promise<Map<string, number>> {
  const tokenResponse = await request.post(`${env.sandboxUrl}/_sandbox/tokens`, { data: {} });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const spend = new Map<string, number>();
  let url: string | undefined =
    `${env.sandboxUrl}/v23.0/${adAccountId}/insights?level=ad&limit=50&fields=campaign_id,ad_id,spend` +
    `&time_range=${encodeURIComponent(JSON.stringify({ since, until }))}`;
  while (url) {
    const response = await request.get(url, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status()).toBe(200);
    const page = (await response.json()) as {
      data: { campaign_id: string; spend: string }[];
      paging?: { next?: string };
    };
    for (const row of page.data)
      spend.set(row.campaign_id, (spend.get(row.campaign_id) ?? 0) + Number(row.spend));
    url = page.paging?.next;
  }
  return spend;
}

function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function numberAttr(page: Page, testId: string, attribute = 'data-value'): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute(attribute);
  return Number(value);
}

test.describe.serial('CRM Ventas, end to end in Chromium', () => {
  test('a login form posted from another site is refused and signs nobody in', async ({ page }) => {
    // Another origin in the same browser: the sandbox (same host, another port).
    await page.goto(`${env.sandboxUrl}/_sandbox/dataset`);
    await page.setContent(
      `<form method="post" action="${env.gatewayUrl}/crm/auth/login">` +
        `<input name="email" value="${CEO.email}"><input name="password" value="${CEO.password}">` +
        `<button type="submit">go</button></form>`,
    );
    const answer = page.waitForResponse(`${env.gatewayUrl}/crm/auth/login`);
    await page.getByRole('button', { name: 'go' }).click();
    const refused = await answer;
    expect(refused.status()).toBe(415);
    expect(await refused.headerValue('set-cookie')).toBeNull();
    const me = await page.request.get(`${env.gatewayUrl}/crm/auth/me`);
    expect(me.status()).toBe(401);
  });

  test('a setter cannot reach Marketing or HSM: hidden in the UI, 403 from the API', async ({ page }) => {
    await login(page, SETTER);
    await expect(page.getByTestId('nav-leads')).toBeVisible();
    await expect(page.getByTestId('nav-marketing')).toHaveCount(0);
    await expect(page.getByTestId('nav-automation')).toHaveCount(0);
    for (const path of [
      '/crm/marketing/token-status',
      '/crm/marketing/stats?preset=last_30d',
      '/crm/marketing/automation/rules',
      '/crm/marketing/automation-logs',
    ]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(403);
    }
    const trigger = await page.request.post('/crm/marketing/automation/trigger', {
      data: { ruleKey: 'lead_followup', leadId: '00000000-0000-4000-8000-0000000000ff' },
    });
    expect(trigger.status()).toBe(403);
    await page.goto('/marketing');
    await expect(page.getByTestId('no-access')).toBeVisible();
  });

  test('cancelling on the Meta consent page leaves the tenant disconnected with a clear message', async ({
    page,
  }) => {
    await login(page, CEO);
    await page.getByTestId('nav-marketing').click();
    const banner = page.getByTestId('meta-status-banner');
    await expect(banner).toHaveAttribute('data-state', 'disconnected');
    await page.getByTestId('meta-connect-button').click();
    await page.locator('#sandbox-consent-cancel').click();
    await expect(page.getByTestId('meta-message')).toHaveAttribute('data-kind', 'access_denied');
    await expect(banner).toHaveAttribute('data-state', 'disconnected');
    const status = (await (await page.request.get('/crm/marketing/token-status')).json()) as {
      state: string;
    };
    expect(status.state).toBe('disconnected');
  });

  test('connect Meta through the sandbox, pick the assets, and see spend and CRM results per campaign', async ({
    page,
  }) => {
    await login(page, CEO);
    await connectMetaThroughSandbox(page, { phoneNumberId: SANDBOX_IDS.phoneNumberIds[0] });

    await page.getByTestId('range-select').selectOption('last_30d');
    await expect(page.getByTestId('kpi-spend')).not.toHaveAttribute('data-value', '');
    const roiResponse = await page.request.get('/crm/marketing/stats/roi?preset=last_30d');
    expect(roiResponse.status()).toBe(200);
    const roi = (await roiResponse.json()) as {
      range: { since: string; until: string; timezone: string };
      currency: string;
      campaigns: { campaignId: string }[];
    };
    expect(roi.range.timezone).toBe('America/Mexico_City');
    await expect(page.getByTestId('report-currency')).toHaveText('MXN');

    // Our own numbers: SQL over the database, and a sum over the sandbox's insights. The report's default view is
    // `period`: the leads, opportunities and sales that happened in the range.
    const window = [DEMO_TENANT_ID, roi.range.since, roi.range.until, roi.range.timezone];
    const inRange = (column: string) =>
      `${column} >= ($2::date)::timestamp AT TIME ZONE $4 AND ${column} < ($3::date + 1)::timestamp AT TIME ZONE $4`;
    const [totals] = await sql<{ leads: string; opportunities: string; revenue: string }>(
      `SELECT
         (SELECT count(*) FROM crm.leads l WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS' AND ${inRange('l.created_at')}) AS leads,
         (SELECT count(*) FROM crm.opportunities o JOIN crm.leads l ON l.id = o.lead_id
            WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS' AND ${inRange('o.created_at')}) AS opportunities,
         (SELECT coalesce(sum(s.amount), 0) FROM crm.sales_transactions s JOIN crm.leads l ON l.id = s.lead_id
            WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS' AND s.status = 'completed' AND ${inRange('s.completed_at')}
              AND s.currency = $5) AS revenue`,
      // Revenue is in the ad account's currency: sales in another currency without a rate are shown apart.
      [...window, roi.currency],
    );
    expect(Number(totals.leads)).toBeGreaterThan(0);
    await expect(page.getByTestId('kpi-leads')).toHaveAttribute('data-value', String(Number(totals.leads)));
    await expect(page.getByTestId('kpi-opportunities')).toHaveAttribute(
      'data-value',
      String(Number(totals.opportunities)),
    );
    expect(await numberAttr(page, 'kpi-revenue')).toBeCloseTo(Number(totals.revenue), 2);

    const spendByCampaign = await sandboxSpendByCampaign(
      page.request,
      SANDBOX_IDS.adAccountId,
      roi.range.since,
      roi.range.until,
    );
    const totalSpend = [...spendByCampaign.values()].reduce((a, b) => a + b, 0);
    expect(totalSpend).toBeGreaterThan(0);
    expect(await numberAttr(page, 'kpi-spend')).toBeCloseTo(totalSpend, 2);

    const perCampaign = await sql<{ campaign: string; leads: string; revenue: string }>(
      `SELECT l.meta_campaign_id AS campaign, count(DISTINCT l.id) AS leads,
              coalesce((SELECT sum(s.amount) FROM crm.sales_transactions s JOIN crm.leads l2 ON l2.id = s.lead_id
                 WHERE l2.tenant_id = $1 AND l2.lead_source = 'META_ADS' AND l2.meta_campaign_id = l.meta_campaign_id
                   AND s.status = 'completed' AND ${inRange('s.completed_at')} AND s.currency = $6), 0) AS revenue
         FROM crm.leads l
        WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS' AND ${inRange('l.created_at')}
          AND l.meta_ad_id = ANY($5)
        GROUP BY l.meta_campaign_id`,
      [...window, listAds().map((ad) => ad.adId), roi.currency],
    );
    expect(perCampaign.length).toBeGreaterThan(1);
    for (const row of perCampaign) {
      const campaignRow = page.getByTestId(`campaign-row-${row.campaign}`);
      await expect(campaignRow).toHaveAttribute('data-leads', String(Number(row.leads)));
      expect(Number(await campaignRow.getAttribute('data-revenue'))).toBeCloseTo(Number(row.revenue), 2);
      expect(Number(await campaignRow.getAttribute('data-spend'))).toBeCloseTo(
        spendByCampaign.get(row.campaign) ?? 0,
        2,
      );
    }
    const unknownAdLeads = await sql<{ leads: string }>(
      `SELECT count(*) AS leads FROM crm.leads l WHERE l.tenant_id = $1 AND l.lead_source = 'META_ADS'
          AND ${inRange('l.created_at')} AND NOT (coalesce(l.meta_ad_id, '') = ANY($5))`,
      [...window, listAds().map((ad) => ad.adId)],
    );
    await expect(page.getByTestId('unattributed-row')).toHaveAttribute(
      'data-leads',
      String(Number(unknownAdLeads[0].leads)),
    );

    const firstCampaign = roi.campaigns[0].campaignId;
    await page.getByTestId(`campaign-expand-${firstCampaign}`).click();
    const adsOfCampaign = listAds().filter((ad) => ad.campaignId === firstCampaign);
    await expect(page.getByTestId(`ad-row-${adsOfCampaign[0].adId}`)).toBeVisible();
  });

  test('HSM: lead_followup sends exactly one template to a new lead; the log shows sent, delivered, read', async ({
    page,
  }) => {
    await login(page, CEO);
    await page.getByTestId('nav-automation').click();
    await page.getByTestId('rule-lead_followup-expand').click();
    await page.getByTestId('rule-template-select').selectOption('seguimiento_lead|es');
    await page.getByTestId('rule-delay-unit').selectOption('seconds');
    await page.getByTestId('rule-delay-value').fill('3');
    const toggle = page.getByTestId('rule-lead_followup-toggle');
    if (!(await toggle.isChecked())) await toggle.check();
    await page.getByTestId('rule-save').click();
    await expect(page.getByTestId('rule-saved')).toBeVisible();

    const phone = '+5215599990001';
    const created = await page.request.post('/crm/leads', {
      data: { name: 'Prueba Seguimiento', phone, leadSource: 'MANUAL' },
    });
    expect(created.status()).toBe(201);
    const lead = (await created.json()) as { id: string };

    const messagesTo = async () => {
      const response = await page.request.get(`${env.sandboxUrl}/_sandbox/messages?to=${phone.slice(1)}`);
      return ((await response.json()) as { data: { templateName?: string; template?: { name: string } }[] })
        .data;
    };
    await expect.poll(async () => (await messagesTo()).length, { timeout: 30_000 }).toBe(1);
    await page.waitForTimeout(2000);
    const messages = await messagesTo();
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0])).toContain('seguimiento_lead');

    const row = page.locator(`[data-lead-id="${lead.id}"]`);
    await expect(row).toHaveAttribute('data-status', 'read', { timeout: 30_000 });
    const logs = (await (await page.request.get('/crm/marketing/automation-logs?pageSize=50')).json()) as {
      items: { leadId: string; history: { status: string }[] }[];
    };
    const history = logs.items.find((item) => item.leadId === lead.id)!.history.map((entry) => entry.status);
    expect(history.indexOf('sent')).toBeGreaterThanOrEqual(0);
    expect(history.indexOf('delivered')).toBeGreaterThan(history.indexOf('sent'));
    expect(history.indexOf('read')).toBeGreaterThan(history.indexOf('delivered'));

    const again = await page.request.post('/crm/marketing/automation/trigger', {
      data: { ruleKey: 'lead_followup', leadId: lead.id },
    });
    expect(again.status()).toBe(409);
  });

  test('a Click-to-WhatsApp message creates a lead attributed to its ad and campaign', async ({ page }) => {
    await login(page, CEO);
    const ad = listAds()[1];
    const from = '5215588887777';
    const emitted = await page.request.post(`${env.sandboxUrl}/_sandbox/ctwa`, {
      data: { from, name: 'Lucía Clic', adId: ad.adId, text: 'Hola, quiero información' },
    });
    expect(emitted.status()).toBe(200);
    const { ctwaClid } = (await emitted.json()) as { ctwaClid: string };
    type LeadPage = { items: Record<string, unknown>[] };
    await expect
      .poll(
        async () =>
          ((await (await page.request.get(`/crm/leads?search=${from}`)).json()) as LeadPage).items.length,
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
    const [lead] = ((await (await page.request.get(`/crm/leads?search=${from}`)).json()) as LeadPage).items;
    expect(lead).toMatchObject({
      phone: `+${from}`,
      leadSource: 'META_ADS',
      metaAdId: ad.adId,
      metaAdsetId: ad.adsetId,
      metaCampaignId: ad.campaignId,
      ctwaClid,
    });
    await page.getByTestId('nav-leads').click();
    await page.getByTestId('leads-search').fill(from);
    await expect(page.getByTestId(`lead-row-${String(lead.id)}`)).toBeVisible();
  });

  test('a webhook with a bad signature gets 401 and changes nothing; the same body signed right is accepted', async ({
    request,
  }) => {
    const from = '5215577776666';
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SANDBOX_IDS.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: '525500000000',
                  phone_number_id: SANDBOX_IDS.phoneNumberIds[0],
                },
                contacts: [{ profile: { name: 'Firma Falsa' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: `wamid.e2e-${Date.now()}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'hola' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const leadsWithPhone = async () =>
      Number(
        (await sql<{ n: string }>('SELECT count(*) AS n FROM crm.leads WHERE phone = $1', [`+${from}`]))[0].n,
      );
    const before = await sql<{ n: string }>('SELECT count(*) AS n FROM crm.leads', []);
    const forged = await request.post(`${env.gatewayUrl}/webhooks/meta`, {
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signature(body, 'not-the-app-secret'),
      },
      data: body,
    });
    expect(forged.status()).toBe(401);
    const unsigned = await request.post(`${env.gatewayUrl}/webhooks/meta`, {
      headers: { 'content-type': 'application/json' },
      data: body,
    });
    expect(unsigned.status()).toBe(401);
    await new Promise((r) => setTimeout(r, 2000));
    const after = await sql<{ n: string }>('SELECT count(*) AS n FROM crm.leads', []);
    expect(after[0].n).toBe(before[0].n);
    expect(await leadsWithPhone()).toBe(0);

    const genuine = await request.post(`${env.gatewayUrl}/webhooks/meta`, {
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(body, env.appSecret) },
      data: body,
    });
    expect(genuine.status()).toBe(200);
    await expect.poll(leadsWithPhone, { timeout: 20_000 }).toBe(1);
  });
});
