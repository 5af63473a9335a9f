import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, Events, Webhooks, type MetaWebhookPartMessage } from '@crm/contracts';
import { JetStreamService } from '@crm/nest-common';
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

/** NATS refuses `.` in durable names, so the conventional `meta-ads-service.webhook-parts` is spelled with a dash. */
export const WEBHOOK_CONSUMER = 'meta-ads-service-webhook-parts';

/** Webhook parts one replica handles at once. */
const PART_CONCURRENCY = 8;
/** Inbound messages of one part processed at a time (each may resolve its ad with Meta). */
const ITEM_CONCURRENCY = 16;
/** Problems named in one VALIDATION error (the count says how many there were). */
const MAX_PROBLEMS_SHOWN = 10;

/** Who a webhook belongs to: one tenant, nobody, or several (ambiguous: never guessed). */
type Routing = { tenantId: string } | { unknown: true } | { ambiguous: number };

const isValidationError = (error: unknown): error is DomainError =>
  error instanceof DomainError && error.code === 'VALIDATION';

/** The message of a VALIDATION error; anything else is rethrown (it is not the body's fault). */
function validationMessage(error: unknown): string {
  if (!isValidationError(error)) throw error;
  return error.message;
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
 * events. The tenant is the one whose connection names the phone number / WABA / page — unknown or ambiguous ids
 * are logged and acked, never guessed. Each item is recorded in `webhook_receipts`, so a body redelivered after
 * JetStream's duplicate window has no second effect.
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MetaWebhooks');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly connections: ConnectionStore,
    private readonly events: WebhookEvents,
    private readonly leadgens: LeadgenService,
    private readonly pages: PageStore,
    private readonly templates: TemplatesService,
    private readonly sends: SendsService,
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
  async handle(part: MetaWebhookPartMessage): Promise<void> {
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
      await this.whatsappMessages(part.entryId, readMessagesValue(change.value, path), path, problems);
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
      await this.leadgen(part.entryId, readLeadgen(change.value, `${where}.value`), where);
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
    wabaId: string | undefined,
    value: MessagesValue,
    path: string,
    problems: string[],
  ): Promise<void> {
    problems.push(...value.problems);
    if (value.messages.length === 0 && value.statuses.length === 0) return;
    const routing = await this.tenantForWhatsapp(value.phoneNumberId, wabaId);
    if (!('tenantId' in routing)) return;
    const { tenantId } = routing;

    const inbound: MappedInbound[] = [];
    value.messages.forEach((message, index) => {
      try {
        inbound.push(mapInbound(message, value.contactNames, `${path}.messages[${index}]`));
      } catch (error) {
        problems.push(validationMessage(error));
      }
    });
    const statuses: MappedStatus[] = [];
    value.statuses.forEach((status, index) => {
      try {
        const mapped = mapStatus(status, `${path}.statuses[${index}]`);
        if (mapped) statuses.push(mapped);
      } catch (error) {
        problems.push(validationMessage(error));
      }
    });

    const inboundKey = (m: MappedInbound) => `wa-in:${m.wamid}`;
    const statusKey = (s: MappedStatus) => `wa-st:${s.wamid}:${s.status}`;
    const seen = await this.events.seenAmong(tenantId, [
      ...inbound.map(inboundKey),
      ...statuses.map(statusKey),
    ]);

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
    // Statuses are recorded and enqueued in batches (one transaction per thousand), in the order Meta sent them.
    await this.events.publishMany(
      Events.whatsappStatus,
      statuses
        .filter((s) => !seen.has(statusKey(s)))
        .map((mapped) => ({ event: { tenantId, ...mapped }, key: statusKey(mapped) })),
      tenantId,
    );
    // A send whose answer was lost (timeout, 5xx) is settled by its own status webhooks (callback data).
    const settled = await this.sends.settleFromStatuses(tenantId, statuses);
    if (settled > 0)
      this.logger.log(`tenant ${tenantId}: ${settled} send(s) of unknown outcome settled by webhook`);
    // A transient failure (database, NATS) retries the whole part: what was enqueued is skipped next time.
    const failures = inboundErrors;
    const transient = failures.find((error) => !isValidationError(error));
    if (transient) throw transient;
    problems.push(...failures.map(validationMessage));
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
   * chose is kept in `unrouted_leadgen` until a tenant chooses the Page: never dropped.
   */
  private async leadgen(entryId: string | undefined, change: LeadgenChange, where: string): Promise<void> {
    const { leadgenId } = change;
    const pageId = change.pageId ?? entryId;
    if (!pageId) throw invalid(`${where}.value.page_id`, 'missing (and the entry has no id)');
    const notice: LeadgenNotice = {
      leadgenId,
      pageId,
      ...(change.formId ? { formId: change.formId } : {}),
      ...(change.adId ? { adId: change.adId } : {}),
      ...(change.adgroupId ? { adgroupId: change.adgroupId } : {}),
      ...(change.createdTime ? { createdTime: new Date(change.createdTime) } : {}),
    };
    const tenantId = await this.pages.ownerOf(pageId);
    if (!tenantId) {
      if (await this.pages.keepUnrouted(notice)) {
        this.logger.warn(
          `leadgen webhook for page ${pageId} (lead ${leadgenId}): no account chose this Page; kept until one does`,
        );
      }
      return;
    }
    if (await this.events.seen(tenantId, `leadgen:${leadgenId}`)) return;
    await this.leadgens.receive(tenantId, notice);
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
    this.logger.warn(
      `WhatsApp webhook for unknown phone_number_id ${phoneNumberId ?? '-'} / WABA ${wabaId ?? '-'}: acked, not routed`,
    );
    return { unknown: true };
  }
}
