import { useTranslation } from 'react-i18next';

export function SkeletonBlock({ className = '' }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded bg-slate-200 ${className}`} />;
}

/** Placeholder rows for a table that is loading. */
export function SkeletonTable({ rows = 6, columns = 5 }: { rows?: number; columns?: number }) {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" className="space-y-3 p-4">
      <span className="sr-only">{t('common.loading')}</span>
      {Array.from({ length: rows }, (_, row) => (
        <div
          key={row}
          className="grid gap-4"
          style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
        >
          {Array.from({ length: columns }, (_, column) => (
            <SkeletonBlock key={column} className="h-4" />
          ))}
        </div>
      ))}
    </div>
  );
}

/** A loading placeholder for a section or card: a title line and a block (`className` adds padding, a card…). */
export function SkeletonSection({ className = '' }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <div role="status" className={`space-y-3 ${className}`}>
      <span className="sr-only">{t('common.loading')}</span>
      <SkeletonBlock className="h-5 w-48" />
      <SkeletonBlock className="h-24 w-full" />
    </div>
  );
}
