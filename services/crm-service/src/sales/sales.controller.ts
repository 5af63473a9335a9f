import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateSaleRequest, ListSalesRequest, Rpc, UpdateSaleRequest, type RpcReply } from '@crm/contracts';
import { SalesService } from './sales.service';

@Controller()
export class SalesController {
  constructor(private readonly sales: SalesService) {}

  @MessagePattern(Rpc.crm.listSales)
  list(@Payload() request: ListSalesRequest): Promise<RpcReply<typeof Rpc.crm.listSales>> {
    return this.sales.list(request);
  }

  @MessagePattern(Rpc.crm.createSale)
  create(@Payload() request: CreateSaleRequest): Promise<RpcReply<typeof Rpc.crm.createSale>> {
    return this.sales.create(request);
  }

  @MessagePattern(Rpc.crm.updateSale)
  update(@Payload() request: UpdateSaleRequest): Promise<RpcReply<typeof Rpc.crm.updateSale>> {
    return this.sales.update(request);
  }
}
