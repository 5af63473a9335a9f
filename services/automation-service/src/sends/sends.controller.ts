import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AutomationMetricsRequest, ListLogsRequest, Rpc, type RpcReply } from '@crm/contracts';
import { SendStore } from './send-store';

@Controller()
export class SendsController {
  constructor(private readonly store: SendStore) {}

  @MessagePattern(Rpc.automation.listLogs)
  listLogs(@Payload() request: ListLogsRequest): Promise<RpcReply<typeof Rpc.automation.listLogs>> {
    return this.store.listLogs(request);
  }

  @MessagePattern(Rpc.automation.metrics)
  metrics(@Payload() request: AutomationMetricsRequest): Promise<RpcReply<typeof Rpc.automation.metrics>> {
    return this.store.metrics(request.tenantId, request.ruleKey);
  }
}
