import type { LeadSource, LeadStatus, OpportunityStatus, Role } from '@crm/contracts';
import type { LeadRecord } from '../leads/lead-store';
import type { OpportunityRecord } from '../leads/opportunity-store';
import type { SaleRecord } from '../leads/sale-store';
import { Prng } from './prng';

export const DEMO_TENANT = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Inmobiliaria Sol',
  currency: 'MXN',
  timezone: 'America/Mexico_City',
} as const;

export const DEMO_PASSWORD = 'demo1234';

export const DEMO_USERS: readonly { id: string; email: string; name: string; role: Role }[] = [
  {
    id: '00000000-0000-4000-8000-0000000000a1',
    email: 'ceo@demo.crmventas.test',
    name: 'Carla Gómez',
    role: 'ceo',
  },
  {
    id: '00000000-0000-4000-8000-0000000000a2',
    email: 'profesional@demo.crmventas.test',
    name: 'Diego Ramírez',
    role: 'professional',
  },
  {
    id: '00000000-0000-4000-8000-0000000000a3',
    email: 'setter@demo.crmventas.test',
    name: 'Sofía Hernández',
    role: 'setter',
  },
  {
    id: '00000000-0000-4000-8000-0000000000a4',
    email: 'closer@demo.crmventas.test',
    name: 'Luis Martínez',
    role: 'closer',
  },
];

/** An ad id Meta does not know (deleted ad, another account): exercises the "unattributed" bucket. */
export const UNKNOWN_AD_ID = '999999999999999';

export type SeedAd = { adId: string; adsetId: string; campaignId: string };
export type SeedInput = { ads: SeedAd[]; referenceDate?: string };

export type SeedLead = LeadRecord;
export type SeedOpportunity = OpportunityRecord;
export type SeedSale = SaleRecord & { opportunityId: string; status: 'completed'; completedAt: Date };

export type DemoData = { leads: SeedLead[]; opportunities: SeedOpportunity[]; sales: SeedSale[] };

const NUMERIC_ID = /^\d{1,30}$/;

/** Validate the seed's JSON input (`{ ads: [{adId, adsetId, campaignId}], referenceDate? }`). */
export function parseSeedInput(json: unknown): { ads: SeedAd[]; referenceDate: Date | undefined } {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as SeedInput).ads)) {
    throw new Error(
      'expected { "ads": [{ "adId", "adsetId", "campaignId" }], "referenceDate"?: ISO instant }',
    );
  }
  const input = json as SeedInput;
  if (input.ads.length === 0) throw new Error('ads must list at least one ad');
  const ads = input.ads.map((ad, index) => {
    for (const key of ['adId', 'adsetId', 'campaignId'] as const) {
      const value = (ad as Record<string, unknown>)?.[key];
      if (typeof value !== 'string' || !NUMERIC_ID.test(value)) {
        throw new Error(`ads[${index}].${key} must be a numeric Meta id string`);
      }
    }
    return { adId: ad.adId, adsetId: ad.adsetId, campaignId: ad.campaignId };
  });
  let referenceDate: Date | undefined;
  if (input.referenceDate !== undefined) {
    referenceDate = new Date(input.referenceDate);
    if (typeof input.referenceDate !== 'string' || Number.isNaN(referenceDate.getTime())) {
      throw new Error('referenceDate must be an ISO-8601 instant');
    }
  }
  return { ads, referenceDate };
}

