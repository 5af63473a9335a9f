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
  name: string;
  /** ACTIVE, ARCHIVED, DELETED, DRAFT. */
  status: string;
  locale: string | null;
  questions: LeadFormQuestionView[];
  /** The mapping was edited (else every question follows its default). */
  customMapping: boolean;
  syncedAt: IsoInstant;
};
