import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, Events, Webhooks, type MetaWebhookPartMessage } from '@crm/contracts';
import { JetStreamService, MicroBatcher } from '@crm/nest-common';
import { ConnectionStore } from '../connection/connection.store';
import type { TemplateWebhookUpdate } from '../whatsapp/template-updates';
import { TemplatesService } from '../whatsapp/templates.service';
import { SendsService } from '../whatsapp/sends.service';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
import { PageStore } from '../lead-ads/page-store';
import { LeadgenService, type LeadgenNotice } from './leadgen.service';
import { forEachGrouped } from '../common/grouped-concurrency';
import {
  describeValue,
  invalid,
  isObject,
  mapInbound,
  mapStatus,
  readChange,
  readLeadgen,
  readMessagesValue,
  readTemplateCategory,
  readTemplateQuality,
  readTemplateStatus,
  type LeadgenChange,
  type MappedInbound,
  type MappedStatus,
  type MessagesValue,
  type TemplateRef,
} from './webhook-mapping';
import { WebhookEvents } from './webhook-events';
import { HeldWebhooksStore, type AssetRef } from './held-webhooks.store';

/** NATS refuses `.` in durable names, so the conventional `meta-ads-service.webhook-parts` is spelled with a dash. */
export const WEBHOOK_CONSUMER = 'meta-ads-service-webhook-parts';

/** Webhook parts one replica handles at once (status-only parts among them are published in batches). */
const PART_CONCURRENCY = 32;
/** Status-only parts published per batch at most, and how long the first waits for others (see `MicroBatcher`). */
const STATUS_PARTS_BATCH = 32;
const STATUS_PARTS_LINGER_MS = 5;
/** Inbound messages of one part processed at a time (each may resolve its ad with Meta). */
const ITEM_CONCURRENCY = 16;
/** Problems named in one VALIDATION error (the count says how many there were). */
const MAX_PROBLEMS_SHOWN = 10;

/** Who a webhook belongs to: one tenant, nobody, or several (ambiguous: never guessed). */
type Routing = { tenantId: string } | { unknown: true } | { ambiguous: number };

/** The statuses of one part that carries nothing else, with what routes them (see `publishStatusParts`). */
type StatusPart = { phoneNumberId?: string; wabaId?: string; statuses: MappedStatus[] };

/** How a part is handled: as it arrives, or replayed from `held_webhooks` for the tenant it was kept for. */
export type HandleOptions = { heldFor?: string };

/**
 * A kept part replayed for a tenant whose connection does not route its asset (any more): it stays kept and is
 * tried again later. Only a race with another disconnect gets here (the replay claims routable parts only).
 */
export class NotRoutedYet extends Error {
  override readonly name = 'NotRoutedYet';
}

const isValidationError = (error: unknown): error is DomainError =>
  error instanceof DomainError && error.code === 'VALIDATION';

/** The message of a VALIDATION error; anything else is rethrown (it is not the body's fault). */
function validationMessage(error: unknown): string {
  if (!isValidationError(error)) throw error;
  return error.message;
}

/** The statuses of a change mapped to events (`null` ones are not ours to publish); malformed ones to `problems`. */
function mapStatuses(value: MessagesValue, path: string, problems: string[]): MappedStatus[] {
  const statuses: MappedStatus[] = [];
  value.statuses.forEach((status, index) => {
    try {
      const mapped = mapStatus(status, `${path}.statuses[${index}]`);
      if (mapped) statuses.push(mapped);
    } catch (error) {
      problems.push(validationMessage(error));
    }
  });
  return statuses;
}

/** `webhook 1a2b3c4d5e6f entry[0].changes[2]`: where a problem is, in the words of Meta's body. */
function describePart(part: MetaWebhookPartMessage): string {
  const body = `webhook ${part.bodySha256.slice(0, 12)}`;
  if (part.kind === 'body') return body;
  if (part.kind === 'entry') return `${body} entry[${part.entryIndex ?? '?'}]`;
  return `${body} entry[${part.entryIndex ?? '?'}].changes[${part.changeIndex ?? '?'}]`;
}

