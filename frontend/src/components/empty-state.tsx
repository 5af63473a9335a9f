import type { ReactNode } from 'react';
import { EmptyIcon } from './icons';

type EmptyStateProps = { title: string; description?: string; action?: ReactNode };

export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-12 text-center">
      <div
        aria-hidden="true"
        className="mb-1 flex h-10 w-10 items-center justify-center rounded-full bg-slate-100 text-slate-400"
      >
        <EmptyIcon size={20} />
      </div>
      <p className="text-sm font-semibold text-slate-800">{title}</p>
      {description ? <p className="max-w-md text-sm text-slate-500">{description}</p> : null}
      {action}
    </div>
  );
}
