import type { CurrencyRevenue, MarketingReport } from '@crm/contracts/browser';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { stubFetch, type StubRequest } from '../../test/fetch-stub';
import { marketingReport, META_CONNECTED, reportMetrics } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { MarketingPage } from './marketing-page';

/** The report the gateway answers, in the view the request asked for. */
function answering(report: MarketingReport) {
  return (request: StubRequest) =>
    new Response(JSON.stringify({ ...report, view: request.query.get('view') ?? 'period' }), {
      headers: { 'content-type': 'application/json' },
    });
}

function renderHub(report: MarketingReport = marketingReport(), path = '/marketing') {
  const api = stubFetch({
    'GET /crm/marketing/token-status': META_CONNECTED,
    'GET /crm/marketing/report': answering(report),
  });
  return { api, ...renderWithApp(<MarketingPage />, { path, route: '/marketing' }) };
}

/** The rows of a chart's text alternative, each as its cells' text. */
function chartRows(testId: string): string[][] {
  const table = within(screen.getByTestId(testId)).getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''));
}

const usd = (overrides: Partial<CurrencyRevenue> = {}): CurrencyRevenue => ({
  currency: 'USD',
  sales: 3,
  amount: 2100,
  refunds: 0,
  refundedAmount: 0,
  convertedSales: 1,
  convertedAmount: 10200,
  unconvertedSales: 2,
  unconvertedAmount: 1500,
  reason: 'no_rate',
  ...overrides,
});

