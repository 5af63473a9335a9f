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
  type AdAccountOption,
  type ConnectionStatus,
  type PhoneNumberOption,
  type PortfolioOption,
} from '@crm/contracts';
import { ConnectionService } from './connection.service';

@Controller()
export class ConnectionController {
  constructor(private readonly connections: ConnectionService) {}

  @MessagePattern(Rpc.meta.consumeOauthState)
  consumeOauthState(@Payload() request: ConsumeOauthStateRequest): Promise<{ ok: true }> {
    return this.connections.consumeOauthState(request);
  }

  @MessagePattern(Rpc.meta.completeOauth)
  completeOauth(@Payload() request: CompleteOauthRequest): Promise<ConnectionStatus> {
    return this.connections.completeOauth(request);
  }

  @MessagePattern(Rpc.meta.connectionStatus)
  status(@Payload() request: TenantRequest): Promise<ConnectionStatus> {
    return this.connections.status(request.tenantId);
  }

  @MessagePattern(Rpc.meta.disconnect)
  disconnect(@Payload() request: TenantRequest): Promise<ConnectionStatus> {
    return this.connections.disconnect(request.tenantId);
  }

  @MessagePattern(Rpc.meta.listPortfolios)
  listPortfolios(@Payload() request: TenantRequest): Promise<PortfolioOption[]> {
    return this.connections.listPortfolios(request.tenantId);
  }

  @MessagePattern(Rpc.meta.listAdAccounts)
  listAdAccounts(@Payload() request: ListAdAccountsRequest): Promise<AdAccountOption[]> {
    return this.connections.listAdAccounts(request.tenantId, request.businessId);
  }

  @MessagePattern(Rpc.meta.listPhoneNumbers)
  listPhoneNumbers(@Payload() request: ListPhoneNumbersRequest): Promise<PhoneNumberOption[]> {
    return this.connections.listPhoneNumbers(request.tenantId, request.businessId);
  }

  @MessagePattern(Rpc.meta.selectAssets)
  selectAssets(@Payload() request: SelectAssetsRequest): Promise<ConnectionStatus> {
    return this.connections.selectAssets(request);
  }
}
