import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CompleteOauthRequest,
  ConsumeOauthStateRequest,
  ListAdAccountsRequest,
  ListPhoneNumbersRequest,
  Rpc,
  SelectAssetsRequest,
  TenantRequest,
  type RpcReply,
} from '@crm/contracts';
import { ConnectionService } from './connection.service';

@Controller()
export class ConnectionController {
  constructor(private readonly connections: ConnectionService) {}

  @MessagePattern(Rpc.meta.consumeOauthState)
  consumeOauthState(
    @Payload() request: ConsumeOauthStateRequest,
  ): Promise<RpcReply<typeof Rpc.meta.consumeOauthState>> {
    return this.connections.consumeOauthState(request);
  }

  @MessagePattern(Rpc.meta.completeOauth)
  completeOauth(@Payload() request: CompleteOauthRequest): Promise<RpcReply<typeof Rpc.meta.completeOauth>> {
    return this.connections.completeOauth(request);
  }

  @MessagePattern(Rpc.meta.connectionStatus)
  status(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.connectionStatus>> {
    return this.connections.status(request.tenantId);
  }

  @MessagePattern(Rpc.meta.disconnect)
  disconnect(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.disconnect>> {
    return this.connections.disconnect(request.tenantId);
  }

  @MessagePattern(Rpc.meta.listPortfolios)
  listPortfolios(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.meta.listPortfolios>> {
    return this.connections.listPortfolios(request.tenantId);
  }

  @MessagePattern(Rpc.meta.listAdAccounts)
  listAdAccounts(
    @Payload() request: ListAdAccountsRequest,
  ): Promise<RpcReply<typeof Rpc.meta.listAdAccounts>> {
    return this.connections.listAdAccounts(request.tenantId, request.businessId);
  }

  @MessagePattern(Rpc.meta.listPhoneNumbers)
  listPhoneNumbers(
    @Payload() request: ListPhoneNumbersRequest,
  ): Promise<RpcReply<typeof Rpc.meta.listPhoneNumbers>> {
    return this.connections.listPhoneNumbers(request.tenantId, request.businessId);
  }

  @MessagePattern(Rpc.meta.selectAssets)
  selectAssets(@Payload() request: SelectAssetsRequest): Promise<RpcReply<typeof Rpc.meta.selectAssets>> {
    return this.connections.selectAssets(request);
  }
}
