import type { IsoInstant } from './common';

/** A Facebook Page the connected Meta user manages, as the wizard's Page step lists it (issue 8). */
export type LeadAdsPageOption = {
  id: string;
  name: string;
  /** Chosen by this account: its Lead Ads leads come here. */
  chosen: boolean;
  /** Chosen by another CRM Ventas account: it cannot be chosen here until that account lets it go. */
  takenByAnotherAccount: boolean;
};

/** A Page the account chose. */
export type LeadAdsPageView = {
  id: string;
  name: string;
  chosenAt: IsoInstant;
  /** When the app was subscribed to the Page's `leadgen` webhooks (null: not confirmed by Meta). */
  subscribedAt: IsoInstant | null;
};

/**
 * Where a Lead Ads form answer goes in the CRM lead: its name (whole, or first / last part), email, phone, a line
 * of its notes (`city`, `notes`: "Question: answer"), a tag (the answer), or nowhere.
 */
export const LEAD_FORM_CRM_FIELDS = [
  'full_name',
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
  'notes',
  'tag',
  'ignore',
] as const;
export type LeadFormCrmField = (typeof LEAD_FORM_CRM_FIELDS)[number];

/** CRM fields one question at most may fill (the others collect every question mapped to them). */
export const SINGLE_LEAD_FORM_FIELDS: readonly LeadFormCrmField[] = [
  'full_name',
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
];

export type LeadFormQuestionView = {
  /** The answer's `field_data[].name`. */
  key: string;
  label: string;
  /** Meta's question type (FULL_NAME, EMAIL, PHONE, CITY, CUSTOM…). */
  type: string;
  /** Where the answer goes: the form's mapping, else the default. */
  field: LeadFormCrmField;
  defaultField: LeadFormCrmField;
};

/** A Lead Ads form of one of the account's Pages, as last synced from Meta, with its field mapping. */
export type LeadFormView = {
  id: string;
  pageId: string;
  /** The Page's name as it was when chosen (null once the Page is no longer chosen). */
  pageName: string | null;
  name: string;
  /** ACTIVE, ARCHIVED, DELETED, DRAFT. */
  status: string;
  locale: string | null;
  questions: LeadFormQuestionView[];
  /** The mapping was edited (else every question follows its default). */
  customMapping: boolean;
  syncedAt: IsoInstant;
};

export const LEADGEN_BACKFILL_STATES = ['queued', 'running', 'waiting', 'done', 'failed'] as const;
/** `waiting`: the last slice failed for a Meta / connection reason and is tried again later. */
export type LeadgenBackfillState = (typeof LEADGEN_BACKFILL_STATES)[number];

/** A bulk read of one form's leads over a range (after an outage, or the last 90 days of a newly chosen Page). */
export type LeadgenBackfillView = {
  id: string;
  formId: string;
  formName: string | null;
  pageId: string;
  /** The Page's name (null once the Page is no longer chosen). */
  pageName: string | null;
  since: IsoInstant;
  until: IsoInstant;
  /** `manual` (asked through the API) or `page_chosen` (the last 90 days of a Page chosen in the wizard). */
  reason: 'manual' | 'page_chosen';
  state: LeadgenBackfillState;
  /** Leads Meta returned so far, and those of them not published before (the others came by webhook). */
  leadsFound: number;
  leadsPublished: number;
  pagesRead: number;
  lastError: { code: string; message: string } | null;
  createdAt: IsoInstant;
  finishedAt: IsoInstant | null;
};
