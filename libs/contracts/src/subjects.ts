/**
 * Every NATS subject in the system, defined once.
 *
 * - `Rpc.*`   request/reply over core NATS (NestJS `@MessagePattern`), always with a timeout, queue groups per service.
 * - `Events.*` durable domain events on JetStream (stream `CRM_EVENTS`), each consumed by a durable consumer.
 * - `Webhooks.*` signature-checked Meta webhook bodies, one message per change, on JetStream (stream `META_WEBHOOKS`).
 */
export const Rpc = {
  crm: {
    verifyCredentials: 'crm.auth.verify-credentials',
    getUser: 'crm.users.get',
    getTenant: 'crm.tenants.get',
    listLeads: 'crm.leads.list',
    getLead: 'crm.leads.get',
    createLead: 'crm.leads.create',
    updateLeadStatus: 'crm.leads.update-status',
    updateLead: 'crm.leads.update',
    listPipeline: 'crm.pipeline.list',
    attributionSummary: 'crm.attribution.summary',
    /** issue 8: one page of a tenant's Meta leads with their opportunities and sales (read-model rebuild). */
    attributionFacts: 'crm.attribution.facts',
    // tenants and people (issue 6)
    signup: 'crm.tenants.signup',
    updateTenant: 'crm.tenants.update',
    listUsers: 'crm.users.list',
    createUser: 'crm.users.create',
    updateUser: 'crm.users.update',
    userAccess: 'crm.users.access',
    // server-side sessions (issue 9)
    createSession: 'crm.sessions.create',
    revokeSessions: 'crm.sessions.revoke',
    /** The user's live sessions (the settings page's "active sessions"). */
    listSessions: 'crm.sessions.list',
    /** The recent changes to any session's access (`crm.access_changes`), polled by every gateway replica. */
    accessChanges: 'crm.access.changes',
    sellersOverview: 'crm.sellers.overview',
    // opportunities and sales (libs/contracts/src/opportunities.ts)
    listOpportunities: 'crm.opportunities.list',
    opportunityBoard: 'crm.opportunities.board',
    getOpportunity: 'crm.opportunities.get',
    createOpportunity: 'crm.opportunities.create',
    updateOpportunity: 'crm.opportunities.update',
    listSales: 'crm.sales.list',
    createSale: 'crm.sales.create',
    updateSale: 'crm.sales.update',
    // dashboard (libs/contracts/src/dashboard.ts)
    dashboard: 'crm.dashboard.get',
    // clients and agenda (libs/contracts/src/clients.ts)
    listClients: 'crm.clients.list',
    agenda: 'crm.agenda',
    // lead 360 (libs/contracts/src/lead-360.ts)
    leadTimeline: 'crm.leads.timeline',
    // CSV import of leads (libs/contracts/src/lead-imports.ts)
    createLeadImport: 'crm.lead-imports.create',
    appendLeadImportRows: 'crm.lead-imports.append',
    sealLeadImport: 'crm.lead-imports.seal',
    startLeadImport: 'crm.lead-imports.start',
    getLeadImport: 'crm.lead-imports.get',
    listLeadImports: 'crm.lead-imports.list',
    leadImportRejects: 'crm.lead-imports.rejects',
    // WhatsApp chats (libs/contracts/src/chats.ts)
    listChats: 'crm.chats.list',
    listChatMessages: 'crm.chats.messages',
    markChatRead: 'crm.chats.read',
    sendChatMessage: 'crm.chats.send',
  },
  meta: {
    consumeOauthState: 'meta.oauth.consume-state',
    completeOauth: 'meta.oauth.complete',
    connectionStatus: 'meta.connection.status',
    disconnect: 'meta.connection.disconnect',
    selectAssets: 'meta.connection.select',
    listPortfolios: 'meta.portfolios.list',
    listAdAccounts: 'meta.ad-accounts.list',
    listPhoneNumbers: 'meta.phone-numbers.list',
    adInsights: 'meta.insights.ads',
    /** `adInsights` unless the caller's copy (its `fetchedAt`) is still the cached answer: then "not modified". */
    adInsightsIfChanged: 'meta.insights.ads.if-changed',
    resolveAd: 'meta.ads.resolve',
    listTemplates: 'meta.templates.list',
    sendTemplate: 'meta.whatsapp.send-template',
    // lead 360: names and creative of catalogue ads (libs/contracts/src/lead-360.ts)
    adContext: 'meta.ads.context',
    sendText: 'meta.whatsapp.send-text',
    // issue 7: templates end to end (libs/contracts/src/model/automation.ts)
    templateDetails: 'meta.templates.details',
    createTemplate: 'meta.templates.create',
    /** What meta-ads-service knows of a send by idempotency key (settles an `unknown` automation send). */
    sendOutcome: 'meta.whatsapp.send-outcome',
    // issue 7: a media header's sample through Meta's Resumable Upload API (libs/contracts/src/template-media.ts)
    startMediaUpload: 'meta.templates.media.start',
    uploadMediaChunk: 'meta.templates.media.chunk',
    // issue 8: Lead Ads (libs/contracts/src/lead-ads.ts)
    listPages: 'meta.lead-ads.pages.list',
    selectPages: 'meta.lead-ads.pages.select',
    listLeadForms: 'meta.lead-ads.forms.list',
    updateLeadFormMapping: 'meta.lead-ads.forms.mapping',
    createLeadgenBackfill: 'meta.lead-ads.backfills.create',
    listLeadgenBackfills: 'meta.lead-ads.backfills.list',
    // issue 8: the Conversions API loop (libs/contracts/src/conversions.ts)
    conversionSettings: 'meta.conversions.settings.get',
    updateConversionSettings: 'meta.conversions.settings.update',
    conversionDatasets: 'meta.conversions.datasets',
    conversionLog: 'meta.conversions.log',
  },
  marketing: {
    stats: 'marketing.stats',
    roi: 'marketing.stats.roi',
    // issue 8: one report per view, and the dated exchange rates
    report: 'marketing.report',
    listFxRates: 'marketing.fx-rates.list',
    putFxRate: 'marketing.fx-rates.put',
    deleteFxRate: 'marketing.fx-rates.delete',
    importFxRates: 'marketing.fx-rates.import',
  },
  automation: {
    listRules: 'automation.rules.list',
    updateRule: 'automation.rules.update',
    listLogs: 'automation.logs.list',
    trigger: 'automation.trigger',
    metrics: 'automation.metrics',
    // issue 7: the rule engine
    createRule: 'automation.rules.create',
    deleteRule: 'automation.rules.delete',
    preview: 'automation.trigger.preview',
    funnels: 'automation.metrics.funnels',
    // issue 7: recipient protection (frequency cap, default send window)
    getProtection: 'automation.protection.get',
    updateProtection: 'automation.protection.update',
  },
} as const;

