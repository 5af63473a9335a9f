import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { marketingReport, reportMetrics } from '../../test/fixtures';
import { renderWithApp } from '../../test/render';
import { CampaignTable } from './campaign-table';

describe('CampaignTable', () => {
  it('links a campaign and an ad to the leads list filtered to it, by id and with its name', async () => {
    const report = marketingReport();
    report.campaigns[0]!.campaignName = 'Preventa Polanco & Roma';
    const { user } = renderWithApp(<CampaignTable report={report} />);

    const link = screen.getByTestId('campaign-leads-link-cmp-1');
    expect(link).toHaveTextContent('Preventa Polanco & Roma');
    // Named for what it does, the visible name inside it; styled as a link (brand color, a focus ring).
    expect(link).toBe(screen.getByRole('link', { name: 'Ver los leads de Preventa Polanco & Roma' }));
    expect(link).toHaveClass('text-indigo-700', 'focus-visible:ring-2', 'hover:underline');
    expect(link).toHaveAttribute('href', '/leads?campaignId=cmp-1&campaignName=Preventa+Polanco+%26+Roma');

    await user.click(screen.getByRole('button', { name: 'Mostrar anuncios de Preventa Polanco & Roma' }));
    const ad = within(screen.getByTestId('ad-row-ad-1')).getByRole('link', {
      name: 'Ver los leads del anuncio Video recorrido',
    });
    expect(ad).toHaveTextContent('Video recorrido');
    expect(ad).toHaveClass('text-indigo-700');
    expect(ad).toHaveAttribute('href', '/leads?adId=ad-1&adName=Video+recorrido');
    // Names, never ids.
    expect(screen.getByTestId('ad-row-ad-1')).not.toHaveTextContent('ad-1');
  });

  it('shows every figure of a row, "—" for ratios with no base, and the unattributed leads', () => {
    const report = marketingReport();
    renderWithApp(<CampaignTable report={report} />);
    const cells = within(screen.getByTestId('campaign-row-cmp-1'))
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual([
      '$5,000.00',
      '40',
      '8',
      '3',
      '$118,422.56',
      '$125.00',
      '$625.00',
      '$1,666.67',
      '23.68×',
      expect.stringMatching(/^2,268\.5\s?%$/),
    ]);
    const unattributed = screen.getByTestId('unattributed-row');
    expect(unattributed).toHaveAttribute('data-leads', '2');
    expect(
      within(unattributed)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['$0.00', '2', '0', '0', '$0.00', '—', '—', '—', '—', '—']);
    expect(within(unattributed).queryByRole('link')).not.toBeInTheDocument();
  });

  it('says there was no activity when the range is empty', () => {
    renderWithApp(
      <CampaignTable
        report={marketingReport({
          campaigns: [],
          unattributed: reportMetrics({ spend: 0, leads: 0, opportunities: 0, sales: 0, revenue: 0 }),
        })}
      />,
    );
    expect(screen.getByText('Sin actividad en el periodo')).toBeInTheDocument();
  });
});
