import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateUserRequest,
  Rpc,
  SessionAccessRequest,
  SignupRequest,
  TenantRequest,
  UpdateTenantRequest,
  UpdateUserRequest,
  type RpcReply,
} from '@crm/contracts';
import { PeopleService } from './people.service';

@Controller()
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @MessagePattern(Rpc.crm.signup)
  signup(@Payload() request: SignupRequest): Promise<RpcReply<typeof Rpc.crm.signup>> {
    return this.people.signup(request);
  }

  @MessagePattern(Rpc.crm.updateTenant)
  updateTenant(@Payload() request: UpdateTenantRequest): Promise<RpcReply<typeof Rpc.crm.updateTenant>> {
    return this.people.updateTenant(request);
  }

  @MessagePattern(Rpc.crm.listUsers)
  listUsers(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.crm.listUsers>> {
    return this.people.listUsers(request.tenantId);
  }

  @MessagePattern(Rpc.crm.createUser)
  createUser(@Payload() request: CreateUserRequest): Promise<RpcReply<typeof Rpc.crm.createUser>> {
    return this.people.createUser(request);
  }

  @MessagePattern(Rpc.crm.updateUser)
  updateUser(@Payload() request: UpdateUserRequest): Promise<RpcReply<typeof Rpc.crm.updateUser>> {
    return this.people.updateUser(request);
  }

  @MessagePattern(Rpc.crm.userAccess)
  userAccess(@Payload() request: SessionAccessRequest): Promise<RpcReply<typeof Rpc.crm.userAccess>> {
    return this.people.userAccess(request.tenantId, request.userId, request.sessionId);
  }

  @MessagePattern(Rpc.crm.sellersOverview)
  sellersOverview(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.crm.sellersOverview>> {
    return this.people.sellersOverview(request.tenantId);
  }
}
