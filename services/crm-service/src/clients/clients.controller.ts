import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AgendaRequest, ListClientsRequest, Rpc, type RpcReply } from '@crm/contracts';
import { ClientsService } from './clients.service';

@Controller()
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @MessagePattern(Rpc.crm.listClients)
  list(@Payload() request: ListClientsRequest): Promise<RpcReply<typeof Rpc.crm.listClients>> {
    return this.clients.list(request);
  }

  @MessagePattern(Rpc.crm.agenda)
  agenda(@Payload() request: AgendaRequest): Promise<RpcReply<typeof Rpc.crm.agenda>> {
    return this.clients.agenda(request);
  }
}
