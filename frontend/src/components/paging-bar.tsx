import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ChevronLeftIcon, ChevronRightIcon } from './icons';

export type PagingBarProps = {
  /** "Mostrando 1–20 de más de 10,000" (usePagingText), or null when not known yet. */
  summary: ReactNode;
  /** "Página 2 de más de 500" (usePagingText), or null when there is no page number. */
  position: ReactNode;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** Prefix of the parts' test ids: `<prefix>-summary`, `-prev-page`, `-page-number`, `-next-page`. */
  testIdPrefix?: string;
};

/**
 * The bar under an offset list: which rows are shown, the page, Previous and Next. On a 390 px phone the page
 * number takes its own line above the buttons, so the longest capped text ("Página 1 de más de 500") neither wraps
 * nor pushes the buttons out of the card; from `sm` up it all sits on one line.
 */
export function PagingBar({
  summary,
  position,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  testIdPrefix,
}: PagingBarProps) {
  const { t } = useTranslation();
  const testId = (part: string) => (testIdPrefix ? `${testIdPrefix}-${part}` : undefined);
  return (
    <nav
      aria-label={t('pagination.label')}
      className="flex flex-col items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600 sm:flex-row"
    >
      <p data-testid={testId('summary')} className="text-center sm:text-left">
        {summary}
      </p>
      <div className="flex w-full flex-wrap items-center justify-between gap-2 sm:w-auto sm:flex-nowrap sm:justify-end">
        {position !== null ? (
          <span
            data-testid={testId('page-number')}
            className="order-first basis-full whitespace-nowrap text-center tabular-nums sm:order-none sm:basis-auto"
          >
            {position}
          </span>
        ) : null}
        <PageButton
          direction="previous"
          enabled={hasPrevious}
          onClick={onPrevious}
          testId={testId('prev-page')}
        />
        <PageButton direction="next" enabled={hasNext} onClick={onNext} testId={testId('next-page')} />
      </div>
    </nav>
  );
}

/**
 * Previous or Next, its chevron on the side it moves to. From `sm` up Previous stands before the page number; on a
 * phone the number takes the first line on its own.
 */
function PageButton({
  direction,
  enabled,
  onClick,
  testId,
}: {
  direction: 'previous' | 'next';
  enabled: boolean;
  onClick: () => void;
  testId: string | undefined;
}) {
  const { t } = useTranslation();
  const previous = direction === 'previous';
  const Chevron = previous ? ChevronLeftIcon : ChevronRightIcon;
  const chevron = <Chevron aria-hidden="true" size={16} className="shrink-0" />;
  return (
    <button
      type="button"
      data-testid={testId}
      className={previous ? 'btn-secondary sm:order-first' : 'btn-secondary'}
      disabled={!enabled}
      onClick={onClick}
    >
      {previous ? chevron : null}
      {previous ? t('pagination.previous') : t('pagination.next')}
      {previous ? null : chevron}
    </button>
  );
}
