import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from './format';

/** Rows `from`–`to` of `total`; `capped` when the API's count stopped at its cap (`totalCapped`). */
export type PageSummary = { from: number; to: number; total: number; capped: boolean };
/** Page `page` of `pages`; `capped` when `pages` comes from a capped total (there are more). */
export type PagePosition = { page: number; pages: number; capped: boolean };

export type PagingText = {
  /** "Mostrando 1–20 de 150", or "… de más de 10,000" when capped. */
  summary(summary: PageSummary): string;
  /** "Página 2 de 8", or "Página 2 de más de 500" when capped. */
  position(position: PagePosition): string;
};

/**
 * The words of an offset list's paging, with its numbers in the tenant's format. A list counts its matches up to
 * `LIST_TOTAL_CAP` (`CappedTotal`): past it the total and the page count read "more than".
 */
export function usePagingText(): PagingText {
  const { t } = useTranslation();
  const format = useFormatters();
  return useMemo(
    () => ({
      summary: ({ from, to, total, capped }) =>
        t(capped ? 'pagination.summaryCapped' : 'pagination.summary', {
          from: format.integer(from),
          to: format.integer(to),
          total: format.integer(total),
        }),
      position: ({ page, pages, capped }) =>
        t(capped ? 'pagination.pageCapped' : 'pagination.page', {
          page: format.integer(page),
          pages: format.integer(pages),
        }),
    }),
    [t, format],
  );
}
