import type { CreateTemplateInput } from '@crm/contracts/browser';

/** The form's state (strings as typed). */
export type TemplateDraft = {
  name: string;
  language: string;
  category: CreateTemplateInput['category'];
  headerFormat: 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
  headerText: string;
  headerExample: string;
  /** A media header's sample: Meta's handle of the uploaded file ('' until one is uploaded). */
  headerMediaHandle: string;
  body: string;
  bodyExamples: string[];
  footer: string;
  buttons: { type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER'; text: string; value: string; example: string }[];
};

export const MAX_BUTTONS = 10;

export const emptyDraft = (): TemplateDraft => ({
  name: '',
  language: 'es',
  category: 'MARKETING',
  headerFormat: 'NONE',
  headerText: '',
  headerExample: '',
  headerMediaHandle: '',
  body: '',
  bodyExamples: [],
  footer: '',
  buttons: [],
});

/** Distinct positional variables of a text, sorted (`{{1}}`, `{{2}}`…). */
export function variablesOf(text: string): number[] {
  return [...new Set([...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );
}

/** Error keys (under `templates.form.errors`) per field; the same rules Meta applies, checked before sending. */
export type DraftErrorCode =
  | 'name'
  | 'language'
  | 'headerRequired'
  | 'headerTooLong'
  | 'headerVariables'
  | 'mediaSample'
  | 'bodyRequired'
  | 'bodyTooLong'
  | 'sequential'
  | 'edgeVariable'
  | 'example'
  | 'footerTooLong'
  | 'tooManyButtons'
  | 'buttonText'
  | 'url'
  | 'urlVariable'
  | 'phone';
export type DraftErrors = Partial<Record<string, DraftErrorCode>>;

export function checkDraft(draft: TemplateDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (!/^[a-z0-9_]{1,512}$/.test(draft.name)) errors.name = 'name';
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(draft.language)) errors.language = 'language';
  if (draft.headerFormat === 'TEXT') {
    const vars = variablesOf(draft.headerText);
    if (draft.headerText.trim() === '') errors.header = 'headerRequired';
    else if (draft.headerText.length > 60) errors.header = 'headerTooLong';
    else if (vars.length > 1 || (vars.length === 1 && vars[0] !== 1)) errors.header = 'headerVariables';
    else if (vars.length === 1 && draft.headerExample.trim() === '') errors.headerExample = 'example';
  } else if (draft.headerFormat !== 'NONE' && draft.headerMediaHandle === '') {
    errors.headerMedia = 'mediaSample';
  }
  const vars = variablesOf(draft.body);
  const trimmed = draft.body.trim();
  if (trimmed === '') errors.body = 'bodyRequired';
  else if (draft.body.length > 1024) errors.body = 'bodyTooLong';
  else if (vars.some((n, i) => n !== i + 1)) errors.body = 'sequential';
  else if (vars.length > 0 && (/^\{\{[^}]*\}\}/.test(trimmed) || /\{\{[^}]*\}\}$/.test(trimmed))) {
    errors.body = 'edgeVariable';
  }
  vars.forEach((n) => {
    if (!draft.bodyExamples[n - 1]?.trim()) errors[`bodyExample${n}`] = 'example';
  });
  if (draft.footer.length > 60) errors.footer = 'footerTooLong';
  if (draft.buttons.length > MAX_BUTTONS) errors.buttons = 'tooManyButtons';
  draft.buttons.forEach((button, i) => {
    if (button.text.trim() === '' || button.text.length > 25) errors[`button${i}`] = 'buttonText';
    else if (button.type === 'URL') {
      const urlVars = variablesOf(button.value);
      if (!/^https?:\/\/\S+$/.test(button.value)) errors[`button${i}`] = 'url';
      else if (urlVars.length > 0 && !/\{\{1\}\}$/.test(button.value)) errors[`button${i}`] = 'urlVariable';
      else if (urlVars.length > 0 && button.example.trim() === '') errors[`button${i}`] = 'example';
    } else if (button.type === 'PHONE_NUMBER' && !/^\+?\d{6,20}$/.test(button.value)) {
      errors[`button${i}`] = 'phone';
    }
  });
  return errors;
}

/** The request for a checked draft. */
export function toCreateInput(draft: TemplateDraft): CreateTemplateInput {
  const bodyVars = variablesOf(draft.body);
  return {
    name: draft.name,
    language: draft.language,
    category: draft.category,
    header:
      draft.headerFormat === 'NONE'
        ? null
        : draft.headerFormat === 'TEXT'
          ? {
              format: 'TEXT',
              text: draft.headerText,
              ...(variablesOf(draft.headerText).length > 0 ? { example: [draft.headerExample] } : {}),
            }
          : { format: draft.headerFormat, exampleHandle: draft.headerMediaHandle },
    body: {
      text: draft.body,
      ...(bodyVars.length > 0 ? { examples: bodyVars.map((n) => draft.bodyExamples[n - 1] ?? '') } : {}),
    },
    footer: draft.footer.trim() === '' ? null : draft.footer,
    buttons: draft.buttons.map((button) =>
      button.type === 'URL'
        ? {
            type: 'URL',
            text: button.text,
            url: button.value,
            ...(variablesOf(button.value).length > 0 ? { example: [button.example] } : {}),
          }
        : button.type === 'PHONE_NUMBER'
          ? { type: 'PHONE_NUMBER', text: button.text, phoneNumber: button.value }
          : { type: 'QUICK_REPLY', text: button.text },
    ),
  };
}
