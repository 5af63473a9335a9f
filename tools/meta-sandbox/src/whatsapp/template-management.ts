import { randomInt } from 'node:crypto';
import type {
  SandboxTemplate,
  SandboxWaba,
  TemplateButton,
  TemplateCategory,
  TemplateComponent,
  TemplateStatus,
} from '../dataset/dataset.types';
import type { GraphContext } from '../graph/graph-context';
import { requireScope } from '../http/access-token';
import { GraphError, graphErrors } from '../http/graph-error';
import { meterCall } from '../http/rate-limit';
import { bodyObject } from '../http/request-params';
import { uploadedFile } from '../graph/resumable-upload';
import type { SandboxState, UploadedFile } from '../state/sandbox-state';
import { emitWebhook, type EmittedWebhook } from './webhook-emitter';

/**
 * `POST /{waba-id}/message_templates` (REFERENCE §7.2) and the template review Meta does afterwards. Validation
 * answers like Meta: HTTP 400, `code` 100 "Invalid parameter" with an `error_subcode` and the user-facing
 * `error_user_title` / `error_user_msg` (WhatsApp Manager shows the same texts). Subcodes used: 2388024 content in
 * this language exists, 2388040 character limit, 2388042 invalid name, 2388043 missing sample values, 2388047
 * header format, 2388072 variable format, 2388158 too many buttons, 2388293 body missing, 2388299 leading or
 * trailing variable.
 */

const LIMITS = { name: 512, header: 60, body: 1024, footer: 60, buttonText: 25, buttons: 10, url: 2000 };
const CATEGORIES: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;
const VARIABLE = /\{\{\s*([^}]*?)\s*\}\}/g;

const templateError = (subcode: number, title: string, message: string): GraphError =>
  new GraphError({
    message: 'Invalid parameter',
    code: 100,
    subcode,
    userTitle: title,
    userMsg: message,
    isTransient: false,
  });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A form-encoded Graph call sends `components` as a JSON string; a JSON body sends the array. */
const jsonParam = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** The positional variables of a text in order of appearance; throws Meta's errors for malformed ones. */
const variablesOf = (text: string, where: string): number[] => {
  const found: number[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    if (!/^\d+$/.test(match[1])) {
      throw templateError(
        2388072,
        'Variable parameter format is incorrect',
        `The ${where} contains a variable parameter with an incorrect format: {{${match[1]}}}. Use {{1}}, {{2}} and so on.`,
      );
    }
    found.push(Number(match[1]));
  }
  const distinct = [...new Set(found)].sort((a, b) => a - b);
  distinct.forEach((n, i) => {
    if (n !== i + 1) {
      throw templateError(
        2388072,
        'Variable parameters are not sequential',
        `The ${where} has variable parameters that are not sequential. Variables must start at {{1}} and follow in order ({{1}}, {{2}}…).`,
      );
    }
  });
  return distinct;
};

const tooLong = (what: string, max: number): GraphError =>
  templateError(
    2388040,
    'Message template character limit exceeded',
    `The ${what} is longer than ${max} characters. Shorten it and try again.`,
  );

