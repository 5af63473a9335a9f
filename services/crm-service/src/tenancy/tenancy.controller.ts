import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetUserRequest, Rpc, TenantRequest, VerifyCredentialsRequest, type RpcReply } from '@crm/contracts';
import { TenancyService } from './tenancy.service';

@Controller()
export class TenancyController {
  constructor(private readonly tenancy: TenancyService) {}

  @MessagePattern(Rpc.crm.verifyCredentials)
  verifyCredentials(
    @Payload() request: VerifyCredentialsRequest,
  ): Promise<RpcReply<typeof Rpc.crm.verifyCredentials>> {
    return this.tenancy.verifyCredentials(request.email, request.password);
  }

  @MessagePattern(Rpc.crm.getUser)
  getUser(@Payload() request: GetUserRequest): Promise<RpcReply<typeof Rpc.crm.getUser>> {
    return this.tenancy.getUser(request.tenantId, request.userId);
  }

  @MessagePattern(Rpc.crm.getTenant)
  getTenant(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.crm.getTenant>> {
    return this.tenancy.getTenant(request.tenantId);
  }
}
