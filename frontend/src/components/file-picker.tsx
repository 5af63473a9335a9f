import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ChooseFileIcon } from './icons';

type FilePickerProps = {
  /** The field's label, above the button; also the input's accessible name. */
  label: ReactNode;
  /** What the input accepts (`.csv,text/csv`, `image/jpeg,image/png`…). */
  accept?: string;
  /** The chosen file, or null when the choice is cleared. */
  onChange: (file: File | null) => void;
  /** Under the button, and part of the input's description (after the chosen file's name). */
  hint?: ReactNode;
  /** `data-testid` of the file input itself. */
  testId?: string;
  className?: string;
};

/**
 * A file input in the page's language: a button ("Elegir archivo") and the chosen file's name ("Ningún archivo
 * elegido" before) instead of the browser's own English "Choose File / No file chosen". The real input is inside the
 * button-styled label, visually hidden but focusable: Tab reaches it (the button shows the focus ring), Space or Enter
 * opens the browser's picker, and a click on the label or the button opens it too.
 */
export function FilePicker({ label, accept, onChange, hint, testId, className }: FilePickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const labelId = `${id}-label`;
  const nameId = `${id}-name`;
  const hintId = `${id}-hint`;
  const [fileName, setFileName] = useState<string | null>(null);
  return (
    <div className={`min-w-0 space-y-1 ${className ?? ''}`}>
      <label id={labelId} htmlFor={id} className="label">
        {label}
      </label>
      <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
        <label className="btn-secondary relative cursor-pointer has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-200">
          <input
            id={id}
            type="file"
            accept={accept}
            data-testid={testId}
            aria-labelledby={labelId}
            aria-describedby={hint ? `${nameId} ${hintId}` : nameId}
            className="sr-only"
            onChange={(event) => {
              const file = event.target.files?.[0] ?? null;
              setFileName(file?.name ?? null);
              onChange(file);
            }}
          />
          <ChooseFileIcon aria-hidden="true" size={16} />
          {t('common.filePicker.choose')}
        </label>
        <span
          id={nameId}
          data-testid={testId ? `${testId}-name` : undefined}
          title={fileName ?? undefined}
          className={`min-w-0 text-sm [overflow-wrap:anywhere] ${fileName ? 'text-slate-800' : 'text-slate-500'}`}
        >
          {fileName ?? t('common.filePicker.none')}
        </span>
      </div>
      {hint ? (
        <p id={hintId} className="text-xs break-words text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