const missingSamples = (where: string): GraphError =>
  templateError(
    2388043,
    'Message template is missing sample values',
    `The ${where} contains variables but no sample values. Add an example for each variable so Meta can review the template.`,
  );

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The `file_type`s of the Resumable Upload API each media header format takes. */
const MEDIA_TYPES_OF: Record<(typeof MEDIA_FORMATS)[number], string[]> = {
  IMAGE: ['image/jpeg', 'image/jpg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
};

/** What a template creation needs to know of an uploaded sample (the Resumable Upload API's handles). */
export type UploadedSampleLookup = (handle: string) => Pick<UploadedFile, 'fileType'> | undefined;

const shortened = (value: string): string => (value.length > 60 ? `${value.slice(0, 57)}...` : value);

/**
 * A media header's samples must be handles the Resumable Upload API issued (a URL is refused, as Meta does: subcode
 * 2494102, as developers report it) of a file the format takes (a PDF for DOCUMENT…).
 */
function checkSamples(
  format: (typeof MEDIA_FORMATS)[number],
  handles: string[],
  lookup: UploadedSampleLookup,
): void {
  for (const handle of handles) {
    const file = lookup(handle);
    if (!file) {
      throw templateError(
        2494102,
        'Uploaded Media Handle Is Invalid',
        `The sample in example.header_handle ("${shortened(handle)}") is not a handle from the Resumable Upload API, or it has expired. Upload the file again and use the handle the upload returns.`,
      );
    }
    const accepted = MEDIA_TYPES_OF[format];
    if (!accepted.includes(file.fileType)) {
      throw templateError(
        2388047,
        'Message header format is incorrect',
        `The sample of this ${format} header is a ${file.fileType} file; a ${format.toLowerCase()} header takes ${accepted.join(' or ')}.`,
      );
    }
  }
}

function readHeader(component: Json, lookup: UploadedSampleLookup): TemplateComponent {
  const format = String(component.format ?? '').toUpperCase();
  if (format === 'TEXT') {
    const headerText = text(component.text) ?? '';
    if (headerText.trim() === '') {
      throw templateError(2388047, 'Message header format is incorrect', 'A text header needs its text.');
    }
    if (headerText.length > LIMITS.header) throw tooLong('header', LIMITS.header);
    const variables = variablesOf(headerText, 'header');
    if (variables.length > 1) {
      throw templateError(
        2388047,
        'Message header format is incorrect',
        'A text header can have at most one variable ({{1}}).',
      );
    }
    const example = isObject(component.example) ? component.example.header_text : undefined;
    const samples = Array.isArray(example) ? example.filter((e) => typeof e === 'string' && e !== '') : [];
    if (variables.length > 0 && samples.length < variables.length) throw missingSamples('header');
    return {
      type: 'HEADER',
      format: 'TEXT',
      text: headerText,
      ...(variables.length > 0 ? { example: { header_text: samples as string[] } } : {}),
    };
  }
  if ((MEDIA_FORMATS as readonly string[]).includes(format)) {
    const example = isObject(component.example) ? component.example.header_handle : undefined;
    const handles = Array.isArray(example) ? example.filter((e) => typeof e === 'string' && e !== '') : [];
    if (handles.length === 0) {
      throw templateError(
        2388047,
        'Message header format is incorrect',
        `A ${format.toLowerCase()} header needs a sample (example.header_handle) so Meta can review the template.`,
      );
    }
    checkSamples(format as (typeof MEDIA_FORMATS)[number], handles as string[], lookup);
    return {
      type: 'HEADER',
      format: format as (typeof MEDIA_FORMATS)[number],
      example: { header_handle: handles as string[] },
    };
  }
  throw templateError(
    2388047,
    'Message header format is incorrect',
    `Header format must be one of TEXT, IMAGE, VIDEO or DOCUMENT, got "${format || 'nothing'}".`,
  );
}

function readBody(component: Json): TemplateComponent {
  const bodyText = text(component.text) ?? '';
  if (bodyText.trim() === '') {
    throw templateError(2388293, 'Message template body is required', 'Add the text of the message body.');
  }
  if (bodyText.length > LIMITS.body) throw tooLong('body', LIMITS.body);
  const variables = variablesOf(bodyText, 'body');
  const trimmed = bodyText.trim();
  if (variables.length > 0 && (/^\{\{[^}]*\}\}/.test(trimmed) || /\{\{[^}]*\}\}$/.test(trimmed))) {
    throw templateError(
      2388299,
      "Variables can't be at the start or end of the template",
      'The body starts or ends with a variable. Add text before the first variable and after the last one.',
    );
  }
  const example = isObject(component.example) ? component.example.body_text : undefined;
  const row = Array.isArray(example) && Array.isArray(example[0]) ? (example[0] as unknown[]) : [];
  const samples = row.filter((e): e is string => typeof e === 'string' && e.trim() !== '');
  if (variables.length > 0 && samples.length < variables.length) throw missingSamples('body');
  return {
    type: 'BODY',
    text: bodyText,
    ...(variables.length > 0 ? { example: { body_text: [samples.slice(0, variables.length)] } } : {}),
  };
}

