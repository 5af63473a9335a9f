import { between, createPrng, numericId } from './prng';
import type {
  CampaignObjective,
  ConfiguredStatus,
  Dataset,
  SandboxAd,
  SandboxAdSet,
  SandboxCampaign,
  SandboxTemplate,
  SeedLead,
} from './dataset.types';

export const DEFAULT_APP_ID = '1200000000000001';
export const DEFAULT_SEED = 'crm-ventas-demo-v1';

export type BuildDatasetOptions = {
  appId?: string;
  seed?: string;
  /**
   * Extra lead campaigns in the main ad account, each with one ad set of `adsPerCampaign` ads (the benchmarks use
   * 50 × 20). Added after everything else, so the default dataset does not change.
   */
  extraCampaigns?: { campaigns: number; adsPerCampaign: number };
};

type CampaignPlan = {
  key: string;
  name: string;
  objective: CampaignObjective;
  status: ConfiguredStatus;
  startDaysAgo: number;
  stopDaysAgo?: number;
  adSets: { name: string; ads: { name: string; headline: string; body: string }[] }[];
  formKey?: 'main' | 'queretaro';
};

const MAIN_PLANS: CampaignPlan[] = [
  {
    key: 'polanco',
    name: 'Leads · Departamentos Polanco',
    objective: 'OUTCOME_LEADS',
    status: 'ACTIVE',
    startDaysAgo: 400,
    formKey: 'main',
    adSets: [
      {
        name: 'Polanco · 25-45 · CDMX',
        ads: [
          {
            name: 'Polanco · Video recorrido',
            headline: 'Departamentos en Polanco',
            body: 'Estrena en Polanco desde $4.2 M.',
          },
          {
            name: 'Polanco · Carrusel amenidades',
            headline: 'Vive con amenidades',
            body: 'Roof garden, gimnasio y seguridad 24/7.',
          },
        ],
      },
      {
        name: 'Polanco · Intereses inversión',
        ads: [
          {
            name: 'Polanco · Plusvalía 12%',
            headline: 'Invierte con plusvalía',
            body: 'Plusvalía anual estimada del 12%.',
          },
          {
            name: 'Polanco · Preventa',
            headline: 'Precios de preventa',
            body: 'Aparta con $50,000 y asegura tu precio.',
          },
          {
            name: 'Polanco · Testimonios',
            headline: 'Ellos ya invirtieron',
            body: 'Conoce a quienes ya viven en Polanco.',
          },
        ],
      },
    ],
  },
  {
    key: 'queretaro',
    name: 'Leads · Casas Querétaro',
    objective: 'OUTCOME_LEADS',
    status: 'ACTIVE',
    startDaysAgo: 300,
    formKey: 'queretaro',
    adSets: [
      {
        name: 'Querétaro · Familias 28-50',
        ads: [
          {
            name: 'Querétaro · Casa muestra',
            headline: 'Casas en Querétaro',
            body: 'Casas de 3 recámaras con jardín.',
          },
          {
            name: 'Querétaro · Crédito Infonavit',
            headline: 'Usa tu Infonavit',
            body: 'Aceptamos crédito Infonavit y Fovissste.',
          },
          {
            name: 'Querétaro · Entrega inmediata',
            headline: 'Entrega inmediata',
            body: 'Múdate este mes a tu nueva casa.',
          },
        ],
      },
    ],
  },
  {
    key: 'tulum',
    name: 'WhatsApp · Preventa Tulum',
    objective: 'OUTCOME_ENGAGEMENT',
    status: 'ACTIVE',
    startDaysAgo: 250,
    adSets: [
      {
        name: 'Tulum · Inversionistas nacionales',
        ads: [
          {
            name: 'Tulum · Escríbenos por WhatsApp',
            headline: 'Chatea con un asesor',
            body: 'Preventa en Tulum: pregunta por WhatsApp.',
          },
          {
            name: 'Tulum · Rendimiento Airbnb',
            headline: 'Renta vacacional',
            body: 'Rendimientos de hasta 10% en renta vacacional.',
          },
        ],
      },
      {
        name: 'Tulum · Extranjeros residentes',
        ads: [
          {
            name: 'Tulum · Lotes frente a la selva',
            headline: 'Lotes residenciales',
            body: 'Lotes desde 250 m² a 10 minutos de la playa.',
          },
          {
            name: 'Tulum · Financiamiento directo',
            headline: 'Financiamiento directo',
            body: 'Hasta 36 meses sin intereses.',
          },
        ],
      },
    ],
  },
  {
    key: 'hipoteca',
    name: 'WhatsApp · Asesoría hipotecaria',
    objective: 'OUTCOME_ENGAGEMENT',
    status: 'ACTIVE',
    startDaysAgo: 180,
    adSets: [
      {
        name: 'Hipoteca · Primer comprador',
        ads: [
          {
            name: 'Hipoteca · Calcula tu crédito',
            headline: '¿Cuánto te prestan?',
            body: 'Te calculamos tu crédito hipotecario por WhatsApp.',
          },
          {
            name: 'Hipoteca · Sin buró',
            headline: 'Asesoría gratuita',
            body: 'Asesoría hipotecaria gratuita y sin compromiso.',
          },
        ],
      },
    ],
  },
  {
    key: 'guadalajara',
    name: 'Leads · Remate Guadalajara',
    objective: 'OUTCOME_LEADS',
    status: 'PAUSED',
    startDaysAgo: 380,
    stopDaysAgo: 45,
    formKey: 'main',
    adSets: [
      {
        name: 'Guadalajara · Remates bancarios',
        ads: [
          {
            name: 'Guadalajara · Remate 40% debajo',
            headline: 'Remates bancarios',
            body: 'Casas hasta 40% debajo de su valor comercial.',
          },
          {
            name: 'Guadalajara · Última oportunidad',
            headline: 'Últimas unidades',
            body: 'Quedan pocas casas en remate.',
          },
        ],
      },
    ],
  },
];

