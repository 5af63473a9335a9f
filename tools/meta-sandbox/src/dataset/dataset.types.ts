/** Static, deterministic description of everything the sandbox serves. Dates that depend on "today" are stored as
 * day offsets and resolved at request time in the owning ad account's timezone. */

export type SandboxUser = { id: string; name: string; firstName: string; lastName: string; email: string };

export type SandboxApp = { id: string; name: string };

export type BusinessVerificationStatus = 'verified' | 'not_verified' | 'pending';

export type SandboxBusiness = {
  id: string;
  name: string;
  verificationStatus: BusinessVerificationStatus;
  createdTime: string;
  vertical: string;
  timezoneId: number;
  primaryPageId?: string;
};

export type SandboxAdAccount = {
  /** numeric id without the `act_` prefix */
  accountId: string;
  name: string;
  currency: 'MXN' | 'USD';
  timezoneName: string;
  timezoneId: number;
  timezoneOffsetHoursUtc: number;
  accountStatus: 1 | 2;
  disableReason: number;
  ownerBusinessId: string;
  clientBusinessIds: string[];
  createdTime: string;
  /** minor units, as Meta sends them */
  spendCap: string;
};

export type CampaignObjective = 'OUTCOME_LEADS' | 'OUTCOME_ENGAGEMENT';
export type ConfiguredStatus = 'ACTIVE' | 'PAUSED';

export type SandboxCampaign = {
  id: string;
  accountId: string;
  name: string;
  objective: CampaignObjective;
  status: ConfiguredStatus;
  dailyBudget: string;
  createdTime: string;
  startDaysAgo: number;
  /** days before today on which delivery stopped (paused campaigns) */
  stopDaysAgo?: number;
};

export type SandboxAdSet = {
  id: string;
  accountId: string;
  campaignId: string;
  name: string;
  status: ConfiguredStatus;
  destinationType: 'ON_AD' | 'WHATSAPP';
  optimizationGoal: 'LEAD_GENERATION' | 'CONVERSATIONS';
  billingEvent: 'IMPRESSIONS';
  dailyBudget: string;
  createdTime: string;
};

export type SandboxAd = {
  id: string;
  accountId: string;
  campaignId: string;
  adsetId: string;
  name: string;
  status: ConfiguredStatus;
  createdTime: string;
  creativeId: string;
  headline: string;
  body: string;
  /** leadgen form for instant-form ads */
  formId?: string;
  kind: 'lead_form' | 'click_to_whatsapp';
};

export type SandboxPage = { id: string; name: string; category: string; businessId: string };

export type LeadFormQuestion = {
  key: string;
  label: string;
  /** Meta's question types (CUSTOM: a question the advertiser wrote, keyed by their own key). */
  type: 'FULL_NAME' | 'EMAIL' | 'PHONE' | 'CITY' | 'CUSTOM';
};

export type SandboxLeadForm = {
  id: string;
  pageId: string;
  name: string;
  status: 'ACTIVE' | 'ARCHIVED';
  locale: string;
  createdTime: string;
  questions: LeadFormQuestion[];
  privacyPolicyUrl: string;
};

export type SandboxWaba = {
  id: string;
  name: string;
  ownerBusinessId: string;
  currency: string;
  timezoneId: string;
  messageTemplateNamespace: string;
};

export type SandboxPhoneNumber = {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  /** digits only, as in webhook metadata */
  digits: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'NA';
};

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
export type TemplateCategory = 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';

export type TemplateButton = {
  type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER';
  text: string;
  url?: string;
  example?: string[];
  phone_number?: string;
};

export type TemplateComponent =
  | { type: 'HEADER'; format: 'TEXT'; text: string; example?: { header_text: string[] } }
  | { type: 'HEADER'; format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'; example?: { header_handle: string[] } }
  | { type: 'BODY'; text: string; example?: { body_text: string[][] } }
  | { type: 'FOOTER'; text: string }
  | { type: 'BUTTONS'; buttons: TemplateButton[] };

export type SandboxTemplate = {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  status: TemplateStatus;
  category: TemplateCategory;
  rejectedReason: string;
  components: TemplateComponent[];
  /** `GREEN | YELLOW | RED | UNKNOWN`; absent: GREEN when approved, else UNKNOWN. */
  qualityScore?: string;
};

export type SeedLead = {
  id: string;
  formId: string;
  adId?: string;
  createdDaysAgo: number;
  fullName: string;
  email: string;
  phone: string;
};

export type Dataset = {
  seed: string;
  app: SandboxApp;
  user: SandboxUser;
  businesses: SandboxBusiness[];
  adAccounts: SandboxAdAccount[];
  campaigns: SandboxCampaign[];
  adSets: SandboxAdSet[];
  ads: SandboxAd[];
  pages: SandboxPage[];
  leadForms: SandboxLeadForm[];
  wabas: SandboxWaba[];
  phoneNumbers: SandboxPhoneNumber[];
  templates: SandboxTemplate[];
  seedLeads: SeedLead[];
  /** days of insights history available up to today */
  insightsHistoryDays: number;
};
