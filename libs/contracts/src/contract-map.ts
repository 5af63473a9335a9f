import type { ClassConstructor } from 'class-transformer';
import {
  CreateLeadgenBackfillRequest,
  ListLeadFormsRequest,
  SelectPagesRequest,
  UpdateLeadFormMappingRequest,
} from './lead-ads';
import type { LeadAdsPageOption, LeadAdsPageView, LeadFormView, LeadgenBackfillView } from './model/lead-ads';
import { AutomationMetricsRequest, ListLogsRequest, TriggerRequest, UpdateRuleRequest } from './automation';
import {
  ChatLeadRequest,
  ListChatMessagesRequest,
  ListChatsRequest,
  SendChatMessageRequest,
  SendTextRequest,
} from './chats';
import { AgendaRequest, ListClientsRequest } from './clients';
import { TenantRequest } from './common';
import { DashboardRequest } from './dashboard';
import {
  AccessChangesRequest,
  AttributionFactsRequest,
  AttributionSummaryRequest,
  CreateLeadRequest,
  CreateSessionRequest,
  GetLeadRequest,
  GetUserRequest,
  LeadCreatedEvent,
  LeadStatusChangedEvent,
  ListLeadsRequest,
  RevokeSessionsRequest,
  SessionAccessRequest,
  UpdateLeadStatusRequest,
  VerifyCredentialsRequest,
} from './crm';
import {
  AppendLeadImportRowsRequest,
  CreateLeadImportRequest,
  LeadImportRejectsRequest,
  LeadImportRequest,
  StartLeadImportRequest,
} from './lead-imports';
import { LeadAssignedEvent, LeadAttributedEvent, LeadUpdatedEvent, UpdateLeadRequest } from './leads';
import { AdContextRequest, LeadTimelineRequest } from './lead-360';
import {
  DeleteFxRateRequest,
  ImportFxRatesRequest,
  ListFxRatesRequest,
  PutFxRateRequest,
  ReportRequest,
} from './marketing';
import { CreateUserRequest, SignupRequest, UpdateTenantRequest, UpdateUserRequest } from './people';
import {
  CreateOpportunityRequest,
  CreateSaleRequest,
  GetOpportunityRequest,
  ListOpportunitiesRequest,
  ListSalesRequest,
  OpportunityBoardRequest,
  OpportunityCreatedEvent,
  OpportunityLostEvent,
  OpportunityUpdatedEvent,
  OpportunityWonEvent,
  SaleCompletedEvent,
  SaleRefundedEvent,
  SaleUpdatedEvent,
  UpdateOpportunityRequest,
  UpdateSaleRequest,
} from './opportunities';
import {
  AdInsightsIfChangedRequest,
  AdInsightsRequest,
  CompleteOauthRequest,
  ConsumeOauthStateRequest,
  LeadgenReceivedEvent,
  ListAdAccountsRequest,
  ListPhoneNumbersRequest,
  ListTemplatesRequest,
  MetaWebhookPartMessage,
  ResolveAdRequest,
  SelectAssetsRequest,
  SendTemplateRequest,
  WhatsappInboundEvent,
  WhatsappStatusEvent,
} from './meta';
import type {
  AutomationLogView,
  AutomationMetrics,
  AutomationMetricsV2,
  AutomationRuleView,
  TemplateDetailView,
  TriggerPreview,
} from './model/automation';
import {
  CreateRuleRequest,
  CreateTemplateRequest,
  FunnelsRequest,
  LeadOptedOutEvent,
  PreviewRequest,
  RuleKeyRequest,
  SendOutcomeRequest,
  TemplateDetailsRequest,
  TemplateStatusChangedEvent,
  type SendOutcome,
} from './automation-rules';
import type { ChatMessageView, ChatPage, ChatThread, ChatView } from './model/chats';
import type { ProtectionSettingsView } from './model/recipient-protection';
import { UpdateProtectionSettingsRequest } from './recipient-protection';
import type { Agenda, ClientView } from './model/clients';
import type { Page } from './model/common';
import type {
  AttributionFactsPage,
  AttributionSummary,
  LeadDetail,
  LeadView,
  LeadWithPhone,
  OpportunityView,
  PipelineStageView,
  SaleView,
  SessionUser,
  TenantView,
} from './model/crm';
import type { LeadPage } from './model/leads';
import type { AdContextResult, LeadTimelinePage } from './model/lead-360';
import type { LeadImportRejectPage, LeadImportUpload, LeadImportView } from './model/lead-imports';
import type { FxImportResult, FxRateView, MarketingReport, RoiReport, StatsReport } from './model/marketing';
import type { JsonText } from './json-text';
import type {
  AccessChange,
  CreatedSession,
  RevokedSessions,
  SellerOverview,
  SessionView,
  UserAccess,
  UserView,
} from './model/people';
import type { OpportunityBoard } from './model/opportunities';
import type { CrmDashboard } from './model/dashboard';
import type {
  AdAccountOption,
  AdInsightsNotModified,
  AdInsightsResult,
  ConnectionStatus,
  PhoneNumberOption,
  PortfolioOption,
  ResolvedAd,
  SendTemplateResult,
  TemplateView,
} from './model/meta';
import type { MediaUploadProgress, MediaUploadSession } from './model/template-media';
import { MediaUploadChunkRequest, StartMediaUploadRequest } from './template-media';
import { Events, Rpc, Webhooks } from './subjects';
import { ConversionLogRequest, UpdateConversionSettingsRequest } from './conversions';
import type {
  ConversionDatasetOption,
  ConversionLogEntry,
  ConversionSettingsView,
} from './model/conversions';

