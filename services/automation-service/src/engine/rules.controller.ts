import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateRuleRequest,
  PreviewRequest,
  Rpc,
  RuleKeyRequest,
  TenantRequest,
  TriggerRequest,
  UpdateRuleRequest,
  type RpcReply,
} from '@crm/contracts';
import { RulesService } from '../rules/rules.service';
import { ManualTrigger } from './manual-trigger';
import { RuleEngine } from './rule-engine';

@Controller()
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly engine: RuleEngine,
    private readonly manual: ManualTrigger,
  ) {}

  @MessagePattern(Rpc.automation.listRules)
  list(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.automation.listRules>> {
    return this.rules.list(request.tenantId);
  }

  /**
   * A new timing moves the rule's scheduled sends in the same transaction; saving a rule as off cancels its
   * scheduled sends (a person's triggers stay).
   */
  @MessagePattern(Rpc.automation.updateRule)
  async update(@Payload() request: UpdateRuleRequest): Promise<RpcReply<typeof Rpc.automation.updateRule>> {
    const rule = await this.rules.update(request, (db, before, saved) =>
      this.engine.onRuleSaved(db, request.tenantId, before, saved),
    );
    if (!rule.enabled) await this.engine.onRuleStopped(request.tenantId, rule.key, false);
    return rule;
  }

  @MessagePattern(Rpc.automation.createRule)
  create(@Payload() request: CreateRuleRequest): Promise<RpcReply<typeof Rpc.automation.createRule>> {
    return this.rules.create(request);
  }

  /** Deleting a rule cancels every send of it still scheduled. */
  @MessagePattern(Rpc.automation.deleteRule)
  async delete(@Payload() request: RuleKeyRequest): Promise<RpcReply<typeof Rpc.automation.deleteRule>> {
    await this.rules.delete(request.tenantId, request.key);
    await this.engine.onRuleStopped(request.tenantId, request.key, true);
    return { deleted: true };
  }

  @MessagePattern(Rpc.automation.trigger)
  trigger(@Payload() request: TriggerRequest): Promise<RpcReply<typeof Rpc.automation.trigger>> {
    return this.manual.trigger(request);
  }

  @MessagePattern(Rpc.automation.preview)
  preview(@Payload() request: PreviewRequest): Promise<RpcReply<typeof Rpc.automation.preview>> {
    return this.manual.preview(request);
  }
}
