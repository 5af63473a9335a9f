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
