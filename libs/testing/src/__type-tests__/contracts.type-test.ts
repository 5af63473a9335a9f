/**
 * Type-level tests of the contract maps, checked by `npm run typecheck` (never run by Jest: no `.spec.ts`).
 * Every `@ts-expect-error` must mark a real error: tsc fails on one that is not needed, so each line below proves
 * the compiler rejects that misuse.
 */
import {
  Events,
  Rpc,
  Webhooks,
  type DeclaredRpcSubject,
  type EventSubject,
  type LeadDetail,
  type LeadPage,
  type LeadStatusChangedEvent,
  type LeadView,
  type RpcReply,
  type RpcSubject,
} from '@crm/contracts';
import type { JetStreamService, RpcClient } from '@crm/nest-common';
import type { RpcTestClient } from '../rpc-test-client';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// Every subject of `Rpc` has an entry in `RpcMap`, and nothing else does.
assertType<Equal<DeclaredRpcSubject, RpcSubject>>();
// Every durable subject has a payload.
assertType<
  Equal<EventSubject, (typeof Events)[keyof typeof Events] | (typeof Webhooks)[keyof typeof Webhooks]>
>();
// crm.leads.get answers what crm-service returns: the lead with its opportunities and sales.
assertType<Equal<RpcReply<typeof Rpc.crm.getLead>, LeadDetail>>();

export async function rpcClientIsTypedBySubject(rpc: RpcClient, tenantId: string): Promise<void> {
  const page = await rpc.call(Rpc.crm.listLeads, { tenantId, page: 1 });
  assertType<Equal<typeof page, LeadPage>>();
  void page;

  // @ts-expect-error wrong payload: listLeads has no `leadId`
  await rpc.call(Rpc.crm.listLeads, { tenantId, leadId: 'x' });
  // @ts-expect-error wrong payload: getLead needs `leadId`
  await rpc.call(Rpc.crm.getLead, { tenantId });
  // @ts-expect-error wrong payload: a status outside LEAD_STATUSES
  await rpc.call(Rpc.crm.updateLeadStatus, { tenantId, leadId: 'x', status: 'ganado' });

  // @ts-expect-error wrong reply type: listPipeline answers PipelineStageView[], not a lead
  const lead: LeadView = await rpc.call(Rpc.crm.listPipeline, { tenantId });
  void lead;

  // @ts-expect-error unknown subject
  await rpc.call('crm.leads.delete', { tenantId });
  // @ts-expect-error a reply type can no longer be named by hand
  await rpc.call<LeadView>(Rpc.crm.createLead, {
    tenantId,
    name: 'A',
    phone: '+5215512345678',
    leadSource: 'MANUAL',
  });
}

export async function rpcTestClientIsTypedBySubject(rpc: RpcTestClient, tenantId: string): Promise<void> {
  const rules = await rpc.call(Rpc.automation.listRules, { tenantId });
  assertType<Equal<(typeof rules)[number]['builtIn'], boolean>>();
  void rules;
  // @ts-expect-error wrong payload: the rule key is missing (tests send such payloads with `callInvalid`)
  await rpc.call(Rpc.automation.updateRule, { tenantId });
  await rpc.callInvalid(Rpc.automation.updateRule, { tenantId, key: 'nope' });
}

export async function jetstreamIsTypedBySubject(
  jetstream: JetStreamService,
  tenantId: string,
): Promise<void> {
  const changed: LeadStatusChangedEvent = {
    tenantId,
    leadId: 'x',
    from: 'nuevo',
    to: 'contactado',
    changedAt: new Date().toISOString(),
  };
  await jetstream.publish(Events.leadStatusChanged, changed, 'message-id');
  // @ts-expect-error publish with the payload of another event
  await jetstream.publish(Events.leadCreated, changed);
  // @ts-expect-error unknown subject
  await jetstream.publish('evt.crm.lead.deleted', { tenantId });

  await jetstream.consume({
    durable: 'type-test',
    subject: Events.whatsappStatus,
    handler: async (event) => {
      assertType<Equal<typeof event.status, 'sent' | 'delivered' | 'read' | 'failed'>>();
      // @ts-expect-error the handler's payload is the subject's event: a status event has no `text`
      void event.text;
    },
  });
  await jetstream.consume({
    durable: 'type-test',
    subject: Events.whatsappInbound,
    // @ts-expect-error a handler typed for another event does not fit the subject
    handler: async (event: { leadId: string }) => void event,
  });
}
