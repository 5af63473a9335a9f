import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateLeadRequest,
  GetLeadRequest,
  ListLeadsRequest,
  Rpc,
  UpdateLeadRequest,
  UpdateLeadStatusRequest,
  type RpcReply,
} from '@crm/contracts';
import { LeadsService } from './leads.service';

@Controller()
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @MessagePattern(Rpc.crm.listLeads)
  list(@Payload() request: ListLeadsRequest): Promise<RpcReply<typeof Rpc.crm.listLeads>> {
    return this.leads.list(request);
  }

  @MessagePattern(Rpc.crm.getLead)
  get(@Payload() request: GetLeadRequest): Promise<RpcReply<typeof Rpc.crm.getLead>> {
    return this.leads.get(request.tenantId, request.leadId, request.viewer);
  }

  @MessagePattern(Rpc.crm.createLead)
  create(@Payload() request: CreateLeadRequest): Promise<RpcReply<typeof Rpc.crm.createLead>> {
    return this.leads.create(request);
  }

  @MessagePattern(Rpc.crm.updateLeadStatus)
  updateStatus(
    @Payload() request: UpdateLeadStatusRequest,
  ): Promise<RpcReply<typeof Rpc.crm.updateLeadStatus>> {
    return this.leads.updateStatus(request.tenantId, request.leadId, request.status, request.viewer);
  }

  @MessagePattern(Rpc.crm.updateLead)
  update(@Payload() request: UpdateLeadRequest): Promise<RpcReply<typeof Rpc.crm.updateLead>> {
    return this.leads.update(request);
  }
}
