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
