import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppendLeadImportRowsRequest,
  CreateLeadImportRequest,
  LeadImportRejectsRequest,
  LeadImportRequest,
  Rpc,
  StartLeadImportRequest,
  TenantRequest,
  type RpcReply,
} from '@crm/contracts';
import { LeadImportsService } from './lead-imports.service';

@Controller()
export class LeadImportsController {
  constructor(private readonly imports: LeadImportsService) {}

  @MessagePattern(Rpc.crm.createLeadImport)
  create(@Payload() request: CreateLeadImportRequest): Promise<RpcReply<typeof Rpc.crm.createLeadImport>> {
    return this.imports.create(request);
  }

  @MessagePattern(Rpc.crm.appendLeadImportRows)
  append(
    @Payload() request: AppendLeadImportRowsRequest,
  ): Promise<RpcReply<typeof Rpc.crm.appendLeadImportRows>> {
    return this.imports.append(request);
  }

  @MessagePattern(Rpc.crm.sealLeadImport)
  seal(@Payload() request: LeadImportRequest): Promise<RpcReply<typeof Rpc.crm.sealLeadImport>> {
    return this.imports.seal(request.tenantId, request.importId);
  }

  @MessagePattern(Rpc.crm.startLeadImport)
  start(@Payload() request: StartLeadImportRequest): Promise<RpcReply<typeof Rpc.crm.startLeadImport>> {
    return this.imports.start(request);
  }

  @MessagePattern(Rpc.crm.getLeadImport)
  get(@Payload() request: LeadImportRequest): Promise<RpcReply<typeof Rpc.crm.getLeadImport>> {
    return this.imports.get(request.tenantId, request.importId);
  }

  @MessagePattern(Rpc.crm.listLeadImports)
  list(@Payload() request: TenantRequest): Promise<RpcReply<typeof Rpc.crm.listLeadImports>> {
    return this.imports.list(request.tenantId);
  }

  @MessagePattern(Rpc.crm.leadImportRejects)
  rejects(@Payload() request: LeadImportRejectsRequest): Promise<RpcReply<typeof Rpc.crm.leadImportRejects>> {
    return this.imports.rejects(request);
  }
}
