import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ConversionLogRequest,
  Rpc,
  TenantRequest,
  UpdateConversionSettingsRequest,
  type RpcReply,
} from '@crm/contracts';
import { ConversionsService } from './conversions.service';

@Controller()
export class ConversionsController {
  constructor(private readonly conversions: ConversionsService) {}

  @MessagePattern(Rpc.meta.conversionSettings)
  settings(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.conversionSettings>> {
    return this.conversions.settings(request.tenantId);
  }

  @MessagePattern(Rpc.meta.updateConversionSettings)
  updateSettings(
    @Payload() request: UpdateConversionSettingsRequest,
  ): Promise<RpcReply<typeof Rpc.meta.updateConversionSettings>> {
    return this.conversions.updateSettings(request);
  }

  @MessagePattern(Rpc.meta.conversionDatasets)
  datasets(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.conversionDatasets>> {
    return this.conversions.datasets(request.tenantId);
  }

  @MessagePattern(Rpc.meta.conversionLog)
  log(@Payload() request: ConversionLogRequest): Promise<RpcReply<typeof Rpc.meta.conversionLog>> {
    return this.conversions.log(request);
  }
}
