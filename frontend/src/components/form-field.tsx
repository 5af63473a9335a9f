import { useId, type ChangeEvent, type InputHTMLAttributes, type ReactNode } from 'react';

type FieldProps = {
  label: ReactNode;
  /** Read by screen readers only (the control's place already says what it is, e.g. a row of a list). */
  labelHidden?: boolean;
  /** Beside the label, at the other end of its line (e.g. a refresh link). */
  aside?: ReactNode;
  /** Under the control, and its accessible description. */
  hint?: ReactNode;
  /** Under the control (and the hint): the field's own problem, when there is one. */
  error?: ReactNode;
  className?: string;
  /** The control, given the label's `id` and the hint's id for `aria-describedby`. */
  children: (id: string, describedBy: string | undefined) => ReactNode;
};

/** A label above one control, with an optional hint and problem below it. */
export function Field({ label, labelHidden, aside, hint, error, className, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const labelTag = (
    <label htmlFor={id} className={labelHidden ? 'sr-only' : 'label'}>
      {label}
    </label>
  );
  return (
    <div className={className ? `space-y-1 ${className}` : 'space-y-1'}>
      {aside ? (
        <div className="flex items-center justify-between gap-2">
          {labelTag}
          {aside}
        </div>
      ) : (
        labelTag
      )}
      {children(id, hintId)}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error}
    </div>
  );
}

type FieldFrame = Pick<FieldProps, 'label' | 'labelHidden' | 'aside' | 'hint' | 'error' | 'className'>;

/** What every labelled control takes besides its frame: its text value, and how it looks. */
type ControlProps = {
  value: string;
  onChange: (value: string) => void;
  testId?: string;
  /** Marks the control invalid (red ring) while its problem shows. */
  invalid?: boolean;
  /** Classes of the control itself. */
  controlClassName?: string;
};

type ControlElement = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Splits a field's props into its frame (label, hint, problem…) and a control `(id, describedBy) => props`. */
function splitField<P extends FieldFrame & ControlProps>(props: P, defaultClassName: string) {
  const {
    label,
    labelHidden,
    aside,
    hint,
    error,
    className,
    value,
    onChange,
    testId,
    invalid,
    controlClassName = defaultClassName,
    ...rest
  } = props;
  const control = (id: string, describedBy: string | undefined) => ({
    id,
    value,
    'data-testid': testId,
    'aria-describedby': describedBy,
    'aria-invalid': invalid ? true : undefined,
    onChange: (event: ChangeEvent<ControlElement>) => onChange(event.target.value),
    className: controlClassName,
  });
  return { frame: { label, labelHidden, aside, hint, error, className }, control, rest };
}

export type SelectOption = { value: string; label: string; disabled?: boolean };

type SelectFieldProps = FieldFrame &
  ControlProps & {
    options: readonly SelectOption[];
    /** A first option with the value `''` (e.g. "Choose…", "All"). */
    placeholder?: string;
    disabled?: boolean;
  };

/** A labelled `<select>`. */
export function SelectField(props: SelectFieldProps) {
  const { frame, control, rest } = splitField(props, 'input w-full');
  const { options, placeholder, disabled } = rest;
  return (
    <Field {...frame}>
      {(id, describedBy) => (
        <select {...control(id, describedBy)} disabled={disabled}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

type InputAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'value' | 'onChange' | 'className' | 'aria-describedby' | 'aria-invalid'
>;

/** A labelled `<input>` (text, number, email, time…): `type` and the other input attributes pass through. */
export function TextField(props: FieldFrame & ControlProps & InputAttributes) {
  const { frame, control, rest } = splitField(props, 'input w-full');
  return <Field {...frame}>{(id, describedBy) => <input {...rest} {...control(id, describedBy)} />}</Field>;
}

/** One phrase per line: trimmed, blank lines dropped. */
export function phrasesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * A list of short phrases edited as text, one per line (opt-out keywords, quick-reply button texts…): the value
 * is the text as typed; read it with `phrasesOf`.
 */
export function PhraseListField(props: FieldFrame & ControlProps & { rows?: number }) {
  const { frame, control, rest } = splitField(props, 'input font-mono');
  return (
    <Field {...frame}>
      {(id, describedBy) => <textarea {...control(id, describedBy)} rows={rest.rows ?? 5} />}
    </Field>
  );
}

/** A checkbox with its label to the right. */
export function CheckboxField({
  label,
  checked,
  onChange,
  testId,
  className = 'flex items-center gap-2 text-sm text-slate-700',
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  className?: string;
}) {
  return (
    <label className={className}>
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}

/** A field's problem in words, under the field (pass it as a field's `error`); `alert`: announced at once. */
export function FieldError({
  testId,
  alert,
  children,
}: {
  testId?: string;
  alert?: boolean;
  children: ReactNode;
}) {
  return (
    <p data-testid={testId} role={alert ? 'alert' : undefined} className="text-xs text-rose-700">
      {children}
    </p>
  );
}