/**
 * Every RPC subject with the contract class its request is validated against and the type its handler answers.
 * `RpcClient.call(subject, payload)` infers both from the subject; a handler declares
 * `Promise<RpcReply<typeof Rpc.x.y>>` so answering another shape does not compile.
 */
export type RpcMap = {
  [Rpc.crm.verifyCredentials]: { request: VerifyCredentialsRequest; reply: SessionUser };
  [Rpc.crm.getUser]: { request: GetUserRequest; reply: SessionUser };
  [Rpc.crm.getTenant]: { request: TenantRequest; reply: TenantView };
  [Rpc.crm.listLeads]: { request: ListLeadsRequest; reply: LeadPage };
  [Rpc.crm.getLead]: { request: GetLeadRequest; reply: LeadDetail };
  [Rpc.crm.createLead]: { request: CreateLeadRequest; reply: LeadWithPhone };
  [Rpc.crm.updateLeadStatus]: { request: UpdateLeadStatusRequest; reply: LeadView };
  [Rpc.crm.updateLead]: { request: UpdateLeadRequest; reply: LeadView };
  [Rpc.crm.listPipeline]: { request: TenantRequest; reply: PipelineStageView[] };
  [Rpc.crm.attributionSummary]: { request: AttributionSummaryRequest; reply: AttributionSummary };
  [Rpc.crm.attributionFacts]: { request: AttributionFactsRequest; reply: AttributionFactsPage };
  [Rpc.crm.signup]: { request: SignupRequest; reply: SessionUser };
  [Rpc.crm.updateTenant]: { request: UpdateTenantRequest; reply: TenantView };
  [Rpc.crm.listUsers]: { request: TenantRequest; reply: UserView[] };
  [Rpc.crm.createUser]: { request: CreateUserRequest; reply: UserView };
  [Rpc.crm.updateUser]: { request: UpdateUserRequest; reply: UserView };
  [Rpc.crm.userAccess]: { request: SessionAccessRequest; reply: UserAccess };
  [Rpc.crm.createSession]: { request: CreateSessionRequest; reply: CreatedSession };
  [Rpc.crm.revokeSessions]: { request: RevokeSessionsRequest; reply: RevokedSessions };
  [Rpc.crm.listSessions]: { request: GetUserRequest; reply: SessionView[] };
  [Rpc.crm.accessChanges]: { request: AccessChangesRequest; reply: AccessChange[] };
  [Rpc.crm.sellersOverview]: { request: TenantRequest; reply: SellerOverview[] };
  [Rpc.crm.listOpportunities]: { request: ListOpportunitiesRequest; reply: Page<OpportunityView> };
  [Rpc.crm.opportunityBoard]: { request: OpportunityBoardRequest; reply: OpportunityBoard };
  [Rpc.crm.getOpportunity]: { request: GetOpportunityRequest; reply: OpportunityView };
  [Rpc.crm.createOpportunity]: { request: CreateOpportunityRequest; reply: OpportunityView };
  [Rpc.crm.updateOpportunity]: { request: UpdateOpportunityRequest; reply: OpportunityView };
  [Rpc.crm.listSales]: { request: ListSalesRequest; reply: Page<SaleView> };
  [Rpc.crm.createSale]: { request: CreateSaleRequest; reply: SaleView };
  [Rpc.crm.updateSale]: { request: UpdateSaleRequest; reply: SaleView };
  [Rpc.crm.dashboard]: { request: DashboardRequest; reply: CrmDashboard };
  [Rpc.crm.listClients]: { request: ListClientsRequest; reply: Page<ClientView> };
  [Rpc.crm.agenda]: { request: AgendaRequest; reply: Agenda };
  [Rpc.crm.leadTimeline]: { request: LeadTimelineRequest; reply: LeadTimelinePage };
  [Rpc.crm.createLeadImport]: { request: CreateLeadImportRequest; reply: LeadImportView };
  [Rpc.crm.appendLeadImportRows]: { request: AppendLeadImportRowsRequest; reply: { received: number } };
  [Rpc.crm.sealLeadImport]: { request: LeadImportRequest; reply: LeadImportUpload };
  [Rpc.crm.startLeadImport]: { request: StartLeadImportRequest; reply: LeadImportView };
  [Rpc.crm.getLeadImport]: { request: LeadImportRequest; reply: LeadImportView };
  [Rpc.crm.listLeadImports]: { request: TenantRequest; reply: LeadImportView[] };
  [Rpc.crm.leadImportRejects]: { request: LeadImportRejectsRequest; reply: LeadImportRejectPage };
  [Rpc.crm.listChats]: { request: ListChatsRequest; reply: ChatPage };
  [Rpc.crm.listChatMessages]: { request: ListChatMessagesRequest; reply: ChatThread };
  [Rpc.crm.markChatRead]: { request: ChatLeadRequest; reply: ChatView };
  [Rpc.crm.sendChatMessage]: { request: SendChatMessageRequest; reply: ChatMessageView };

  [Rpc.meta.consumeOauthState]: { request: ConsumeOauthStateRequest; reply: { ok: true } };
  [Rpc.meta.completeOauth]: { request: CompleteOauthRequest; reply: ConnectionStatus };
  [Rpc.meta.connectionStatus]: { request: TenantRequest; reply: ConnectionStatus };
  [Rpc.meta.disconnect]: { request: TenantRequest; reply: ConnectionStatus };
  [Rpc.meta.selectAssets]: { request: SelectAssetsRequest; reply: ConnectionStatus };
  [Rpc.meta.listPortfolios]: { request: TenantRequest; reply: PortfolioOption[] };
  [Rpc.meta.listAdAccounts]: { request: ListAdAccountsRequest; reply: AdAccountOption[] };
  [Rpc.meta.listPhoneNumbers]: { request: ListPhoneNumbersRequest; reply: PhoneNumberOption[] };
  [Rpc.meta.adInsights]: { request: AdInsightsRequest; reply: AdInsightsResult };
  [Rpc.meta.adInsightsIfChanged]: {
    request: AdInsightsIfChangedRequest;
    reply: AdInsightsResult | AdInsightsNotModified;
  };
  [Rpc.meta.resolveAd]: { request: ResolveAdRequest; reply: ResolvedAd };
  [Rpc.meta.listTemplates]: { request: ListTemplatesRequest; reply: TemplateView[] };
  [Rpc.meta.sendTemplate]: { request: SendTemplateRequest; reply: SendTemplateResult };
  [Rpc.meta.adContext]: { request: AdContextRequest; reply: AdContextResult };
  [Rpc.meta.sendText]: { request: SendTextRequest; reply: SendTemplateResult };
  [Rpc.meta.templateDetails]: { request: TemplateDetailsRequest; reply: TemplateDetailView[] };
  [Rpc.meta.createTemplate]: { request: CreateTemplateRequest; reply: TemplateDetailView };
  [Rpc.meta.sendOutcome]: { request: SendOutcomeRequest; reply: SendOutcome };
  [Rpc.meta.startMediaUpload]: { request: StartMediaUploadRequest; reply: MediaUploadSession };
  [Rpc.meta.uploadMediaChunk]: { request: MediaUploadChunkRequest; reply: MediaUploadProgress };
  [Rpc.meta.listPages]: { request: TenantRequest; reply: LeadAdsPageOption[] };
  [Rpc.meta.selectPages]: { request: SelectPagesRequest; reply: LeadAdsPageView[] };
  [Rpc.meta.listLeadForms]: { request: ListLeadFormsRequest; reply: LeadFormView[] };
  [Rpc.meta.updateLeadFormMapping]: { request: UpdateLeadFormMappingRequest; reply: LeadFormView };
  [Rpc.meta.createLeadgenBackfill]: { request: CreateLeadgenBackfillRequest; reply: LeadgenBackfillView };
  [Rpc.meta.listLeadgenBackfills]: { request: TenantRequest; reply: LeadgenBackfillView[] };
  [Rpc.meta.conversionSettings]: { request: TenantRequest; reply: ConversionSettingsView };
  [Rpc.meta.updateConversionSettings]: {
    request: UpdateConversionSettingsRequest;
    reply: ConversionSettingsView;
  };
  [Rpc.meta.conversionDatasets]: { request: TenantRequest; reply: ConversionDatasetOption[] };
  [Rpc.meta.conversionLog]: { request: ConversionLogRequest; reply: Page<ConversionLogEntry> };

  [Rpc.marketing.stats]: { request: ReportRequest; reply: StatsReport };
  /** Pre-serialised, like the report (its campaigns → ads are most of the report's bytes). */
  [Rpc.marketing.roi]: { request: ReportRequest; reply: JsonText<RoiReport> };
  /** Pre-serialised (~400 KB at 1,000 ads): the gateway sends it as the HTTP body without parsing it. */
  [Rpc.marketing.report]: { request: ReportRequest; reply: JsonText<MarketingReport> };
  [Rpc.marketing.listFxRates]: { request: ListFxRatesRequest; reply: FxRateView[] };
  [Rpc.marketing.putFxRate]: { request: PutFxRateRequest; reply: FxRateView };
  [Rpc.marketing.deleteFxRate]: { request: DeleteFxRateRequest; reply: { deleted: true } };
  [Rpc.marketing.importFxRates]: { request: ImportFxRatesRequest; reply: FxImportResult };

  [Rpc.automation.listRules]: { request: TenantRequest; reply: AutomationRuleView[] };
  [Rpc.automation.updateRule]: { request: UpdateRuleRequest; reply: AutomationRuleView };
  [Rpc.automation.listLogs]: { request: ListLogsRequest; reply: Page<AutomationLogView> };
  [Rpc.automation.trigger]: { request: TriggerRequest; reply: AutomationLogView };
  [Rpc.automation.metrics]: { request: AutomationMetricsRequest; reply: AutomationMetrics };
  [Rpc.automation.createRule]: { request: CreateRuleRequest; reply: AutomationRuleView };
  [Rpc.automation.deleteRule]: { request: RuleKeyRequest; reply: { deleted: true } };
  [Rpc.automation.preview]: { request: PreviewRequest; reply: TriggerPreview };
  [Rpc.automation.funnels]: { request: FunnelsRequest; reply: AutomationMetricsV2 };
  [Rpc.automation.getProtection]: { request: TenantRequest; reply: ProtectionSettingsView };
  [Rpc.automation.updateProtection]: {
    request: UpdateProtectionSettingsRequest;
    reply: ProtectionSettingsView;
  };
};

