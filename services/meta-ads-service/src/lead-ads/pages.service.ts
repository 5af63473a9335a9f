import { Injectable, Logger } from '@nestjs/common';
import { DomainError, type LeadAdsPageOption, type LeadAdsPageView } from '@crm/contracts';
import { ConnectionStore } from '../connection/connection.store';
import { GraphClient } from '../graph/graph-client';
import { LeadgenService } from '../webhooks/leadgen.service';
import { FormsService } from './forms.service';
import { LeadgenBackfillService } from './leadgen-backfill.service';
import { ManagedPages, type ManagedPage } from './managed-pages';
import { PageStore, type PageRow } from './page-store';

/**
 * The wizard's Page step: list the Pages the connected user manages, and choose the tenant's. A Page belongs to one
 * tenant at a time (like a WABA); the app is subscribed to each chosen Page's `leadgen` webhooks with the Page's
 * token, and leads that waited for a Page nobody had chosen go to the tenant that chooses it.
 */
@Injectable()
export class PagesService {
  private readonly logger = new Logger('LeadAdsPages');

  constructor(
    private readonly connections: ConnectionStore,
    private readonly graph: GraphClient,
    private readonly pages: PageStore,
    private readonly leadgens: LeadgenService,
    private readonly managedPages: ManagedPages,
    private readonly forms: FormsService,
    private readonly backfills: LeadgenBackfillService,
  ) {}

  async list(tenantId: string): Promise<LeadAdsPageOption[]> {
    const { token } = await this.connections.requireActive(tenantId);
    const managed = await this.managedPages.list(tenantId, token);
    const chosen = new Set((await this.pages.chosenBy(tenantId)).map((page) => page.page_id));
    const held = await this.pages.heldByOthers(
      tenantId,
      managed.map((page) => page.id),
    );
    const taken = new Set(held.filter((holder) => holder.active).map((holder) => holder.page_id));
    return managed.map((page) => ({
      id: page.id,
      name: page.name,
      chosen: chosen.has(page.id),
      takenByAnotherAccount: taken.has(page.id),
    }));
  }

  /**
   * The tenant's Pages become exactly `pageIds`. Each must be a Page the user manages (VALIDATION) that no other
   * active account holds (CONFLICT naming it). New Pages are subscribed to `leadgen` before they are stored.
   */
  async select(tenantId: string, pageIds: readonly string[]): Promise<LeadAdsPageView[]> {
    const wanted = [...new Set(pageIds)];
    const { token } = await this.connections.requireActive(tenantId);
    const managed = new Map((await this.managedPages.list(tenantId, token)).map((page) => [page.id, page]));
    const unknown = wanted.filter((id) => !managed.has(id));
    if (unknown.length > 0) {
      throw new DomainError(
        'VALIDATION',
        `page ${unknown.join(', ')} is not a Facebook Page this Meta connection manages`,
        { pageIds: unknown },
      );
    }
    // Checked before subscribing (a clear answer without touching Meta); `replace` checks again under a lock.
    const taken = (await this.pages.heldByOthers(tenantId, wanted)).filter((holder) => holder.active);
    if (taken.length > 0)
      throw pageTaken(taken[0].name || managed.get(taken[0].page_id)?.name, taken[0].page_id);

    // Subscribing again is harmless on Meta and repairs a subscription removed there.
    const chosen: { id: string; name: string; subscribed: boolean }[] = [];
    for (const id of wanted) {
      const page = managed.get(id)!;
      chosen.push({ id, name: page.name, subscribed: await this.subscribe(tenantId, page) });
    }
    const before = new Set((await this.pages.chosenBy(tenantId)).map((page) => page.page_id));
    const { refused, movedLeads } = await this.pages.replace(tenantId, chosen);
    if (refused.length > 0) throw pageTaken(managed.get(refused[0].page_id)?.name, refused[0].page_id);
    this.logger.log(
      `tenant ${tenantId}: Lead Ads Pages ${wanted.join(', ') || '(none)'} chosen` +
        (movedLeads > 0 ? `; ${movedLeads} lead(s) that waited for them will be read now` : ''),
    );
    if (movedLeads > 0) this.leadgens.retryTenantSoon(tenantId);
    // The forms of the chosen Pages (names, questions) are there when the wizard ends; a failure only waits for
    // the next periodic sync or a refresh.
    const synced = await this.forms.syncTenant(tenantId).then(
      () => true,
      (error: unknown) => {
        this.logger.warn(`tenant ${tenantId}: form sync after the Page choice failed: ${String(error)}`);
        return false;
      },
    );
    // A newly chosen Page's leads of the last 90 days never reached this account (or reached nobody): read them.
    const added = wanted.filter((id) => !before.has(id));
    if (synced && added.length > 0) {
      const jobs = await this.backfills.createForNewPages(tenantId, added);
      this.logger.log(
        `tenant ${tenantId}: ${jobs} backfill(s) of the last 90 days for Page(s) ${added.join(', ')}`,
      );
    }
    return (await this.pages.chosenBy(tenantId)).map(toView);
  }

  /** `POST /{page-id}/subscribed_apps?subscribed_fields=leadgen` with the Page's token (REFERENCE §6.1). */
  private async subscribe(tenantId: string, page: ManagedPage): Promise<boolean> {
    if (!page.accessToken) {
      throw new DomainError(
        'META_PERMISSION',
        `Meta gave no access to Page ${page.name || page.id}: reconnect Meta and grant the Page`,
        { pageId: page.id },
      );
    }
    const answer = await this.graph.post<{ success?: unknown }>({
      tenantId,
      family: 'ads',
      token: page.accessToken,
      path: `${page.id}/subscribed_apps`,
      query: { subscribed_fields: 'leadgen' },
      body: {},
    });
    return answer.success === true;
  }
}

function pageTaken(name: string | undefined, pageId: string): DomainError {
  return new DomainError(
    'CONFLICT',
    `the Facebook Page ${name ? `"${name}"` : pageId} is already connected to another CRM Ventas account`,
    { reason: 'page_owned', pageId },
  );
}

function toView(row: PageRow): LeadAdsPageView {
  return {
    id: row.page_id,
    name: row.name,
    chosenAt: row.chosen_at.toISOString(),
    subscribedAt: row.subscribed_at ? row.subscribed_at.toISOString() : null,
  };
}
