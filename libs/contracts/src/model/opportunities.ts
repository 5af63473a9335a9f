import type { OpportunityStatus, OpportunityView } from './crm';

/** Cards per column of the opportunities board unless the caller asks for another number. */
export const DEFAULT_BOARD_CARDS = 20;
export const MAX_BOARD_CARDS = 100;

/** Sum of opportunity values in one currency. */
export type MoneyTotal = { currency: string; value: number };

/** One kanban column: how many opportunities have this status, what they add up to, and the first cards. */
export type OpportunityBoardColumn = {
  status: OpportunityStatus;
  count: number;
  /** One entry per currency, largest first: values in different currencies are never added together. */
  totals: MoneyTotal[];
  /** Earliest deadline first (no deadline last), then newest. */
  cards: OpportunityView[];
};

/** The opportunities board: one column per status, in `OPPORTUNITY_STATUSES` order. */
export type OpportunityBoard = { columns: OpportunityBoardColumn[] };