/**
 * Turns the parts of verified Meta webhooks (`webhook.meta.part`, one per change) into tenant-scoped domain
 * events. The tenant is the one whose connection names the phone number / WABA / page — ambiguous ids are logged
 * and acked, never guessed. A part for an asset nobody routes is kept (`held_webhooks`) for the tenant that held
 * the asset when it disconnected, and replayed once it reconnects with it (`HeldWebhookReplay`); truly unknown ids
 * are logged and acked. Each item is recorded in `webhook_receipts`, so a body redelivered after JetStream's
 * duplicate window has no second effect.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MetaWebhooks');
  /** Status-only parts arriving together: one routing look-up and one transaction per batch (`publishStatusParts`). */
  private readonly statusParts = new MicroBatcher<StatusPart, boolean>({
    maxItems: STATUS_PARTS_BATCH,
    lingerMs: STATUS_PARTS_LINGER_MS,
    flush: (parts) => this.publishStatusParts(parts),
  });

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly connections: ConnectionStore,
    private readonly events: WebhookEvents,
    private readonly leadgens: LeadgenService,
    private readonly pages: PageStore,
    private readonly templates: TemplatesService,
    private readonly sends: SendsService,
    private readonly held: HeldWebhooksStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume({
      durable: WEBHOOK_CONSUMER,
      subject: Webhooks.metaPart,
      // Parts are self-contained and idempotent: a body of 5,000 statuses does not hold up the next webhook.
      concurrency: PART_CONCURRENCY,
      handler: (part) => this.handle(part),
    });
  }

  /**
   * One part of a webhook body (one `entry[i].changes[j]`). Every valid item is processed; what is malformed is
   * then reported as one `DomainError('VALIDATION')` naming each bad path, so the message is not retried.
   */
  async handle(part: MetaWebhookPartMessage, options: HandleOptions = {}): Promise<void> {
    const where = describePart(part);
    if (part.kind === 'body') {
      throw invalid(where, `expected an object with an entry array, got ${describeValue(part.content)}`);
    }
    if (part.kind === 'entry') {
      throw invalid(
        where,
        isObject(part.content)
          ? `expected changes to be an array, got ${describeValue(part.content.changes)}`
          : `expected an object, got ${describeValue(part.content)}`,
      );
    }
    const change = readChange(part.content, where);
    const problems: string[] = [];
    if (part.object === 'whatsapp_business_account' && change.field === 'messages') {
      const path = `${where}.value`;
      await this.whatsappMessages(part, readMessagesValue(change.value, path), path, problems, options);
    } else if (
      part.object === 'whatsapp_business_account' &&
      change.field === 'message_template_status_update'
    ) {
      const status = readTemplateStatus(change.value, `${where}.value`);
      await this.templateUpdate(part, { ...status, kind: 'status' });
    } else if (
      part.object === 'whatsapp_business_account' &&
      change.field === 'message_template_quality_update'
    ) {
      await this.templateUpdate(part, {
        ...readTemplateQuality(change.value, `${where}.value`),
        kind: 'quality',
      });
    } else if (part.object === 'whatsapp_business_account' && change.field === 'template_category_update') {
      await this.templateUpdate(part, {
        ...readTemplateCategory(change.value, `${where}.value`),
        kind: 'category',
      });
    } else if (part.object === 'page' && change.field === 'leadgen') {
      await this.leadgen(part, readLeadgen(change.value, `${where}.value`), where, options);
    } else {
      this.logger.debug(`ignoring webhook ${part.object ?? '?'}/${change.field}`);
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
      const more =
        problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : '';
      throw new DomainError('VALIDATION', `${shown}${more}`, { problems: problems.length });
    }
  }

  /**
   * Inbound messages and statuses of one change, concurrently (bounded): messages of one sender stay in order, as
   * do the statuses of one message (their transitions are monotonic downstream anyway).
   */
  private async whatsappMessages(
    part: MetaWebhookPartMessage,
    value: MessagesValue,
    path: string,
    problems: string[],
    options: HandleOptions,
  ): Promise<void> {
    problems.push(...value.problems);
    if (value.messages.length === 0 && value.statuses.length === 0) return;
    const wabaId = part.entryId;
    if (value.messages.length === 0 && options.heldFor === undefined) {
      // Statuses only, the usual part (Meta sends a status per webhook): published with the other status parts
      // arriving meanwhile. Problems of an unrouted part are not reported, as below.
      const mappingProblems: string[] = [];
      const statuses = mapStatuses(value, path, mappingProblems);
      const routed = await this.statusParts.add({ phoneNumberId: value.phoneNumberId, wabaId, statuses });
      if (routed) {
        problems.push(...mappingProblems);
        return;
      }
      // Nobody routes the number now: below, the part is kept for the tenant that released it (if any).
    }
    const routing = await this.tenantForWhatsapp(value.phoneNumberId, wabaId);
    const assets: AssetRef[] = [
      ...(value.phoneNumberId ? [{ kind: 'phone_number' as const, id: value.phoneNumberId }] : []),
      ...(wabaId ? [{ kind: 'waba' as const, id: wabaId }] : []),
    ];
    const tenantId = await this.ownerOf(part, routing, assets, options);
    if (!tenantId) return;

    const inbound: MappedInbound[] = [];
    value.messages.forEach((message, index) => {
      try {
        inbound.push(mapInbound(message, value.contactNames, `${path}.messages[${index}]`));
      } catch (error) {
        problems.push(validationMessage(error));
      }
    });
    const statuses = mapStatuses(value, path, problems);

    const inboundKey = (m: MappedInbound) => `wa-in:${m.wamid}`;
    const seen =
      inbound.length > 0 ? await this.events.seenAmong(tenantId, inbound.map(inboundKey)) : new Set<string>();

    const inboundErrors = await forEachGrouped(
      inbound.filter((m) => !seen.has(inboundKey(m))),
      (m) => m.sender,
      ITEM_CONCURRENCY,
      async (mapped) => {
        if (!mapped.from) {
          this.logger.warn(
            `tenant ${tenantId}: skipping inbound message ${mapped.wamid}: sender is not a phone number`,
          );
          return;
        }
        const event: Record<string, unknown> = {
          tenantId,
          phoneNumberId: value.phoneNumberId ?? '',
          ...mapped.fields,
        };
        if (mapped.adId) event.attribution = await this.events.attribution(tenantId, mapped.adId);
        await this.events.publish(Events.whatsappInbound, event, inboundKey(mapped), tenantId);
      },
    );
    await this.publishStatuses(tenantId, statuses);
    // A transient failure (database, NATS) retries the whole part: what was enqueued is skipped next time.
    const failures = inboundErrors;
    const transient = failures.find((error) => !isValidationError(error));
    if (transient) throw transient;
    problems.push(...failures.map(validationMessage));
  }

  /**
   * Statuses of one tenant, in the order Meta sent them: recorded and enqueued in batches (one transaction per
   * thousand; no look-up first, a status already enqueued is skipped). A send whose answer was lost (timeout, 5xx)
   * is settled by its own status webhooks (callback data), in the first of those transactions.
   */
  private async publishStatuses(tenantId: string, statuses: MappedStatus[]): Promise<void> {
    let settled = 0;
    const settling = statuses.some((status) => status.callbackData);
    await this.events.publishMany(
      Events.whatsappStatus,
      statuses.map((mapped) => ({
        event: { tenantId, ...mapped },
        key: `wa-st:${mapped.wamid}:${mapped.status}`,
      })),
      tenantId,
      settling
        ? async (db) => {
            settled = await this.sends.settleFromStatuses(tenantId, statuses, db);
          }
        : undefined,
    );
    if (settled > 0)
      this.logger.log(`tenant ${tenantId}: ${settled} send(s) of unknown outcome settled by webhook`);
    // Reported by WhatsApp: evidence about earlier sends from this number that never were (SendsService.outcome).
    await this.sends.recordStatusReports(
      tenantId,
      statuses.map((s) => s.wamid),
    );
  }

  /**
   * A batch of status-only parts: each distinct number / WABA routed once, then each tenant's statuses published in
   * one go (in the parts' order). If that fails, its parts are published one by one, so a part that cannot be
   * published fails (and is retried) alone. Answers, per part, whether it was routed to a tenant.
   */
  private async publishStatusParts(parts: StatusPart[]): Promise<PromiseSettledResult<boolean>[]> {
    const outcomes: PromiseSettledResult<boolean>[] = [];
    const routes = new Map<string, Routing>();
    const byTenant = new Map<string, number[]>();
    for (const [index, part] of parts.entries()) {
      const key = `${part.phoneNumberId ?? ''}/${part.wabaId ?? ''}`;
      try {
        let routing = routes.get(key);
        if (!routing) {
          routing = await this.tenantForWhatsapp(part.phoneNumberId, part.wabaId);
          routes.set(key, routing);
        }
        if ('tenantId' in routing) {
          byTenant.set(routing.tenantId, [...(byTenant.get(routing.tenantId) ?? []), index]);
        } else {
          outcomes[index] = { status: 'fulfilled', value: false };
        }
      } catch (error) {
        outcomes[index] = { status: 'rejected', reason: error };
      }
    }
    for (const [tenantId, indexes] of byTenant) {
      try {
        await this.publishStatuses(
          tenantId,
          indexes.flatMap((index) => parts[index].statuses),
        );
        for (const index of indexes) outcomes[index] = { status: 'fulfilled', value: true };
      } catch (error) {
        if (indexes.length === 1) {
          outcomes[indexes[0]] = { status: 'rejected', reason: error };
          continue;
        }
        for (const index of indexes) {
          outcomes[index] = await this.publishStatuses(tenantId, parts[index].statuses).then(
            () => ({ status: 'fulfilled', value: true }),
            (reason: unknown) => ({ status: 'rejected', reason }),
          );
        }
      }
    }
    return outcomes;
  }

  /**
   * A template status, quality or category webhook, for every tenant connected to the WABA. Meta's time of the
   * change is the entry's `time` (else when we received it): an update older than the stored one is ignored.
   */
  private async templateUpdate(
    part: MetaWebhookPartMessage,
    update: TemplateRef & DistributiveOmit<TemplateWebhookUpdate, 'at' | keyof TemplateRef>,
  ): Promise<void> {
    const wabaId = part.entryId;
    if (!wabaId) return;
    const tenants = await this.connections.tenantsRouting({ wabaId });
    if (tenants.length === 0) {
      this.logger.warn(`template webhook for unknown WABA ${wabaId}: acked, not routed`);
      return;
    }
    const at = part.entryTime ? new Date(part.entryTime * 1000) : new Date(part.receivedAt);
    for (const tenantId of tenants) {
      const outcome = await this.templates.applyWebhookUpdate(tenantId, {
        ...update,
        at,
      } as TemplateWebhookUpdate);
      this.logger.log(
        `tenant ${tenantId}: template ${update.name ?? update.templateId ?? '?'} ${update.kind} update: ${outcome}`,
      );
    }
  }

  /**
   * A Lead Ads lead goes to the tenant that chose its Page (whoever else can see the Page). A lead of a Page nobody
   * chose is kept in `unrouted_leadgen` until a tenant chooses the Page: never dropped. A lead of a Page whose
   * account is disconnected is kept for it in `held_webhooks` (like its number's messages) and replayed once it
   * reconnects (`options.heldFor`): processed then only if that account still owns the Page, else kept.
   */
  private async leadgen(
    part: MetaWebhookPartMessage,
    change: LeadgenChange,
    where: string,
    options: HandleOptions,
  ): Promise<void> {
    const { leadgenId } = change;
    const pageId = change.pageId ?? part.entryId;
    if (!pageId) throw invalid(`${where}.value.page_id`, 'missing (and the entry has no id)');
    const notice: LeadgenNotice = {
      leadgenId,
      pageId,
      ...(change.formId ? { formId: change.formId } : {}),
      ...(change.adId ? { adId: change.adId } : {}),
      ...(change.adgroupId ? { adgroupId: change.adgroupId } : {}),
      ...(change.createdTime ? { createdTime: new Date(change.createdTime) } : {}),
    };
    const owner = await this.pages.ownerOf(pageId);
    if (options.heldFor !== undefined) {
      if (!owner?.active || owner.tenantId !== options.heldFor) {
        throw new NotRoutedYet(
          `${describePart(part)}: tenant ${options.heldFor} does not own page ${pageId} (yet)`,
        );
      }
    } else if (!owner) {
      if (await this.pages.keepUnrouted(notice)) {
        this.logger.warn(
          `leadgen webhook for page ${pageId} (lead ${leadgenId}): no account chose this Page; kept until one does`,
        );
      }
      return;
    } else if (!owner.active) {
      const kept = await this.held.hold(owner.tenantId, { kind: 'page', id: pageId }, part);
      this.logger.log(
        `${describePart(part)} for page ${pageId}: ${kept ? 'kept' : 'already kept'} for disconnected tenant ${owner.tenantId} until it reconnects`,
      );
      return;
    }
    const tenantId = owner.tenantId;
    if (await this.events.seen(tenantId, `leadgen:${leadgenId}`)) return;
    await this.leadgens.receive(tenantId, notice);
  }

  /**
   * The tenant to process the part for now, or null. Replaying a kept part: its tenant, if its connection routes
   * the part again (else `NotRoutedYet`). Otherwise the routed tenant; for an asset nobody routes, the part is kept
   * for the tenant that last held the asset (a disconnect within the retention), else logged and acked.
   */
  private async ownerOf(
    part: MetaWebhookPartMessage,
    routing: Routing,
    assets: readonly AssetRef[],
    options: HandleOptions,
  ): Promise<string | null> {
    const { heldFor } = options;
    if (heldFor !== undefined) {
      if ('tenantId' in routing && routing.tenantId === heldFor) return heldFor;
      throw new NotRoutedYet(`${describePart(part)}: tenant ${heldFor} does not route it (yet)`);
    }
    if ('tenantId' in routing) return routing.tenantId;
    if ('unknown' in routing) await this.holdForFormerOwner(part, assets);
    return null;
  }

  /**
   * Keep a part nobody routes for the tenant that held its asset when it disconnected: the latest release. It was
   * the asset's only holder then (anyone holding it with it either still routes it or released it later).
   */
  private async holdForFormerOwner(part: MetaWebhookPartMessage, assets: readonly AssetRef[]): Promise<void> {
    const where = describePart(part);
    for (const asset of assets) {
      const tenantId = await this.held.lastHolder(asset);
      if (!tenantId) continue;
      const kept = await this.held.hold(tenantId, asset, part);
      this.logger.log(
        `${where} for ${asset.kind} ${asset.id}: ${kept ? 'kept' : 'already kept'} for disconnected tenant ${tenantId} until it reconnects`,
      );
      return;
    }
    const ids = assets.map((asset) => `${asset.kind} ${asset.id}`).join(' / ') || 'no id';
    this.logger.warn(`${where} for unknown ${ids}: acked, not routed`);
  }

  /**
   * The connection that owns the number, else the WABA (both are exclusive to one non-disconnected tenant: see
   * `selectAssets` and the partial unique indexes). Several matches cannot happen; if they did, nobody gets it.
   */
  private async tenantForWhatsapp(phoneNumberId?: string, wabaId?: string): Promise<Routing> {
    for (const where of [phoneNumberId ? { phoneNumberId } : undefined, wabaId ? { wabaId } : undefined]) {
      if (!where) continue;
      const matches = await this.connections.tenantsRouting(where, 2);
      if (matches.length > 1) {
        this.logger.error(
          `WhatsApp webhook for ${JSON.stringify(where)} is claimed by several tenants: acked, not routed`,
        );
        return { ambiguous: matches.length };
      }
      if (matches.length === 1) return { tenantId: matches[0] };
    }
    return { unknown: true };
  }
}
