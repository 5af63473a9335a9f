import { SINGLE_LEAD_FORM_FIELDS, type LeadFormCrmField, type LeadFormView } from '@crm/contracts/browser';

/** Question key → the CRM field chosen in the editor (every question of the form). */
export type MappingDraft = Record<string, LeadFormCrmField>;

/** What the editor starts with: where each answer goes now. */
export function draftOf(form: LeadFormView): MappingDraft {
  return Object.fromEntries(form.questions.map((question) => [question.key, question.field]));
}

/** Every question back to its default field. */
export function defaultDraftOf(form: LeadFormView): MappingDraft {
  return Object.fromEntries(form.questions.map((question) => [question.key, question.defaultField]));
}

/** The edited form differs from what is saved. */
export function isDirty(form: LeadFormView, draft: MappingDraft): boolean {
  return form.questions.some((question) => (draft[question.key] ?? question.field) !== question.field);
}

/**
 * The mapping sent to the API: only the questions that leave their default (the API takes the whole mapping and the
 * questions left out follow their default, so "all defaults" is `{}` and the form is no longer custom).
 */
export function mappingToSave(form: LeadFormView, draft: MappingDraft): Record<string, LeadFormCrmField> {
  const mapping: Record<string, LeadFormCrmField> = {};
  for (const question of form.questions) {
    const field = draft[question.key] ?? question.field;
    if (field !== question.defaultField) mapping[question.key] = field;
  }
  return mapping;
}

/**
 * The questions that share a field only one question may fill (name, email, phone, city), as the API refuses them:
 * question key → that field.
 */
export function clashingQuestions(form: LeadFormView, draft: MappingDraft): Map<string, LeadFormCrmField> {
  const byField = new Map<LeadFormCrmField, string[]>();
  for (const question of form.questions) {
    const field = draft[question.key] ?? question.field;
    if (!SINGLE_LEAD_FORM_FIELDS.includes(field)) continue;
    byField.set(field, [...(byField.get(field) ?? []), question.key]);
  }
  const clashes = new Map<string, LeadFormCrmField>();
  for (const [field, keys] of byField) {
    if (keys.length > 1) for (const key of keys) clashes.set(key, field);
  }
  return clashes;
}
