import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SpendRevenueTooltip } from './marketing-charts';

const point = (spend: number, revenue: number) => ({
  from: '2026-10-28',
  to: '2026-10-28',
  label: '28 oct',
  period: '28 oct 2026',
  spend,
  revenue,
  leads: 16,
  opportunities: 3,
  sales: 1,
  costPerLead: 125,
});

describe('Spend vs revenue tooltip', () => {
  it('shows the day’s spend and revenue in the report’s currency and their ROAS', () => {
    render(<SpendRevenueTooltip point={point(2000, 68422.56)} currency="MXN" />);
    const tooltip = screen.getByTestId('spend-revenue-tooltip');
    expect(within(tooltip).getByText('28 oct 2026')).toBeInTheDocument();
    expect(screen.getByTestId('spend-revenue-tooltip-spend')).toHaveTextContent('Inversión$2,000.00');
    expect(screen.getByTestId('spend-revenue-tooltip-revenue')).toHaveTextContent('Ingresos$68,422.56');
    expect(screen.getByTestId('spend-revenue-tooltip-roas')).toHaveTextContent('ROAS34.21×');
  });

  it('says "—" for the ROAS of a day with nothing spent', () => {
    render(<SpendRevenueTooltip point={point(0, 5000)} currency="MXN" />);
    expect(screen.getByTestId('spend-revenue-tooltip-spend')).toHaveTextContent('$0.00');
    expect(screen.getByTestId('spend-revenue-tooltip-revenue')).toHaveTextContent('$5,000.00');
    expect(screen.getByTestId('spend-revenue-tooltip-roas')).toHaveTextContent('ROAS—');
  });

  it('shows nothing while no point is hovered', () => {
    const { container } = render(<SpendRevenueTooltip point={undefined} currency="MXN" />);
    expect(container).toBeEmptyDOMElement();
  });
});
