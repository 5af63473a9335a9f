import { Injectable } from '@nestjs/common';
import {
  DomainError,
  MAX_AGENDA_DAYS,
  MAX_AGENDA_ITEMS,
  type Agenda,
  type AgendaRequest,
  type ClientView,
  type ListClientsRequest,
  type Page,
} from '@crm/contracts';
import { TenantDatabase } from '@crm/nest-common';
import { DEFAULT_PAGE_SIZE } from '../leads/leads.service';
import { OpportunityStore } from '../leads/opportunity-store';
import { SaleStore } from '../leads/sale-store';
import { visibilityOf } from '../opportunities/visibility';

const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class ClientsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly sales: SaleStore,
    private readonly opportunities: OpportunityStore,
  ) {}

  /** Leads with a completed sale; a setter or closer gets the leads assigned to them (the lead visibility rule). */
  async list(request: ListClientsRequest): Promise<Page<ClientView>> {
    const { tenantId } = request;
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
    const found = await this.db.withTenant(tenantId, (db) =>
      this.sales.clientsPage(
        db,
        tenantId,
        visibilityOf(request) ?? undefined,
        request.search,
        page,
        pageSize,
      ),
    );
    return { ...found, page, pageSize };
  }

  /** Pending opportunities with a deadline in `[from, to)`, with the opportunity visibility rule. */
  async agenda(request: AgendaRequest): Promise<Agenda> {
    const { tenantId } = request;
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (from.getTime() >= to.getTime()) throw new DomainError('VALIDATION', 'from must be before to');
    if (to.getTime() - from.getTime() > MAX_AGENDA_DAYS * DAY_MS) {
      throw new DomainError('VALIDATION', `from and to must be at most ${MAX_AGENDA_DAYS} days apart`);
    }
    const rows = await this.db.withTenant(tenantId, (db) =>
      this.opportunities.agenda(
        db,
        tenantId,
        visibilityOf(request),
        from.toISOString(),
        to.toISOString(),
        MAX_AGENDA_ITEMS + 1,
      ),
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      items: rows.slice(0, MAX_AGENDA_ITEMS),
      truncated: rows.length > MAX_AGENDA_ITEMS,
    };
  }
}
