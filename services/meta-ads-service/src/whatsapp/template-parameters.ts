/** A template component as Meta returns it (REFERENCE §7.2). */
export type TemplateComponent = { type?: string; text?: string; [key: string]: unknown };

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;

/** Number of distinct positional placeholders (`{{1}}`, `{{2}}`…) in a text; `{{1}}` twice counts once. */
export function countPositionalParameters(text: string): number {
  const seen = new Set<string>();
  for (const match of text.matchAll(POSITIONAL)) seen.add(String(Number(match[1])));
  return seen.size;
}

/** The BODY component's text ('' when the template has no body). */
export function bodyTextOf(components: readonly TemplateComponent[]): string {
  const body = components.find((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'BODY');
  return typeof body?.text === 'string' ? body.text : '';
}

/** Meta's webhook spells languages `en-US`; the API and our rows use `en_US`. */
export function normaliseLanguage(code: string): string {
  return code.replace('-', '_');
}

const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

export type TemplateStructure = {
  headerFormat: HeaderFormat | null;
  headerText: string | null;
  headerParameterCount: number;
  footerText: string | null;
  buttons: { type: string; text: string; url: string | null; parameterCount: number }[];
};

function componentOf(components: readonly TemplateComponent[], type: string): TemplateComponent | undefined {
  return components.find((c) => typeof c.type === 'string' && c.type.toUpperCase() === type);
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Header, footer and buttons of a template as Meta returns its components. Parameters: a TEXT header's `{{n}}`; a
 * URL button's `{{n}}` in its url (the suffix sent as the button parameter); a COPY_CODE button takes its code.
 * A media header (IMAGE/VIDEO/DOCUMENT) has no text parameter: the media is given when sending. A LOCATION header
 * (or any format we do not know) is reported as no header format.
 */
export function templateStructure(components: readonly TemplateComponent[]): TemplateStructure {
  const header = componentOf(components, 'HEADER');
  const format = typeof header?.format === 'string' ? header.format.toUpperCase() : null;
  const headerFormat = (HEADER_FORMATS as readonly string[]).includes(format ?? '')
    ? (format as HeaderFormat)
    : null;
  const headerText = headerFormat === 'TEXT' ? textOrNull(header?.text) : null;
  const footer = componentOf(components, 'FOOTER');
  const buttonsComponent = componentOf(components, 'BUTTONS');
  const rawButtons: unknown[] = Array.isArray(buttonsComponent?.buttons) ? buttonsComponent.buttons : [];
  const buttons = rawButtons
    .filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null)
    .map((b) => {
      const type = typeof b.type === 'string' ? b.type.toUpperCase() : 'UNKNOWN';
      const url = textOrNull(b.url);
      const parameterCount =
        type === 'URL' && url ? countPositionalParameters(url) : type === 'COPY_CODE' ? 1 : 0;
      return { type, text: textOrNull(b.text) ?? '', url, parameterCount };
    });
  return {
    headerFormat,
    headerText,
    headerParameterCount: headerText ? countPositionalParameters(headerText) : 0,
    footerText: textOrNull(footer?.text),
    buttons,
  };
}