describe('Marketing Hub report', () => {
  it('switches between the period and cohort views, in the request, the address bar and every caption', async () => {
    const { api, user, router } = renderHub();
    await screen.findByTestId('kpi-spend');
    expect(api.calls('GET /crm/marketing/report').map((r) => r.query.get('view'))).toEqual(['period']);
    expect(screen.getByTestId('view-option-period')).toBeChecked();
    expect(screen.getByTestId('view-help')).toHaveTextContent('Lo que pasó en el rango');
    for (const caption of ['kpis-view', 'chart-spend-revenue-view', 'chart-funnel-view', 'campaigns-view']) {
      expect(screen.getByTestId(caption)).toHaveTextContent('Vista: periodo');
    }

    await user.click(screen.getByRole('radio', { name: 'Cohorte' }));

    await waitFor(() => expect(screen.getByTestId('kpis-view')).toHaveTextContent('Vista: cohorte'));
    expect(api.calls('GET /crm/marketing/report').map((r) => r.query.get('view'))).toEqual([
      'period',
      'cohort',
    ]);
    expect(router.state.location.search).toBe('?view=cohort');
    expect(screen.getByTestId('view-help')).toHaveTextContent('Los leads creados en el rango');
    expect(screen.getByTestId('chart-cpl-view')).toHaveTextContent('Vista: cohorte');
    expect(screen.getByTestId('campaigns-view')).toHaveTextContent('Vista: cohorte');
  });

  it('starts in the view the address bar names', async () => {
    const { api } = renderHub(marketingReport(), '/marketing?view=cohort');
    await screen.findByTestId('kpi-spend');
    expect(api.calls('GET /crm/marketing/report')[0]!.query.get('view')).toBe('cohort');
    expect(screen.getByTestId('view-option-cohort')).toBeChecked();
  });

  it('gives every KPI its formula in a tooltip the keyboard reaches', async () => {
    const { user } = renderHub();
    await screen.findByTestId('kpi-spend');
    const cpl = screen.getByRole('button', { name: 'Cómo se calcula: Costo por lead' });
    expect(cpl).toHaveAccessibleDescription('Costo por lead = inversión ÷ leads');
    expect(screen.getByRole('button', { name: 'Cómo se calcula: ROI' })).toHaveAccessibleDescription(
      'ROI = (ingresos − inversión) ÷ inversión × 100',
    );
    expect(screen.getByRole('button', { name: 'Cómo se calcula: ROAS' })).toHaveAccessibleDescription(
      'ROAS = ingresos ÷ inversión',
    );
    expect(screen.getByTestId('kpi-spend-formula')).toHaveAccessibleDescription(
      'Inversión = lo gastado en Meta en el rango, en MXN',
    );
    expect(screen.getAllByRole('button', { name: /^Cómo se calcula:/ })).toHaveLength(10);

    const tooltip = document.getElementById(cpl.getAttribute('aria-describedby')!)!;
    expect(tooltip).toHaveTextContent('Costo por lead = inversión ÷ leads');
    expect(tooltip).toHaveAttribute('data-open', 'false');
    // Reached with Tab from the card before it (revenue's formula → CPL's), shown while focused, Escape hides it.
    await user.click(screen.getByTestId('kpi-revenue-formula'));
    await user.tab();
    expect(cpl).toHaveFocus();
    expect(tooltip).toHaveAttribute('data-open', 'true');
    await user.keyboard('{Escape}');
    expect(tooltip).toHaveAttribute('data-open', 'false');
    await user.tab();
    expect(screen.getByTestId('kpi-cost-per-opportunity-formula')).toHaveFocus();
  });

  it('shows every KPI, and "—" for the ratios that have nothing to divide by', async () => {
    renderHub(
      marketingReport({
        kpis: reportMetrics({
          spend: 0,
          leads: 0,
          opportunities: 0,
          sales: 0,
          revenue: 0,
          costPerLead: null,
          costPerOpportunity: null,
          costPerSale: null,
          roas: null,
          roiPercent: null,
        }),
      }),
    );
    await screen.findByTestId('kpi-spend');
    expect(screen.getByTestId('kpi-spend')).toHaveTextContent('$0.00');
    expect(screen.getByTestId('kpi-leads')).toHaveTextContent('0');
    for (const id of ['kpi-cpl', 'kpi-cost-per-opportunity', 'kpi-cost-per-sale', 'kpi-roas', 'kpi-roi']) {
      const card = screen.getByTestId(id);
      expect(card).toHaveAttribute('data-value', '');
      expect(within(card).getByText('—')).toBeInTheDocument();
    }
  });

  it('formats the ratios when they exist', async () => {
    renderHub();
    await screen.findByTestId('kpi-spend');
    expect(screen.getByTestId('kpi-cost-per-opportunity')).toHaveTextContent('$625.00');
    expect(screen.getByTestId('kpi-cost-per-sale')).toHaveTextContent('$1,666.67');
    expect(screen.getByTestId('kpi-roas')).toHaveTextContent('23.68×');
    expect(screen.getByTestId('kpi-sales')).toHaveAttribute('data-value', '3');
  });

  it('says which sales have no exchange rate and are left out, linking to where rates are entered', async () => {
    renderHub(
      marketingReport({
        salesCurrencies: ['MXN', 'USD'],
        currencyMismatch: true,
        revenueByCurrency: [marketingReport().revenueByCurrency[0]!, usd()],
      }),
    );
    const notice = await screen.findByTestId('no-rate-notice-USD');
    expect(notice).toHaveTextContent('Ventas en USD sin tipo de cambio');
    expect(notice).toHaveTextContent(
      '2 ventas en USD (USD 1,500.00) no tienen tipo de cambio para su día y quedan fuera de ingresos, ROAS y ROI.',
    );
    expect(within(notice).getByRole('link', { name: 'Registrar tipos de cambio' })).toHaveAttribute(
      'href',
      '#fx-rates',
    );
    expect(screen.getByTestId('converted-note')).toHaveTextContent(
      'Ventas en USD convertidas a MXN con el tipo de cambio de su día.',
    );
    expect(screen.queryByTestId('no-rate-notice-MXN')).not.toBeInTheDocument();
  });

  it('has no exchange-rate notice when every sale was converted', async () => {
    renderHub(marketingReport({ revenueByCurrency: [usd({ unconvertedSales: 0, reason: null })] }));
    await screen.findByTestId('kpi-spend');
    expect(screen.queryByTestId('no-rate-notice-USD')).not.toBeInTheDocument();
  });

  it('warns when the range starts before the CRM history', async () => {
    renderHub(marketingReport({ rangeExceedsHistory: true, crmHistoryStartsOn: '2026-11-10' }));
    expect(await screen.findByTestId('history-notice')).toHaveTextContent(
      'El historial del CRM empieza el 10 nov 2026: la inversión de los días anteriores no tiene resultados del CRM con los que compararse.',
    );
  });

  it('has no history notice when the range is inside it', async () => {
    renderHub();
    await screen.findByTestId('kpi-spend');
    expect(screen.queryByTestId('history-notice')).not.toBeInTheDocument();
  });

  it('charts spend vs revenue and cost per lead by day or by Monday-start week, and the funnel', async () => {
    const { user } = renderHub();
    await screen.findByTestId('chart-spend-revenue');

    const days = chartRows('chart-spend-revenue');
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual(['28 oct 2026', '$2,000.00', '$50,000.00', '25×']);
    expect(days[1]).toEqual(['29 oct 2026', '$0.00', '$0.00', '—']); // nothing spent: no ROAS, not 0×
    expect(days[29]).toEqual(['26 nov 2026', '$3,000.00', '$68,422.56', '22.81×']);
    const cpl = chartRows('chart-cpl');
    expect(cpl[0]).toEqual(['28 oct 2026', '$125.00']);
    expect(cpl[1]).toEqual(['29 oct 2026', '—']); // no leads: a gap, not $0

    await user.click(screen.getByRole('radio', { name: 'Semana' }));
    const weeks = chartRows('chart-spend-revenue');
    // Wednesday 28 Oct to Thursday 26 Nov 2026: a cut first week, three whole weeks, a cut last one.
    expect(weeks.map((row) => row[0])).toEqual([
      '28 oct – 1 nov 2026',
      '2 nov – 8 nov 2026',
      '9 nov – 15 nov 2026',
      '16 nov – 22 nov 2026',
      '23 nov – 26 nov 2026',
    ]);
    expect(weeks[0]).toEqual(['28 oct – 1 nov 2026', '$2,000.00', '$50,000.00', '25×']);
    expect(weeks[4]).toEqual(['23 nov – 26 nov 2026', '$3,000.00', '$68,422.56', '22.81×']);
    expect(chartRows('chart-cpl').map((row) => row[1])).toEqual(['$125.00', '—', '—', '—', '$125.00']);

    expect(chartRows('chart-funnel')).toEqual([
      ['Leads', '40', '—'],
      ['Oportunidades', '8', '20%'],
      ['Ganadas', '4', '50%'],
      ['Ventas', '3', '75%'],
    ]);
  });

  it('exports the same range and view as CSV', async () => {
    const { user } = renderHub();
    const link = await screen.findByTestId('export-csv');
    expect(link).toHaveTextContent('Exportar CSV');
    expect(link).toHaveAttribute('href', '/crm/marketing/stats/export.csv?preset=last_30d&view=period');
    expect(link).toHaveAttribute('download');
    // With the period and view controls, after them (not alone between the controls and the notices).
    const controls = screen.getByTestId('report-controls');
    expect(within(controls).getByTestId('range-select')).toBeInTheDocument();
    expect(within(controls).getByTestId('view-switch')).toBeInTheDocument();
    expect(controls.lastElementChild).toContainElement(link);

    await user.click(screen.getByRole('radio', { name: 'Cohorte' }));
    await user.selectOptions(screen.getByTestId('range-select'), 'last_7d');
    expect(screen.getByTestId('export-csv')).toHaveAttribute(
      'href',
      '/crm/marketing/stats/export.csv?preset=last_7d&view=cohort',
    );
  });
});
