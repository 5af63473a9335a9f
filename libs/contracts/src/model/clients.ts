import type { IsoInstant } from './common';
import type { MoneyTotal } from './opportunities';

/** Longest window `GET /crm/agenda` answers, in days. */
export const MAX_AGENDA_DAYS = 62;
/** Most deadlines one agenda answer lists; `truncated` tells when there were more. */
export const MAX_AGENDA_ITEMS = 500;

/** A lead with at least one completed sale. */
export type ClientView = {
  leadId: string;
  name: string;
  phone: string;
  assignedUserId: string | null;
  assignedUserName: string | null;
  /** Completed sales (refunded ones excluded), one entry per currency, largest first. */
  revenue: MoneyTotal[];
  /** Number of completed sales. */
  purchases: number;
  lastPurchaseAt: IsoInstant;
};

/** A pending opportunity whose deadline falls in the agenda window. */
export type AgendaItem = {
  opportunityId: string;
  leadId: string;
  leadName: string;
  title: string;
  value: number;
  currency: string;
  deadline: IsoInstant;
  ownerId: string | null;
  ownerName: string | null;
};

/** Deadlines in `[from, to)`, earliest first; at most `MAX_AGENDA_ITEMS`. */
export type Agenda = { from: IsoInstant; to: IsoInstant; items: AgendaItem[]; truncated: boolean };