const FIRST_NAMES = [
  'María',
  'José',
  'Guadalupe',
  'Juan',
  'Fernanda',
  'Luis',
  'Alejandra',
  'Carlos',
  'Daniela',
  'Miguel',
  'Valeria',
  'Jorge',
  'Mariana',
  'Ricardo',
  'Sofía',
  'Eduardo',
  'Ximena',
  'Javier',
  'Andrea',
  'Francisco',
  'Paola',
  'Alberto',
  'Regina',
  'Rodrigo',
  'Lucía',
  'Arturo',
  'Camila',
  'Héctor',
  'Renata',
  'Sergio',
];
const LAST_NAMES = [
  'Hernández',
  'García',
  'Martínez',
  'López',
  'González',
  'Pérez',
  'Rodríguez',
  'Sánchez',
  'Ramírez',
  'Cruz',
  'Flores',
  'Gómez',
  'Morales',
  'Vázquez',
  'Reyes',
  'Jiménez',
  'Torres',
  'Díaz',
  'Gutiérrez',
  'Ruiz',
  'Mendoza',
  'Aguilar',
  'Ortiz',
  'Moreno',
  'Castillo',
  'Romero',
  'Álvarez',
  'Méndez',
  'Chávez',
  'Rivera',
];
/** Seeded lost opportunities all give the same reason (no PRNG draw, so the rest of the data is unchanged). */
const SEED_LOST_REASON = 'Eligió otra propiedad';
const PROPERTIES = [
  'Departamento 2 recámaras',
  'Departamento 3 recámaras',
  'Casa en condominio',
  'Casa con jardín',
  'Terreno residencial',
  'Local comercial',
  'Oficina',
  'Penthouse',
];
const AREAS = [
  'Polanco',
  'Del Valle',
  'Roma Norte',
  'Coyoacán',
  'Santa Fe',
  'Narvarte',
  'Condesa',
  'Zapopan',
  'San Pedro',
  'Providencia',
  'Lomas',
  'Satélite',
];
const EMAIL_DOMAINS = ['example.com', 'example.mx', 'example.org'];
/** CDMX, Guadalajara, Monterrey, Puebla-ish two-digit area codes (mobile numbers keep WhatsApp's `1`). */
const AREA_CODES = ['55', '33', '81', '22'];

const SOURCES: readonly (readonly [LeadSource, number])[] = [
  ['META_ADS', 45],
  ['WHATSAPP', 20],
  ['WEBSITE', 15],
  ['REFERRAL', 10],
  ['MANUAL', 10],
];
const STATUSES: readonly (readonly [LeadStatus, number])[] = [
  ['nuevo', 20],
  ['contactado', 20],
  ['calificado', 15],
  ['llamada_agendada', 10],
  ['negociacion', 10],
  ['cerrado_ganado', 12],
  ['cerrado_perdido', 13],
];
const FRESH_STATUSES: readonly (readonly [LeadStatus, number])[] = [
  ['nuevo', 60],
  ['contactado', 30],
  ['calificado', 10],
];
/** Share of leads in a status that have an opportunity (about 35% of all leads overall). */
const OPPORTUNITY_SHARE: Record<LeadStatus, number> = {
  nuevo: 0,
  contactado: 0,
  calificado: 0.15,
  llamada_agendada: 0.4,
  negociacion: 1,
  cerrado_ganado: 1,
  cerrado_perdido: 0.6,
};

const DAY = 86_400_000;
const MINUTE = 60_000;
const SEED = 20_260_101;
const USD_PER_MXN = 1 / 17.5;
const USD_SALES = 5;

/**
 * The demo tenant's leads, opportunities and sales, spread over the 90 days before `referenceDate`.
 * Deterministic: the same ads give the same rows; `referenceDate` only shifts the timestamps.
 */
