import { Controller, Get, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MODULE_ROLES, Rpc, type Agenda, type ClientView, type Page } from '@crm/contracts';
import { RpcClient } from '@crm/nest-common';
import { actorOf } from '../auth/actor';
import { Roles, Session } from '../auth/auth.decorators';
import type { SessionContext } from '../auth/session';
import { AgendaQuery, ListClientsQuery } from './clients.dto';

@ApiTags('clients')
@ApiCookieAuth()
@Roles(...MODULE_ROLES.leads)
@Controller('crm')
export class ClientsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('clients')
  @ApiOperation({
    summary: 'Leads with a completed sale, latest purchase first (setter/closer: their leads)',
  })
  @ApiOkResponse({ description: 'Page<ClientView>' })
  clients(@Session() session: SessionContext, @Query() query: ListClientsQuery): Promise<Page<ClientView>> {
    return this.rpc.call(Rpc.crm.listClients, {
      page: query.page,
      pageSize: query.pageSize,
      search: query.search,
      ...actorOf(session),
    });
  }

  @Get('agenda')
  @ApiOperation({ summary: 'Pending opportunities with a deadline in [from, to), at most 62 days' })
  @ApiOkResponse({ description: 'Agenda' })
  agenda(@Session() session: SessionContext, @Query() query: AgendaQuery): Promise<Agenda> {
    return this.rpc.call(Rpc.crm.agenda, { from: query.from, to: query.to, ...actorOf(session) });
  }
}
