import type { EventSubject, RpcSubject } from './contract-map';
import { Events, Live, QueueGroups, Rpc, Streams, Webhooks } from './subjects';

/**
 * Which service uses which subject — the source of the per-service NATS users (`npm run nats:config` writes
 * infra/nats/users.conf from it). A service that starts calling, publishing or consuming a subject not listed here
 * is refused by a NATS server with those users: add the subject here and regenerate.
 */
export type ServiceSubjects = {
  /** RPC domain whose subjects this service answers (queue group `QueueGroups[domain]`). */
  handles?: keyof typeof Rpc;
  /** RPC subjects it requests (its own domain's included when it calls itself). */
  calls: readonly RpcSubject[];
  /** Durable subjects it publishes to JetStream. */
  publishes: readonly EventSubject[];
  /** Durable subjects it has consumers on (the consumers' `filter_subject`). */
  consumes: readonly EventSubject[];
  /** Live (core NATS, lossy) subjects: `<prefix>.*` with the tenant id last. */
  livePublishes?: readonly string[];
  liveSubscribes?: readonly string[];
};

export type ServiceName = 'gateway' | (typeof QueueGroups)[keyof typeof QueueGroups];

const all = <D extends keyof typeof Rpc>(domain: D) => Object.values(Rpc[domain]) as RpcSubject[];

export const ServiceSubjectMap: Record<ServiceName, ServiceSubjects> = {
  gateway: {
    // Everything the browser can reach, i.e. all but the service-to-service subjects.
    calls: [...all('crm'), ...all('meta'), ...all('marketing'), ...all('automation')].filter(
      (subject) =>
        ![
          Rpc.crm.attributionSummary,
          Rpc.crm.attributionFacts,
          Rpc.meta.adInsights,
          Rpc.meta.adInsightsIfChanged,
          Rpc.meta.resolveAd,
          Rpc.meta.sendTemplate,
          Rpc.meta.sendText,
          Rpc.meta.sendOutcome,
        ].includes(subject as never),
    ),
    publishes: [Webhooks.metaPart],
    consumes: [],
    liveSubscribes: [Live.automationSendPrefix],
  },
  'crm-service': {
    handles: 'crm',
    calls: [Rpc.meta.sendText, Rpc.meta.sendTemplate],
    publishes: (Object.values(Events) as EventSubject[]).filter((s) => s.startsWith('evt.crm.')),
    consumes: [Events.whatsappInbound, Events.whatsappStatus, Events.leadgenReceived],
  },
  'meta-ads-service': {
    handles: 'meta',
    calls: [Rpc.crm.getLead],
    publishes: (Object.values(Events) as EventSubject[]).filter((s) => s.startsWith('evt.meta.')),
    consumes: [Webhooks.metaPart, Events.leadStatusChanged, Events.opportunityCreated, Events.saleCompleted],
  },
  'marketing-service': {
    handles: 'marketing',
    calls: [
      Rpc.crm.attributionFacts,
      Rpc.crm.getTenant,
      Rpc.meta.adInsights,
      Rpc.meta.adInsightsIfChanged,
      Rpc.meta.connectionStatus,
    ],
    publishes: [],
    consumes: [
      Events.leadCreated,
      Events.leadAttributed,
      Events.opportunityCreated,
      Events.opportunityUpdated,
      Events.opportunityWon,
      Events.opportunityLost,
      Events.saleCompleted,
      Events.saleRefunded,
      Events.saleUpdated,
    ],
  },
  'automation-service': {
    handles: 'automation',
    calls: [
      Rpc.crm.getLead,
      Rpc.crm.getTenant,
      Rpc.crm.listLeads,
      Rpc.meta.listTemplates,
      Rpc.meta.sendOutcome,
      Rpc.meta.sendTemplate,
      Rpc.meta.sendText,
      Rpc.meta.templateDetails,
    ],
    publishes: [],
    consumes: [
      Events.leadCreated,
      Events.leadStatusChanged,
      Events.leadAssigned,
      Events.leadOptedOut,
      Events.opportunityCreated,
      Events.opportunityUpdated,
      Events.opportunityWon,
      Events.opportunityLost,
      Events.saleCompleted,
      Events.saleRefunded,
      Events.whatsappInbound,
      Events.whatsappStatus,
      Events.templateStatusChanged,
    ],
    livePublishes: [Live.automationSendPrefix],
  },
};

/** The reply inbox of a service's connections (`inboxPrefix`): its NATS user may subscribe only below it. */
export const inboxPrefixOf = (service: string): string => `_INBOX.${service}`;

export type NatsPermissions = { publish: string[]; subscribe: string[] };

function streamOf(subject: string): string {
  const stream = Streams.find((s) =>
    s.subjects.some((pattern) => pattern.endsWith('>') && subject.startsWith(pattern.slice(0, -1))),
  );
  if (!stream) throw new Error(`no stream carries ${subject}`);
  return stream.name;
}

/**
 * What a service's NATS user may publish and subscribe (RPC replies go back through `allow_responses`).
 * JetStream: every service ensures both streams at start (STREAM.INFO/CREATE/UPDATE of each); consumers are created
 * only with the filter subjects it consumes (`CONSUMER.CREATE.<stream>.*.<subject>`), but the consumer name token is
 * open (`*`): a service may read or pull any consumer on a stream it consumes from.
 */
export function natsPermissionsOf(service: ServiceName): NatsPermissions {
  const spec = ServiceSubjectMap[service];
  const consumedStreams = [...new Set(spec.consumes.map(streamOf))].sort();
  const allStreams = Streams.map((s) => s.name);
  const publish = [
    ...spec.calls,
    ...spec.publishes,
    ...(spec.livePublishes ?? []).map((prefix) => `${prefix}.*`),
    '$JS.API.INFO',
    ...allStreams.flatMap((s) => ['INFO', 'CREATE', 'UPDATE'].map((op) => `$JS.API.STREAM.${op}.${s}`)),
    ...spec.consumes.map((subject) => `$JS.API.CONSUMER.CREATE.${streamOf(subject)}.*.${subject}`),
    ...consumedStreams.flatMap((s) => [
      `$JS.API.CONSUMER.INFO.${s}.*`,
      `$JS.API.CONSUMER.MSG.NEXT.${s}.*`,
      `$JS.ACK.${s}.>`,
    ]),
  ];
  const subscribe = [
    ...(spec.handles ? Object.values(Rpc[spec.handles]) : []),
    ...(spec.liveSubscribes ?? []).map((prefix) => `${prefix}.*`),
    `${inboxPrefixOf(service)}.>`,
  ];
  return { publish: [...new Set(publish)], subscribe: [...new Set(subscribe)] };
}