/** Durable domain events (JetStream stream `CRM_EVENTS`, subjects `evt.>`). */
export const Events = {
  leadCreated: 'evt.crm.lead.created',
  leadStatusChanged: 'evt.crm.lead.status-changed',
  leadUpdated: 'evt.crm.lead.updated',
  leadAssigned: 'evt.crm.lead.assigned',
  /** issue 8: an existing lead got a Meta ad (CTWA referral or Lead Ads form from its phone or email). */
  leadAttributed: 'evt.crm.lead.attributed',
  whatsappInbound: 'evt.meta.whatsapp.inbound',
  whatsappStatus: 'evt.meta.whatsapp.status',
  leadgenReceived: 'evt.meta.leadgen.received',
  // opportunities and sales (libs/contracts/src/opportunities.ts)
  opportunityCreated: 'evt.crm.opportunity.created',
  opportunityUpdated: 'evt.crm.opportunity.updated',
  opportunityWon: 'evt.crm.opportunity.won',
  opportunityLost: 'evt.crm.opportunity.lost',
  saleCompleted: 'evt.crm.sale.completed',
  saleRefunded: 'evt.crm.sale.refunded',
  /** issue 8: a sale's amount, currency or completion time corrected without a status change. */
  saleUpdated: 'evt.crm.sale.updated',
  // issue 7
  leadOptedOut: 'evt.crm.lead.opted-out',
  templateStatusChanged: 'evt.meta.template.status',
} as const;

/**
 * Live, lossy notifications on core NATS (not in a stream): a missed one is caught up by re-reading. Subjects end with
 * the tenant id: `live.automation.send.<tenantId>` carries `AutomationLiveEvent`.
 */
export const Live = {
  automationSendPrefix: 'live.automation.send',
} as const;

/** Verified Meta webhook bodies, split by the gateway into one message per change (stream `META_WEBHOOKS`). */
export const Webhooks = {
  metaPart: 'webhook.meta.part',
} as const;

export type StreamDefinition = { name: string; subjects: string[]; duplicateWindowSeconds: number };

/** JetStream streams. The duplicate window lets publishers pass a message id (wamid, leadgen id…) for dedupe. */
export const Streams: readonly StreamDefinition[] = [
  { name: 'CRM_EVENTS', subjects: ['evt.>'], duplicateWindowSeconds: 24 * 3600 },
  { name: 'META_WEBHOOKS', subjects: ['webhook.>'], duplicateWindowSeconds: 24 * 3600 },
];

/** Queue groups: replicas of one service share the work of a subject. */
export const QueueGroups = {
  crm: 'crm-service',
  metaAds: 'meta-ads-service',
  marketing: 'marketing-service',
  automation: 'automation-service',
} as const;
