import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateOpportunityRequest,
  GetOpportunityRequest,
  ListOpportunitiesRequest,
  OpportunityBoardRequest,
  Rpc,
  UpdateOpportunityRequest,
  type RpcReply,
} from '@crm/contracts';
import { OpportunitiesService } from './opportunities.service';

@Controller()
export class OpportunitiesController {
  constructor(private readonly opportunities: OpportunitiesService) {}

  @MessagePattern(Rpc.crm.listOpportunities)
  list(@Payload() request: ListOpportunitiesRequest): Promise<RpcReply<typeof Rpc.crm.listOpportunities>> {
    return this.opportunities.list(request);
  }

  @MessagePattern(Rpc.crm.opportunityBoard)
  board(@Payload() request: OpportunityBoardRequest): Promise<RpcReply<typeof Rpc.crm.opportunityBoard>> {
    return this.opportunities.board(request);
  }

  @MessagePattern(Rpc.crm.getOpportunity)
  get(@Payload() request: GetOpportunityRequest): Promise<RpcReply<typeof Rpc.crm.getOpportunity>> {
    return this.opportunities.get(request);
  }

  @MessagePattern(Rpc.crm.createOpportunity)
  create(@Payload() request: CreateOpportunityRequest): Promise<RpcReply<typeof Rpc.crm.createOpportunity>> {
    return this.opportunities.create(request);
  }

  @MessagePattern(Rpc.crm.updateOpportunity)
  update(@Payload() request: UpdateOpportunityRequest): Promise<RpcReply<typeof Rpc.crm.updateOpportunity>> {
    return this.opportunities.update(request);
  }
}