function readButtons(component: Json): TemplateComponent {
  const raw = Array.isArray(component.buttons) ? component.buttons : [];
  if (raw.length === 0) {
    throw templateError(2388158, 'Buttons are missing', 'A BUTTONS component needs at least one button.');
  }
  if (raw.length > LIMITS.buttons) {
    throw templateError(
      2388158,
      'Too many buttons',
      `A template can have at most ${LIMITS.buttons} buttons; this one has ${raw.length}.`,
    );
  }
  const buttons: TemplateButton[] = raw.map((b, i) => {
    const button = isObject(b) ? b : {};
    const type = String(button.type ?? '').toUpperCase();
    const label = text(button.text) ?? '';
    if (label.trim() === '') {
      throw templateError(2388158, 'Button text is missing', `Button ${i + 1} needs a text.`);
    }
    if (label.length > LIMITS.buttonText) throw tooLong(`text of button ${i + 1}`, LIMITS.buttonText);
    if (type === 'QUICK_REPLY') return { type, text: label };
    if (type === 'URL') {
      const url = text(button.url) ?? '';
      if (!/^https?:\/\/\S+$/.test(url) || url.length > LIMITS.url) {
        throw templateError(2388158, 'Button URL is invalid', `Button ${i + 1} needs a valid http(s) URL.`);
      }
      const variables = variablesOf(url, `URL of button ${i + 1}`);
      if (variables.length > 1 || (variables.length === 1 && !/\{\{\s*1\s*\}\}$/.test(url))) {
        throw templateError(
          2388072,
          'Variable parameter format is incorrect',
          `The URL of button ${i + 1} can only have one variable, {{1}}, at its end.`,
        );
      }
      const example = Array.isArray(button.example)
        ? button.example.filter((e) => typeof e === 'string')
        : [];
      if (variables.length === 1 && example.length === 0) missingSamplesThrow(`URL of button ${i + 1}`);
      return { type, text: label, url, ...(variables.length === 1 ? { example: example as string[] } : {}) };
    }
    if (type === 'PHONE_NUMBER') {
      const phone = text(button.phone_number) ?? '';
      if (!/^\+?\d{6,20}$/.test(phone)) {
        throw templateError(
          2388158,
          'Phone number is invalid',
          `Button ${i + 1} needs a phone number with country code (digits only).`,
        );
      }
      return { type, text: label, phone_number: phone };
    }
    throw templateError(
      2388158,
      'Button type is not supported',
      `Button ${i + 1} has type "${type || 'nothing'}"; use QUICK_REPLY, URL or PHONE_NUMBER.`,
    );
  });
  return { type: 'BUTTONS', buttons };
}

function missingSamplesThrow(where: string): never {
  throw missingSamples(where);
}

/**
 * The components of a create request, validated as Meta does; returns them in Meta's stored form. `lookup` finds the
 * uploaded file behind a media header's sample handle.
 */
