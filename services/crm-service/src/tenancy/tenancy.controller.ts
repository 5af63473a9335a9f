import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  GetUserRequest,
  Rpc,
  TenantRequest,
  VerifyCredentialsRequest,
  type SessionUser,
  type TenantView,
} from '@crm/contracts';
import { TenancyService } from './tenancy.service';

@Controller()
export class TenancyController {
  constructor(private readonly tenancy: TenancyService) {}

  @MessagePattern(Rpc.crm.verifyCredentials)
  verifyCredentials(@Payload() request: VerifyCredentialsRequest): Promise<SessionUser> {
    return this.tenancy.verifyCredentials(request.email, request.password);
  }

  @MessagePattern(Rpc.crm.getUser)
  getUser(@Payload() request: GetUserRequest): Promise<SessionUser> {
    return this.tenancy.getUser(request.tenantId, request.userId);
  }

  @MessagePattern(Rpc.crm.getTenant)
  getTenant(@Payload() request: TenantRequest): Promise<TenantView> {
    return this.tenancy.getTenant(request.tenantId);
  }
}