export function generateDemoData(options: {
  ads: SeedAd[];
  referenceDate: Date;
  leadCount?: number;
}): DemoData {
  const rng = new Prng(SEED);
  const reference = options.referenceDate.getTime();
  /** Nothing happens at or after the reference instant (it is the exclusive end of report ranges). */
  const latest = reference - MINUTE;
  const leadCount = options.leadCount ?? 2000;
  const adWeights = options.ads.map((ad) => [ad, rng.int(1, 6)] as const);
  const [, professional, setter, closer] = DEMO_USERS.map((user) => user.id);
  const leads: SeedLead[] = [];
  const opportunities: SeedOpportunity[] = [];
  const sales: SeedSale[] = [];
  let usdSales = 0;

  for (let i = 0; i < leadCount; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const second = rng.pick(LAST_NAMES);
    const ageMs = rng.int(5 * MINUTE, 90 * DAY - MINUTE);
    const createdAt = reference - ageMs;
    const leadSource = rng.weighted(SOURCES);
    const status = ageMs < 3 * DAY ? rng.weighted(FRESH_STATUSES) : rng.weighted(STATUSES);

    let metaAdId: string | null = null;
    let metaAdsetId: string | null = null;
    let metaCampaignId: string | null = null;
    let ctwaClid: string | null = null;
    let metaLeadgenId: string | null = null;
    if (leadSource === 'META_ADS') {
      if (rng.chance(0.02)) {
        metaAdId = UNKNOWN_AD_ID;
      } else {
        const ad = rng.weighted(adWeights);
        metaAdId = ad.adId;
        metaAdsetId = ad.adsetId;
        metaCampaignId = ad.campaignId;
      }
      // Most Meta leads come from Click-to-WhatsApp ads, the rest from instant forms.
      if (rng.chance(0.65)) ctwaClid = `ARA${rng.token(40)}`;
      else metaLeadgenId = String(900_000_000_000_000 + i);
    }

    const hasOpportunity = rng.chance(OPPORTUNITY_SHARE[status]);
    const assignedUserId = rng.weighted<string | null>(
      hasOpportunity
        ? [
            [closer, 60],
            [professional, 30],
            [setter, 10],
          ]
        : [
            [setter, 45],
            [closer, 20],
            [professional, 15],
            [null, 20],
          ],
    );
    const lead: SeedLead = {
      id: rng.uuid(),
      name: `${first} ${last} ${second}`,
      phone: `+521${rng.pick(AREA_CODES)}${10_000_000 + ((i * 7919 + 12_345) % 90_000_000)}`,
      email: rng.chance(0.5)
        ? `${asciiLower(first)}.${asciiLower(last)}${i}@${rng.pick(EMAIL_DOMAINS)}`
        : null,
      status,
      leadSource,
      metaAdId,
      metaAdsetId,
      metaCampaignId,
      ctwaClid,
      metaLeadgenId,
      optedOut: (leadSource === 'META_ADS' || leadSource === 'WHATSAPP') && rng.chance(0.02),
      assignedUserId,
      createdAt: new Date(createdAt),
      updatedAt: new Date(createdAt),
    };
    leads.push(lead);
    if (!hasOpportunity) continue;

    const opportunityAt = between(rng, createdAt + 30 * MINUTE, Math.min(createdAt + 10 * DAY, latest));
    const value = roundTo(5_000 * Math.pow(50, rng.next()), 100); // 5,000 – 250,000, more small than big
    const oppStatus: OpportunityStatus =
      status === 'cerrado_ganado' ? 'won' : status === 'cerrado_perdido' ? 'lost' : 'pending';
    const closedAt =
      oppStatus === 'pending'
        ? null
        : between(rng, opportunityAt + DAY, Math.min(opportunityAt + 20 * DAY, latest));
    const opportunity: SeedOpportunity = {
      id: rng.uuid(),
      leadId: lead.id,
      title: `${rng.pick(PROPERTIES)} en ${rng.pick(AREAS)}`,
      value,
      currency: 'MXN',
      status: oppStatus,
      deadline: oppStatus === 'pending' ? new Date(opportunityAt + 30 * DAY) : null,
      createdAt: new Date(opportunityAt),
      closedAt: closedAt === null ? null : new Date(closedAt),
      lostReason: oppStatus === 'lost' ? SEED_LOST_REASON : null,
      ownerId: assignedUserId,
    };
    opportunities.push(opportunity);
    lead.updatedAt = new Date(closedAt ?? opportunityAt);
    if (oppStatus !== 'won' || closedAt === null) continue;

    const completedAt = between(rng, closedAt + DAY, Math.min(closedAt + 7 * DAY, latest));
    const inUsd = leadSource === 'META_ADS' && usdSales < USD_SALES && rng.chance(0.25);
    if (inUsd) usdSales += 1;
    sales.push({
      id: rng.uuid(),
      leadId: lead.id,
      opportunityId: opportunity.id,
      amount: inUsd ? roundTo(value * USD_PER_MXN, 1) : value,
      currency: inUsd ? 'USD' : 'MXN',
      status: 'completed',
      completedAt: new Date(completedAt),
      createdAt: new Date(closedAt),
    });
  }
  return { leads, opportunities, sales };
}

/** Uniform instant in [from, to]; `to` wins when the window is empty (e.g. close to the reference date). */
function between(rng: Prng, from: number, to: number): number {
  if (to <= from) return to;
  return from + Math.floor(rng.next() * (to - from));
}

function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function asciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}