export function readTemplateComponents(input: unknown, lookup: UploadedSampleLookup): TemplateComponent[] {
  const parsed = jsonParam(input);
  if (!Array.isArray(parsed)) {
    throw graphErrors.invalidParameter('(#100) Param components must be an array');
  }
  const components: TemplateComponent[] = [];
  const seen = new Set<string>();
  for (const raw of parsed) {
    const component = isObject(raw) ? raw : {};
    const type = String(component.type ?? '').toUpperCase();
    if (seen.has(type)) {
      throw graphErrors.invalidParameter(`(#100) Param components has more than one ${type} component`);
    }
    seen.add(type);
    if (type === 'HEADER') components.push(readHeader(component, lookup));
    else if (type === 'BODY') components.push(readBody(component));
    else if (type === 'FOOTER') {
      const footer = text(component.text) ?? '';
      if (footer.length > LIMITS.footer) throw tooLong('footer', LIMITS.footer);
      if (/\{\{/.test(footer)) {
        throw templateError(
          2388072,
          'Variable parameter format is incorrect',
          'The footer cannot have variables.',
        );
      }
      if (footer.trim() !== '') components.push({ type: 'FOOTER', text: footer });
    } else if (type === 'BUTTONS') components.push(readButtons(component));
    else {
      throw graphErrors.invalidParameter(
        `(#100) Param components[type] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got "${type}"`,
      );
    }
  }
  if (!seen.has('BODY')) {
    throw templateError(2388293, 'Message template body is required', 'Add the text of the message body.');
  }
  return components;
}

const newTemplateId = (state: SandboxState): string => {
  for (;;) {
    const id = `1${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
    if (!state.templates.some((t) => t.id === id)) return id;
  }
};

/** `POST /{waba-id}/message_templates` → `{id, status: "PENDING", category}`. */
export const createTemplate = (ctx: GraphContext, waba: SandboxWaba): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  meterCall(ctx.state, ctx.res, { buc: 'whatsapp_business_management', ownerId: waba.id });
  const body = { ...(ctx.req.query as Json), ...bodyObject(ctx.req) };
  const name = text(body.name);
  if (!name) throw graphErrors.invalidParameter('(#100) The parameter name is required');
  const language = text(body.language);
  if (!language) throw graphErrors.invalidParameter('(#100) The parameter language is required');
  const category = String(body.category ?? '').toUpperCase() as TemplateCategory;
  if (!CATEGORIES.includes(category)) {
    throw graphErrors.invalidParameter(
      `(#100) Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got "${String(body.category ?? '')}".`,
    );
  }
  if (!/^[a-z0-9_]+$/.test(name) || name.length > LIMITS.name) {
    throw templateError(
      2388042,
      'Template name is invalid',
      'Template names can only contain lowercase letters, numbers and underscores (at most 512 characters).',
    );
  }
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) {
    throw graphErrors.invalidParameter(
      `(#100) Param language must be a supported language code - got "${language}".`,
    );
  }
  const components = readTemplateComponents(body.components, (handle) => uploadedFile(ctx.state, handle));
  if (ctx.state.templates.some((t) => t.wabaId === waba.id && t.name === name && t.language === language)) {
    throw templateError(
      2388024,
      'Content in this language already exists',
      `There is already ${language} content for the template ${name}. Create a new template or choose another language.`,
    );
  }
  const template: SandboxTemplate = {
    id: newTemplateId(ctx.state),
    wabaId: waba.id,
    name,
    language,
    status: 'PENDING',
    category,
    rejectedReason: 'NONE',
    components,
  };
  ctx.state.templates.push(template);
  return { id: template.id, status: template.status, category: template.category };
};

/** `DELETE /{waba-id}/message_templates?name=…[&hsm_id=…]` → `{success: true}` (every language of the name). */
export const deleteTemplate = (ctx: GraphContext, waba: SandboxWaba): unknown => {
  requireScope(ctx.token, 'whatsapp_business_management');
  const body = { ...(ctx.req.query as Json), ...bodyObject(ctx.req) };
  const name = text(body.name);
  if (!name) throw graphErrors.invalidParameter('(#100) The parameter name is required');
  const hsmId = text(body.hsm_id);
  const before = ctx.state.templates.length;
  ctx.state.templates = ctx.state.templates.filter(
    (t) => !(t.wabaId === waba.id && t.name === name && (!hsmId || t.id === hsmId)),
  );
  if (ctx.state.templates.length === before) {
    throw templateError(2593002, 'Template not found', `No template named ${name} was found.`);
  }
  return { success: true };
};

// ---------------------------------------------------------------------------------------------------------------
// Review (control API): Meta's decision and its webhooks (REFERENCE §7.7).

export type TemplateReview = {
  status: 'APPROVED' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'PENDING' | 'REINSTATED' | 'FLAGGED';
  reason?: string;
  recommendation?: string;
  /** `other_info.title` for PAUSED (FIRST_PAUSE, SECOND_PAUSE…) and unpause. */
  title?: string;
  description?: string;
  /** Unix seconds of the event (`entry.time`); default now. */
  time?: number;
};

const webhookLanguage = (language: string): string => language.replace('_', '-');

const templateWebhook = (template: SandboxTemplate, time: number, field: string, value: Json): Json => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: template.wabaId,
      time,
      changes: [
        {
          field,
          value: {
            // A JSON number here, as Meta sends it.
            message_template_id: Number(template.id),
            message_template_name: template.name,
            message_template_language: webhookLanguage(template.language),
            ...value,
          },
        },
      ],
    },
  ],
});