export type RpcSubject = keyof RpcMap;
export type RpcRequest<S extends RpcSubject> = RpcMap[S]['request'];
export type RpcReply<S extends RpcSubject> = RpcMap[S]['reply'];

/** Every subject of `Rpc`, read from the constant (the type test checks `RpcMap` has all of them). */
export type DeclaredRpcSubject = {
  [Domain in keyof typeof Rpc]: (typeof Rpc)[Domain][keyof (typeof Rpc)[Domain]];
}[keyof typeof Rpc];

/** Payload of every durable subject (`Events.*` on CRM_EVENTS, `Webhooks.*` on META_WEBHOOKS). */
export type EventMap = {
  [Events.leadCreated]: LeadCreatedEvent;
  [Events.leadStatusChanged]: LeadStatusChangedEvent;
  [Events.leadUpdated]: LeadUpdatedEvent;
  [Events.leadAssigned]: LeadAssignedEvent;
  [Events.leadAttributed]: LeadAttributedEvent;
  [Events.whatsappInbound]: WhatsappInboundEvent;
  [Events.whatsappStatus]: WhatsappStatusEvent;
  [Events.leadgenReceived]: LeadgenReceivedEvent;
  [Events.opportunityCreated]: OpportunityCreatedEvent;
  [Events.opportunityUpdated]: OpportunityUpdatedEvent;
  [Events.opportunityWon]: OpportunityWonEvent;
  [Events.opportunityLost]: OpportunityLostEvent;
  [Events.saleCompleted]: SaleCompletedEvent;
  [Events.saleRefunded]: SaleRefundedEvent;
  [Events.saleUpdated]: SaleUpdatedEvent;
  [Events.leadOptedOut]: LeadOptedOutEvent;
  [Events.templateStatusChanged]: TemplateStatusChangedEvent;
  [Webhooks.metaPart]: MetaWebhookPartMessage;
};

