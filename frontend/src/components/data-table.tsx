import type { ReactNode } from 'react';

/**
 * Tables that stay readable from a 390 px phone to a wide screen. Column visibility follows the width of the table's
 * own container (CSS container queries), not the window: a table squeezed by a side panel at 1440 px hides the same
 * low-priority columns as on a tablet. Cells of a column that may hide use `HIDDEN_BELOW[size]`; what that column
 * says can be repeated under the row's main cell with `ONLY_BELOW[size]`, so nothing is lost on a phone. Whatever
 * still does not fit scrolls sideways inside the table, never the page.
 *
 * Sizes are Tailwind's container sizes: sm 24rem, md 28rem, lg 32rem, xl 36rem, 2xl 42rem, 3xl 48rem, 4xl 56rem,
 * 5xl 64rem, 6xl 72rem, 7xl 80rem.
 */
export type ColumnBreakpoint = 'sm' | 'md' | 'lg' | 'xl' | '2xl' | '3xl' | '4xl' | '5xl' | '6xl' | '7xl';

/** A `th`/`td` class: the cell only shows once the table's container is at least this wide. */
export const HIDDEN_BELOW: Record<ColumnBreakpoint, string> = {
  sm: 'hidden @sm:table-cell',
  md: 'hidden @md:table-cell',
  lg: 'hidden @lg:table-cell',
  xl: 'hidden @xl:table-cell',
  '2xl': 'hidden @2xl:table-cell',
  '3xl': 'hidden @3xl:table-cell',
  '4xl': 'hidden @4xl:table-cell',
  '5xl': 'hidden @5xl:table-cell',
  '6xl': 'hidden @6xl:table-cell',
  '7xl': 'hidden @7xl:table-cell',
};

/** The opposite: shown (as a block) only while the column of the same size is hidden. */
export const ONLY_BELOW: Record<ColumnBreakpoint, string> = {
  sm: 'block @sm:hidden',
  md: 'block @md:hidden',
  lg: 'block @lg:hidden',
  xl: 'block @xl:hidden',
  '2xl': 'block @2xl:hidden',
  '3xl': 'block @3xl:hidden',
  '4xl': 'block @4xl:hidden',
  '5xl': 'block @5xl:hidden',
  '6xl': 'block @6xl:hidden',
  '7xl': 'block @7xl:hidden',
};

/**
 * A table whose rows become compact cards while its container is narrower than `md` (28rem, a phone): each row is a
 * two-column grid, a narrow first cell (an expand button) beside the row's other visible cells stacked one under
 * another (without such a cell its column is empty, 0 px wide), so a status under the name is read without scrolling
 * sideways. From `md` up it is an ordinary table. The header row stays for screen readers only while stacked. Cells
 * keep their own `HIDDEN_BELOW` classes; a cell that should also show on the card adds `cell` (and `shownStacked`
 * when its column is hidden below a larger size).
 */
export const STACKED_BELOW_MD = {
  table: '@max-md:block',
  head: '@max-md:sr-only',
  body: '@max-md:block',
  row: '@max-md:grid @max-md:grid-cols-[auto_minmax(0,1fr)] @max-md:py-2',
  /** The optional narrow first cell: beside every stacked cell of its row. */
  first: '@max-md:row-span-6 @max-md:py-0.5 @max-md:pr-1',
  /** A stacked cell: its own line, wrapping long text instead of widening the card. */
  cell: '@max-md:col-start-2 @max-md:block @max-md:py-0.5 @max-md:whitespace-normal @max-md:break-words',
  /** For a cell whose column `HIDDEN_BELOW` hides on a tablet but that the card shows. */
  shownStacked: '@max-md:block',
} as const;

type TableContainerProps = { label: string; children: ReactNode };

/**
 * The query container plus a keyboard-scrollable region around a `table.table-base`. The region is `relative` so that
 * absolutely positioned content of a cell (an `sr-only` header) scrolls with the table instead of widening the page.
 */
export function TableContainer({ label, children }: TableContainerProps) {
  return (
    <div className="@container">
      <div
        role="region"
        aria-label={label}
        tabIndex={0}
        className="relative overflow-x-auto focus-visible:ring-2 focus-visible:ring-indigo-200 focus-visible:outline-none"
      >
        {children}
      </div>
    </div>
  );
}