const STATUS_OF_REVIEW: Record<TemplateReview['status'], TemplateStatus | null> = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  PENDING: 'PENDING',
  REINSTATED: 'APPROVED',
  FLAGGED: null,
};

export const TEMPLATE_REVIEW_STATUSES = Object.keys(STATUS_OF_REVIEW) as TemplateReview['status'][];

/** Apply Meta's review decision to a template and post the `message_template_status_update` webhook. */
export const reviewTemplate = (
  state: SandboxState,
  template: SandboxTemplate,
  review: TemplateReview,
): EmittedWebhook => {
  const time = review.time ?? Math.floor(state.now() / 1000);
  const status = STATUS_OF_REVIEW[review.status];
  if (status) template.status = status;
  const reason = review.reason ?? (review.status === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE');
  template.rejectedReason = review.status === 'REJECTED' ? reason : 'NONE';
  const value: Json = { event: review.status, reason, message_template_category: template.category };
  if (review.status === 'REJECTED' && (review.recommendation || review.reason)) {
    value.rejection_info = {
      reason: review.reason ?? reason,
      recommendation: review.recommendation ?? 'Review the template guidelines and submit it again.',
    };
  }
  if (review.status === 'PAUSED' || review.status === 'REINSTATED' || review.title) {
    value.other_info = {
      title: review.title ?? (review.status === 'PAUSED' ? 'FIRST_PAUSE' : 'UNPAUSE'),
      description:
        review.description ??
        (review.status === 'PAUSED'
          ? 'Your message template has been paused for 3 hours due to low quality.'
          : 'Your message template has been unpaused.'),
    };
  }
  if (review.status === 'DISABLED') value.disable_info = { disable_date: time };
  return emitWebhook(
    state,
    'template',
    templateWebhook(template, time, 'message_template_status_update', value),
    {
      templateId: template.id,
      event: review.status,
    },
  );
};

export const QUALITY_SCORES = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;

/** Change a template's quality score and post the `message_template_quality_update` webhook. */
export const rateTemplate = (
  state: SandboxState,
  template: SandboxTemplate,
  score: (typeof QUALITY_SCORES)[number],
  time?: number,
): EmittedWebhook => {
  const previous = template.qualityScore ?? (template.status === 'APPROVED' ? 'GREEN' : 'UNKNOWN');
  template.qualityScore = score;
  return emitWebhook(
    state,
    'template',
    templateWebhook(template, time ?? Math.floor(state.now() / 1000), 'message_template_quality_update', {
      previous_quality_score: previous,
      new_quality_score: score,
    }),
    { templateId: template.id, event: `QUALITY_${score}` },
  );
};

/** Add `count` approved templates at once (a WABA with many pages of templates, for paging tests and the demo). */
export const addTemplates = (
  state: SandboxState,
  wabaId: string,
  count: number,
  prefix: string,
): SandboxTemplate[] => {
  const added: SandboxTemplate[] = [];
  for (let i = 0; i < count; i += 1) {
    const template: SandboxTemplate = {
      id: newTemplateId(state),
      wabaId,
      name: `${prefix}_${String(i).padStart(4, '0')}`,
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      rejectedReason: 'NONE',
      components: [{ type: 'BODY', text: `Hola {{1}}, mensaje ${i}.`, example: { body_text: [['Ana']] } }],
    };
    state.templates.push(template);
    added.push(template);
  }
  return added;
};
