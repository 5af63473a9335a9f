import { dayOfWeek } from './calendar';
import { between, createPrng } from './prng';
import type { SandboxAd } from './dataset.types';

export const ACTION_LEAD = 'lead';
export const ACTION_LEAD_GROUPED = 'onsite_conversion.lead_grouped';
export const ACTION_CONVERSATION_STARTED = 'onsite_conversion.messaging_conversation_started_7d';
export const ACTION_MESSAGING_CONNECTION = 'onsite_conversion.total_messaging_connection';
export const ACTION_LINK_CLICK = 'link_click';

/** One ad's delivery on one day. Money in minor units (cents) so sums are exact. */
export type DailyMetrics = {
  spendMinor: number;
  impressions: number;
  clicks: number;
  reach: number;
  actions: Record<string, number>;
};

type AdProfile = { baseSpend: number; cpm: number; ctr: number; conversion: number; frequency: number };

const profiles = new Map<string, AdProfile>();

const profileOf = (ad: SandboxAd, currency: string): AdProfile => {
  const key = `${ad.id}:${currency}`;
  const cached = profiles.get(key);
  if (cached) return cached;
  const rand = createPrng(`profile:${ad.id}`);
  const usd = currency === 'USD';
  const profile: AdProfile = {
    baseSpend: usd ? between(rand, 12, 45) : between(rand, 180, 650),
    cpm: usd ? between(rand, 4, 12) : between(rand, 35, 95),
    ctr: between(rand, 0.009, 0.028),
    conversion: ad.kind === 'lead_form' ? between(rand, 0.06, 0.14) : between(rand, 0.2, 0.4),
    frequency: between(rand, 1.05, 1.3),
  };
  profiles.set(key, profile);
  return profile;
};

const stochasticRound = (value: number, rand: () => number): number => Math.floor(value + rand());

/** Per ad and currency, per date (a nested map: one short key per lookup, however many ads and days). */
const cache = new Map<string, Map<string, DailyMetrics | null>>();

/**
 * Delivery of `ad` on calendar day `date` (ad account timezone): a pure function of (ad id, date). Returns null on the
 * ~4% of days without delivery. Whether the ad was running that day is decided by the caller.
 */
export const dailyMetrics = (ad: SandboxAd, currency: string, date: string): DailyMetrics | null => {
  const adKey = `${ad.id}:${currency}`;
  let days = cache.get(adKey);
  if (!days) {
    days = new Map();
    cache.set(adKey, days);
  }
  const cached = days.get(date);
  if (cached !== undefined) return cached;
  const profile = profileOf(ad, currency);
  const rand = createPrng(`day:${ad.id}:${date}`);
  let result: DailyMetrics | null = null;
  if (rand() >= 0.04) {
    const weekday = dayOfWeek(date);
    const weekdayFactor = weekday === 0 || weekday === 6 ? 0.8 : 1;
    const month = Number(date.slice(5, 7));
    const seasonFactor = 1 + 0.15 * Math.sin(((month - 1) / 12) * 2 * Math.PI);
    const spendMinor = Math.max(
      1,
      Math.round(profile.baseSpend * weekdayFactor * seasonFactor * between(rand, 0.65, 1.35) * 100),
    );
    const impressions = Math.max(
      1,
      Math.round((spendMinor / 100 / profile.cpm) * 1000 * between(rand, 0.9, 1.1)),
    );
    const clicks = stochasticRound(impressions * profile.ctr * between(rand, 0.8, 1.2), rand);
    const reach = Math.max(
      1,
      Math.min(impressions, Math.round(impressions / (profile.frequency * between(rand, 0.95, 1.05)))),
    );
    const actions: Record<string, number> = {};
    const linkClicks = stochasticRound(clicks * 0.85, rand);
    if (linkClicks > 0) actions[ACTION_LINK_CLICK] = linkClicks;
    if (ad.kind === 'lead_form') {
      const leads = stochasticRound(clicks * profile.conversion, rand);
      if (leads > 0) {
        actions[ACTION_LEAD] = leads;
        actions[ACTION_LEAD_GROUPED] = leads;
      }
    } else {
      const conversations = stochasticRound(clicks * profile.conversion, rand);
      if (conversations > 0) {
        actions[ACTION_CONVERSATION_STARTED] = conversations;
        actions[ACTION_MESSAGING_CONNECTION] = conversations + stochasticRound(conversations * 0.1, rand);
      }
    }
    result = { spendMinor, impressions, clicks, reach, actions };
  }
  days.set(date, result);
  return result;
};
