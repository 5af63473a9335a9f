import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, TenantRequest, UpdateRuleRequest, type RpcReply } from '@crm/contracts';
import { RulesService } from './rules.service';

@Controller()
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @MessagePattern(Rpc.automation.listRules)
  list(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.automation.listRules>> {
    return this.rules.list(request.tenantId);
  }

  @MessagePattern(Rpc.automation.updateRule)
  update(@Payload() request: UpdateRuleRequest): Promise<RpcReply<typeof Rpc.automation.updateRule>> {
    return this.rules.update(request);
  }
}