const USD_PLAN: CampaignPlan = {
  key: 'bogota',
  name: 'Leads · Bogotá (USD)',
  objective: 'OUTCOME_LEADS',
  status: 'ACTIVE',
  startDaysAgo: 200,
  formKey: 'main',
  adSets: [
    {
      name: 'Bogotá · Compradores en el exterior',
      ads: [
        {
          name: 'Bogotá · Apartamentos Chapinero',
          headline: 'Apartamentos en Chapinero',
          body: 'Invierte en Bogotá desde el exterior.',
        },
        {
          name: 'Bogotá · Renta garantizada',
          headline: 'Renta garantizada',
          body: 'Renta garantizada por 2 años.',
        },
      ],
    },
  ],
};

const iso = (date: string, time = '10:00:00', offset = '-0600'): string => `${date}T${time}${offset}`;

const body = (text: string, example?: string[]): SandboxTemplate['components'][number] =>
  example ? { type: 'BODY', text, example: { body_text: [example] } } : { type: 'BODY', text };

/**
 * Build the deterministic dataset. Every id derives from a stable key (SHA-256), every number from a PRNG seeded with
 * `seed`: two calls with the same options return deep-equal datasets on any machine.
 */
export const buildDataset = (options: BuildDatasetOptions = {}): Dataset => {
  const seed = options.seed ?? DEFAULT_SEED;
  const appId = options.appId ?? DEFAULT_APP_ID;
  const rand = createPrng(seed);
  const id = (key: string, prefix: string, length: number): string =>
    numericId(`${seed}:${key}`, prefix, length);

  const user = {
    id: id('user:carla', '1022', 17),
    name: 'Carla Gómez',
    firstName: 'Carla',
    lastName: 'Gómez',
    email: 'carla.gomez@inmobiliariasol.mx',
  };
  const mainBusinessId = id('business:inmobiliaria-sol', '10', 16);
  const agencyBusinessId = id('business:sol-agencia', '10', 16);
  const pageId = id('page:inmobiliaria-sol', '10', 15);
  const businesses: Dataset['businesses'] = [
    {
      id: mainBusinessId,
      name: 'Inmobiliaria Sol',
      verificationStatus: 'verified',
      createdTime: iso('2021-03-15', '09:12:44'),
      vertical: 'REAL_ESTATE',
      timezoneId: 48,
      primaryPageId: pageId,
    },
    {
      id: agencyBusinessId,
      name: 'Sol Agencia Digital',
      verificationStatus: 'not_verified',
      createdTime: iso('2022-08-02', '16:40:03'),
      vertical: 'ADVERTISING',
      timezoneId: 48,
    },
  ];

  const mainAccountId = id('adaccount:leads-mexico', '4', 15);
  const usdAccountId = id('adaccount:usd', '4', 15);
  const disabledAccountId = id('adaccount:disabled', '4', 15);
  const adAccounts: Dataset['adAccounts'] = [
    {
      accountId: mainAccountId,
      name: 'Sol · Leads México',
      currency: 'MXN',
      timezoneName: 'America/Mexico_City',
      timezoneId: 48,
      timezoneOffsetHoursUtc: -6,
      accountStatus: 1,
      disableReason: 0,
      ownerBusinessId: mainBusinessId,
      clientBusinessIds: [agencyBusinessId],
      createdTime: iso('2021-03-20', '11:02:10'),
      spendCap: '0',
    },
    {
      accountId: usdAccountId,
      name: 'Sol · USD',
      currency: 'USD',
      timezoneName: 'America/Bogota',
      timezoneId: 36,
      timezoneOffsetHoursUtc: -5,
      accountStatus: 1,
      disableReason: 0,
      ownerBusinessId: mainBusinessId,
      clientBusinessIds: [],
      createdTime: iso('2023-01-09', '08:30:00', '-0500'),
      spendCap: '500000',
    },
    {
      accountId: disabledAccountId,
      name: 'Sol · Cuenta anterior (deshabilitada)',
      currency: 'MXN',
      timezoneName: 'America/Mexico_City',
      timezoneId: 48,
      timezoneOffsetHoursUtc: -6,
      accountStatus: 2,
      disableReason: 1,
      ownerBusinessId: mainBusinessId,
      clientBusinessIds: [],
      createdTime: iso('2020-06-01', '12:00:00'),
      spendCap: '0',
    },
  ];

  const formIds = { main: id('form:solicitud', '9', 16), queretaro: id('form:queretaro', '9', 16) };
  const campaigns: SandboxCampaign[] = [];
  const adSets: SandboxAdSet[] = [];
  const ads: SandboxAd[] = [];
  const addPlan = (plan: CampaignPlan, accountId: string, currency: 'MXN' | 'USD'): void => {
    const campaignId = id(`campaign:${plan.key}`, '12021', 18);
    const budgetMajor =
      currency === 'MXN' ? Math.round(between(rand, 8, 20)) * 100 : Math.round(between(rand, 5, 15)) * 10;
    campaigns.push({
      id: campaignId,
      accountId,
      name: plan.name,
      objective: plan.objective,
      status: plan.status,
      dailyBudget: String(budgetMajor * 100),
      createdTime: iso('2024-01-01'),
      startDaysAgo: plan.startDaysAgo,
      stopDaysAgo: plan.stopDaysAgo,
    });
    const ctwa = plan.objective === 'OUTCOME_ENGAGEMENT';
    plan.adSets.forEach((setPlan, setIndex) => {
      const adsetId = id(`adset:${plan.key}:${setIndex}`, '12021', 18);
      adSets.push({
        id: adsetId,
        accountId,
        campaignId,
        name: setPlan.name,
        status: 'ACTIVE',
        destinationType: ctwa ? 'WHATSAPP' : 'ON_AD',
        optimizationGoal: ctwa ? 'CONVERSATIONS' : 'LEAD_GENERATION',
        billingEvent: 'IMPRESSIONS',
        dailyBudget: '0',
        createdTime: iso('2024-01-01', '10:05:00'),
      });
      setPlan.ads.forEach((adPlan, adIndex) => {
        ads.push({
          id: id(`ad:${plan.key}:${setIndex}:${adIndex}`, '12021', 18),
          accountId,
          campaignId,
          adsetId,
          name: adPlan.name,
          status: 'ACTIVE',
          createdTime: iso('2024-01-01', '10:10:00'),
          creativeId: id(`creative:${plan.key}:${setIndex}:${adIndex}`, '12021', 18),
          headline: adPlan.headline,
          body: adPlan.body,
          formId: plan.formKey ? formIds[plan.formKey] : undefined,
          kind: ctwa ? 'click_to_whatsapp' : 'lead_form',
        });
      });
    });
  };
  MAIN_PLANS.forEach((plan) => addPlan(plan, mainAccountId, 'MXN'));
  addPlan(USD_PLAN, usdAccountId, 'USD');

  const wabaId = id('waba:sol', '10', 15);
  const templateId = (key: string): string => id(`template:${key}`, '1', 16);
  const templates: SandboxTemplate[] = [
    {
      id: templateId('seguimiento_lead:es'),
      wabaId,
      name: 'seguimiento_lead',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      rejectedReason: 'NONE',
      components: [
        body('Hola {{1}}, soy {{2}} de {{3}}. ¿Seguimos con tu consulta?', [
          'Ana',
          'Carla',
          'Inmobiliaria Sol',
        ]),
        { type: 'FOOTER', text: 'Inmobiliaria Sol' },
      ],
    },
    {
      id: templateId('recordatorio_cita:es'),
      wabaId,
      name: 'recordatorio_cita',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      rejectedReason: 'NONE',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Recordatorio de cita' },
        body('Hola {{1}}, te esperamos el {{2}} a las {{3}}.', ['Ana', '15 de octubre', '11:00']),
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Confirmar' },
            { type: 'QUICK_REPLY', text: 'Reprogramar' },
          ],
        },
      ],
    },
    {
      id: templateId('recordatorio_cita:en'),
      wabaId,
      name: 'recordatorio_cita',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      rejectedReason: 'NONE',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Appointment reminder' },
        body('Hi {{1}}, we will see you on {{2}} at {{3}}.', ['Ana', 'October 15', '11:00']),
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Confirm' },
            { type: 'QUICK_REPLY', text: 'Reschedule' },
          ],
        },
      ],
    },
    {
      id: templateId('encuesta_satisfaccion:es'),
      wabaId,
      name: 'encuesta_satisfaccion',
      language: 'es',
      status: 'APPROVED',
      category: 'MARKETING',
      rejectedReason: 'NONE',
      components: [
        body('Hola {{1}}, ¿cómo calificarías la atención que recibiste? Responde del 1 al 5.', ['Ana']),
      ],
    },
    {
      id: templateId('promo_navidad:es'),
      wabaId,
      name: 'promo_navidad',
      language: 'es',
      status: 'PENDING',
      category: 'MARKETING',
      rejectedReason: 'NONE',
      components: [body('¡Feliz Navidad, {{1}}! Aparta tu departamento con 10% de descuento.', ['Ana'])],
    },
    {
      id: templateId('oferta_agresiva:es'),
      wabaId,
      name: 'oferta_agresiva',
      language: 'es',
      status: 'REJECTED',
      category: 'MARKETING',
      rejectedReason: 'PROMOTIONAL',
      components: [body('¡ÚLTIMA OPORTUNIDAD {{1}}! Compra HOY o pierde tu lugar.', ['Ana'])],
    },
    {
      id: templateId('reactivacion:es'),
      wabaId,
      name: 'reactivacion',
      language: 'es',
      status: 'PAUSED',
      category: 'MARKETING',
      rejectedReason: 'NONE',
      components: [body('Hola {{1}}, hace tiempo no hablamos. ¿Sigues buscando casa?', ['Ana'])],
    },
    {
      id: templateId('bienvenida_antigua:es'),
      wabaId,
      name: 'bienvenida_antigua',
      language: 'es',
      status: 'DISABLED',
      category: 'MARKETING',
      rejectedReason: 'NONE',
      components: [body('Bienvenido {{1}} a Inmobiliaria Sol.', ['Ana'])],
    },
  ];

  const leadNames: [string, string, string][] = [
    ['María Fernanda López', 'mafer.lopez@example.com', '+5215511122233'],
    ['Jorge Ramírez', 'jorge.ramirez@example.com', '+5215522233344'],
    ['Lucía Hernández', 'lucia.hdz@example.com', '+5214422233344'],
    ['Ricardo Torres', 'rtorres@example.com', '+5213312345678'],
    ['Sofía Martínez', 'sofia.mtz@example.com', '+5215598765432'],
    ['Andrés Castillo', 'andres.castillo@example.com', '+5215587654321'],
  ];
  const leadAds = ads.filter((ad) => ad.kind === 'lead_form' && ad.accountId === mainAccountId);
  const extra = options.extraCampaigns;
  for (let c = 0; c < (extra?.campaigns ?? 0); c++) {
    addPlan(
      {
        key: `extra-${c}`,
        name: `Leads · Extra ${String(c + 1).padStart(2, '0')}`,
        objective: 'OUTCOME_LEADS',
        status: 'ACTIVE',
        startDaysAgo: 400,
        adSets: [
          {
            name: `Extra ${c + 1} · Audiencia`,
            ads: Array.from({ length: extra!.adsPerCampaign }, (_, a) => ({
              name: `Extra ${c + 1} · Anuncio ${a + 1}`,
              headline: 'Departamentos en preventa',
              body: 'Agenda tu visita.',
            })),
          },
        ],
        formKey: 'main',
      },
      mainAccountId,
      'MXN',
    );
  }
  const seedLeads: SeedLead[] = leadNames.map(([fullName, email, phone], index) => {
    const ad = leadAds[index % leadAds.length];
    return {
      id: id(`lead:seed:${index}`, '9', 16),
      formId: ad.formId ?? formIds.main,
      adId: ad.id,
      createdDaysAgo: 1 + index * 2,
      fullName,
      email,
      phone,
    };
  });

  return {
    seed,
    app: { id: appId, name: 'CRM Ventas' },
    user,
    businesses,
    adAccounts,
    campaigns,
    adSets,
    ads,
    pages: [{ id: pageId, name: 'Inmobiliaria Sol', category: 'Real Estate', businessId: mainBusinessId }],
    leadForms: [
      {
        id: formIds.main,
        pageId,
        name: 'Solicitud de información',
        status: 'ACTIVE',
        locale: 'es_LA',
        createdTime: iso('2024-01-01', '09:00:00'),
        questions: [
          { key: 'full_name', label: 'Nombre completo', type: 'FULL_NAME' },
          { key: 'email', label: 'Correo electrónico', type: 'EMAIL' },
          { key: 'phone_number', label: 'Número de teléfono', type: 'PHONE' },
        ],
        privacyPolicyUrl: 'https://inmobiliariasol.example/privacidad',
      },
      {
        id: formIds.queretaro,
        pageId,
        name: 'Cotización casas Querétaro',
        status: 'ACTIVE',
        locale: 'es_LA',
        createdTime: iso('2024-02-01', '09:00:00'),
        questions: [
          { key: 'full_name', label: 'Nombre completo', type: 'FULL_NAME' },
          { key: 'phone_number', label: 'Número de teléfono', type: 'PHONE' },
          { key: 'email', label: 'Correo electrónico', type: 'EMAIL' },
          { key: 'city', label: 'Ciudad', type: 'CITY' },
          { key: 'presupuesto_de_compra', label: '¿Cuál es tu presupuesto?', type: 'CUSTOM' },
        ],
        privacyPolicyUrl: 'https://inmobiliariasol.example/privacidad',
      },
    ],
    wabas: [
      {
        id: wabaId,
        name: 'Sol WhatsApp',
        ownerBusinessId: mainBusinessId,
        currency: 'USD',
        timezoneId: '48',
        messageTemplateNamespace: id('waba-namespace', '', 12).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]),
      },
    ],
    phoneNumbers: [
      {
        id: id('phone:cdmx', '10', 15),
        wabaId,
        displayPhoneNumber: '+52 55 4123 9087',
        digits: '525541239087',
        verifiedName: 'Inmobiliaria Sol',
        qualityRating: 'GREEN',
      },
      {
        id: id('phone:gdl', '10', 15),
        wabaId,
        displayPhoneNumber: '+52 33 3615 2200',
        digits: '523336152200',
        verifiedName: 'Inmobiliaria Sol Guadalajara',
        qualityRating: 'GREEN',
      },
    ],
    templates,
    seedLeads,
    insightsHistoryDays: 400,
  };
};
