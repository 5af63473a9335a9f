import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';

export type ChartBar = { key: string; label: string; value: number };

const CHART_HEIGHT = 220;

/**
 * Horizontal bars (Recharts, sized by CSS through `responsive`). The same numbers are listed next to the chart by
 * the page, so the SVG is hidden from screen readers.
 */
export function HorizontalBars({
  bars,
  color,
  format,
}: {
  bars: ChartBar[];
  color: string;
  format: (value: number) => string;
}) {
  return (
    <div aria-hidden="true">
      <BarChart
        responsive
        layout="vertical"
        data={bars}
        margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
        style={{ width: '100%', height: CHART_HEIGHT }}
      >
        <CartesianGrid horizontal={false} stroke="#e2e8f0" />
        <XAxis type="number" allowDecimals={false} tickFormatter={format} stroke="#64748b" fontSize={12} />
        <YAxis type="category" dataKey="label" width={110} stroke="#64748b" fontSize={12} />
        <Tooltip formatter={(value) => format(Number(value))} cursor={{ fill: '#f1f5f9' }} />
        <Bar dataKey="value" fill={color} radius={[0, 4, 4, 0]} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}
