import { buildDataset, DEFAULT_APP_ID } from './build-dataset';
import type { Dataset } from './dataset.types';

export type SandboxAdSummary = {
  adId: string;
  adName: string;
  adsetId: string;
  adsetName: string;
  campaignId: string;
  campaignName: string;
  adAccountId: string;
  kind: 'lead_form' | 'click_to_whatsapp';
};

export type SandboxIds = {
  appId: string;
  userId: string;
  businessId: string;
  agencyBusinessId: string;
  /** main demo ad account, with the `act_` prefix */
  adAccountId: string;
  /** main demo ad account, numeric id without prefix */
  adAccountNumericId: string;
  usdAdAccountId: string;
  disabledAdAccountId: string;
  campaignIds: string[];
  adsetIds: string[];
  adIds: string[];
  leadAdIds: string[];
  ctwaAdIds: string[];
  wabaId: string;
  phoneNumberIds: string[];
  pageId: string;
  formId: string;
  formIds: string[];
  templateIds: Record<string, string>;
};

/** The well-known ids of a dataset (default dataset: `SANDBOX_IDS`). */
export const idsOf = (dataset: Dataset): SandboxIds => {
  const [main, usd, disabled] = dataset.adAccounts;
  const mainAds = dataset.ads.filter((ad) => ad.accountId === main.accountId);
  return {
    appId: dataset.app.id,
    userId: dataset.user.id,
    businessId: dataset.businesses[0].id,
    agencyBusinessId: dataset.businesses[1].id,
    adAccountId: `act_${main.accountId}`,
    adAccountNumericId: main.accountId,
    usdAdAccountId: `act_${usd.accountId}`,
    disabledAdAccountId: `act_${disabled.accountId}`,
    campaignIds: dataset.campaigns.filter((c) => c.accountId === main.accountId).map((c) => c.id),
    adsetIds: dataset.adSets.filter((s) => s.accountId === main.accountId).map((s) => s.id),
    adIds: mainAds.map((ad) => ad.id),
    leadAdIds: mainAds.filter((ad) => ad.kind === 'lead_form').map((ad) => ad.id),
    ctwaAdIds: mainAds.filter((ad) => ad.kind === 'click_to_whatsapp').map((ad) => ad.id),
    wabaId: dataset.wabas[0].id,
    phoneNumberIds: dataset.phoneNumbers.map((p) => p.id),
    pageId: dataset.pages[0].id,
    formId: dataset.leadForms[0].id,
    formIds: dataset.leadForms.map((f) => f.id),
    templateIds: Object.fromEntries(dataset.templates.map((t) => [`${t.name}:${t.language}`, t.id])),
  };
};

/** Ads of a dataset joined with their ad set and campaign names (all ad accounts). */
export const listAdsOf = (dataset: Dataset): SandboxAdSummary[] =>
  dataset.ads.map((ad) => {
    const campaign = dataset.campaigns.find((c) => c.id === ad.campaignId);
    const adset = dataset.adSets.find((s) => s.id === ad.adsetId);
    return {
      adId: ad.id,
      adName: ad.name,
      adsetId: ad.adsetId,
      adsetName: adset?.name ?? '',
      campaignId: ad.campaignId,
      campaignName: campaign?.name ?? '',
      adAccountId: `act_${ad.accountId}`,
      kind: ad.kind,
    };
  });

const DEFAULT_DATASET = buildDataset({ appId: DEFAULT_APP_ID });

/** Ids of the default dataset (default app id). Stable across runs and machines. */
export const SANDBOX_IDS: SandboxIds = idsOf(DEFAULT_DATASET);

/** Ads of the default dataset, for seed scripts: `{adId, adName, adsetId, campaignId, campaignName, ...}`. */
export const listAds = (): SandboxAdSummary[] => listAdsOf(DEFAULT_DATASET);
