/** A template's BODY with each `{{n}}` placeholder highlighted. */
export function TemplateBody({ text }: { text: string }) {
  const parts = text.split(/(\{\{\d+\}\})/g);
  return (
    <p
      data-testid="template-body"
      className="whitespace-pre-wrap rounded-lg bg-emerald-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-emerald-100"
    >
      {parts.map((part, index) =>
        /^\{\{\d+\}\}$/.test(part) ? (
          <mark key={index} className="rounded bg-amber-200 px-1 font-mono text-xs text-amber-900">
            {part}
          </mark>
        ) : (
          <span key={index}>{part}</span>
        ),
      )}
    </p>
  );
}
