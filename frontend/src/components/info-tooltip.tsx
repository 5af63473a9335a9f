import { useId, useState } from 'react';
import { InfoIcon } from './icons';

type InfoTooltipProps = {
  /** What the button is about, read as its name ("Fórmula: Costo por lead"). */
  label: string;
  /** The explanation, shown on hover or keyboard focus and read as the button's description. */
  text: string;
  testId?: string;
};

/**
 * A small "i" button that explains the figure next to it. The text is always in the page (the button's
 * `aria-describedby`), shown while the button is hovered or focused, and hidden again with Escape. It opens
 * leftwards from the button: put the button at the right end of its line so it never widens a phone's page.
 */
export function InfoTooltip({ label, text, testId }: InfoTooltipProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  return (
    <span className="relative inline-flex">
      <button
        type="button"
        aria-label={label}
        aria-describedby={id}
        data-testid={testId}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setOpen(false);
        }}
        className="rounded-full text-slate-400 hover:text-slate-600 focus-visible:text-indigo-700 focus-visible:ring-2 focus-visible:ring-indigo-200 focus-visible:outline-none"
      >
        <InfoIcon aria-hidden="true" size={14} />
      </button>
      <span
        id={id}
        role="tooltip"
        data-open={open ? 'true' : 'false'}
        className={`absolute top-full right-0 z-20 mt-1 w-56 max-w-[calc(100vw-2rem)] rounded-md bg-slate-900 px-2 py-1.5 text-xs font-normal tracking-normal text-white normal-case shadow-lg ${open ? 'block' : 'hidden'}`}
      >
        {text}
      </span>
    </span>
  );
}
