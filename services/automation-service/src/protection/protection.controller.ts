import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, TenantRequest, UpdateProtectionSettingsRequest, type RpcReply } from '@crm/contracts';
import { ProtectionService } from './protection.service';

@Controller()
export class ProtectionController {
  constructor(private readonly protection: ProtectionService) {}

  @MessagePattern(Rpc.automation.getProtection)
  get(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.automation.getProtection>> {
    return this.protection.settings(request.tenantId);
  }

  @MessagePattern(Rpc.automation.updateProtection)
  update(
    @Payload() request: UpdateProtectionSettingsRequest,
  ): Promise<RpcReply<typeof Rpc.automation.updateProtection>> {
    return this.protection.updateSettings(request);
  }
}