export type EventSubject = keyof EventMap;
export type EventPayload<S extends EventSubject> = EventMap[S];

/** The class each durable subject's payload is validated against when consumed. */
export const EventPayloadClasses: { [S in EventSubject]: ClassConstructor<EventPayload<S>> } = {
  [Events.leadCreated]: LeadCreatedEvent,
  [Events.leadStatusChanged]: LeadStatusChangedEvent,
  [Events.leadUpdated]: LeadUpdatedEvent,
  [Events.leadAssigned]: LeadAssignedEvent,
  [Events.leadAttributed]: LeadAttributedEvent,
  [Events.whatsappInbound]: WhatsappInboundEvent,
  [Events.whatsappStatus]: WhatsappStatusEvent,
  [Events.leadgenReceived]: LeadgenReceivedEvent,
  [Events.opportunityCreated]: OpportunityCreatedEvent,
  [Events.opportunityUpdated]: OpportunityUpdatedEvent,
  [Events.opportunityWon]: OpportunityWonEvent,
  [Events.opportunityLost]: OpportunityLostEvent,
  [Events.saleCompleted]: SaleCompletedEvent,
  [Events.saleRefunded]: SaleRefundedEvent,
  [Events.saleUpdated]: SaleUpdatedEvent,
  [Events.leadOptedOut]: LeadOptedOutEvent,
  [Events.templateStatusChanged]: TemplateStatusChangedEvent,
  [Webhooks.metaPart]: MetaWebhookPartMessage,
};
