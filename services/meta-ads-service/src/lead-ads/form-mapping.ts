import {
  DomainError,
  LEAD_FORM_CRM_FIELDS,
  MAX_LEAD_NOTES_LENGTH,
  MAX_LEAD_TAG_LENGTH,
  MAX_LEAD_TAGS,
  SINGLE_LEAD_FORM_FIELDS,
  type LeadFormCrmField,
} from '@crm/contracts';
import { normaliseToE164 } from '../common/phone';

/** A form question as Meta describes it (`questions[]` of `GET /{page}/leadgen_forms`, REFERENCE §6.4). */
export type FormQuestion = { key: string; label: string; type: string };

/** Question key → CRM field, as edited for one form (questions left out follow their default). */
export type FormMapping = Record<string, LeadFormCrmField>;

/** The CRM fields a lead's answers give (`evt.meta.leadgen.received` fields, without tenant and ids). */
export type MappedAnswers = {
  fullName?: string;
  email?: string;
  phone?: string;
  notes?: string;
  tags?: string[];
};

/** Meta's standard question keys and types (REFERENCE §6.3), and where they go by default. */
const DEFAULT_BY_KEY: Record<string, LeadFormCrmField> = {
  full_name: 'full_name',
  first_name: 'first_name',
  last_name: 'last_name',
  email: 'email',
  work_email: 'email',
  phone_number: 'phone',
  phone: 'phone',
  work_phone_number: 'phone',
  city: 'city',
};
const DEFAULT_BY_TYPE: Record<string, LeadFormCrmField> = {
  FULL_NAME: 'full_name',
  FIRST_NAME: 'first_name',
  LAST_NAME: 'last_name',
  EMAIL: 'email',
  WORK_EMAIL: 'email',
  PHONE: 'phone',
  WORK_PHONE_NUMBER: 'phone',
  CITY: 'city',
};

/** Where an answer goes when nobody chose: a standard key or type to its field, anything else to the notes. */
export function defaultFieldFor(question: Pick<FormQuestion, 'key' | 'type'>): LeadFormCrmField {
  return (
    DEFAULT_BY_KEY[question.key.toLowerCase()] ?? DEFAULT_BY_TYPE[question.type.toUpperCase()] ?? 'notes'
  );
}

/** The field each question's answer goes to: the form's mapping, else the default. */
export function effectiveField(question: FormQuestion, mapping: FormMapping | null): LeadFormCrmField {
  return mapping?.[question.key] ?? defaultFieldFor(question);
}

/**
 * A mapping a person sent, checked against the form's questions: keys must be questions, values CRM fields, and a
 * name / email / phone / city field is filled by one question at most (with the defaults of the others). VALIDATION
 * naming the problem otherwise.
 */
export function checkMapping(
  questions: readonly FormQuestion[],
  mapping: Record<string, unknown>,
): FormMapping {
  const keys = new Set(questions.map((q) => q.key));
  const checked: FormMapping = {};
  for (const [key, field] of Object.entries(mapping)) {
    if (!keys.has(key)) throw new DomainError('VALIDATION', `mapping.${key}: the form has no such question`);
    if (typeof field !== 'string' || !(LEAD_FORM_CRM_FIELDS as readonly string[]).includes(field)) {
      throw new DomainError('VALIDATION', `mapping.${key} must be one of ${LEAD_FORM_CRM_FIELDS.join(', ')}`);
    }
    checked[key] = field as LeadFormCrmField;
  }
  const used = new Map<LeadFormCrmField, string>();
  for (const question of questions) {
    const field = effectiveField(question, checked);
    if (!SINGLE_LEAD_FORM_FIELDS.includes(field)) continue;
    const other = used.get(field);
    if (other) {
      throw new DomainError(
        'VALIDATION',
        `mapping: questions ${other} and ${question.key} both go to ${field}; choose one`,
      );
    }
    used.set(field, question.key);
  }
  return checked;
}

/**
 * A lead's `field_data` through the form's mapping. Unknown forms (no questions stored) use the defaults by key.
 * The phone only when it could be brought to E.164; city and notes answers become "Label: answer" lines.
 */
export function mapAnswers(
  fieldData: unknown,
  questions: readonly FormQuestion[],
  mapping: FormMapping | null,
): MappedAnswers {
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const parts: Partial<Record<LeadFormCrmField, string>> = {};
  const lines: string[] = [];
  const tags: string[] = [];
  for (const field of Array.isArray(fieldData) ? fieldData : []) {
    if (typeof field !== 'object' || field === null) continue;
    const { name, values } = field as { name?: unknown; values?: unknown };
    if (typeof name !== 'string' || !Array.isArray(values)) continue;
    const answer = values
      .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      .map((v) => v.trim())
      .join(', ');
    if (!answer) continue;
    const question = byKey.get(name) ?? { key: name, label: name, type: '' };
    const target = effectiveField(question, mapping);
    if (target === 'ignore') continue;
    if (target === 'notes' || target === 'city') lines.push(`${question.label || question.key}: ${answer}`);
    else if (target === 'tag') tags.push(answer.slice(0, MAX_LEAD_TAG_LENGTH));
    else parts[target] ??= answer;
  }
  const fullName =
    parts.full_name ?? ([parts.first_name, parts.last_name].filter(Boolean).join(' ') || undefined);
  const email = parts.email?.toLowerCase();
  const phone = normaliseToE164(parts.phone);
  const notes = lines.join('\n').slice(0, MAX_LEAD_NOTES_LENGTH);
  const uniqueTags = [...new Set(tags)].slice(0, MAX_LEAD_TAGS);
  return {
    ...(fullName ? { fullName } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(notes ? { notes } : {}),
    ...(uniqueTags.length > 0 ? { tags: uniqueTags } : {}),
  };
}
