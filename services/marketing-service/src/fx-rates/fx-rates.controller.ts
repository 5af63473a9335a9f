import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeleteFxRateRequest,
  ImportFxRatesRequest,
  ListFxRatesRequest,
  PutFxRateRequest,
  Rpc,
  type RpcReply,
} from '@crm/contracts';
import { FxRatesService } from './fx-rates.service';

@Controller()
export class FxRatesController {
  constructor(private readonly rates: FxRatesService) {}

  @MessagePattern(Rpc.marketing.listFxRates)
  list(@Payload() request: ListFxRatesRequest): Promise<RpcReply<typeof Rpc.marketing.listFxRates>> {
    return this.rates.list(request);
  }

  @MessagePattern(Rpc.marketing.putFxRate)
  put(@Payload() request: PutFxRateRequest): Promise<RpcReply<typeof Rpc.marketing.putFxRate>> {
    return this.rates.put(request);
  }

  @MessagePattern(Rpc.marketing.deleteFxRate)
  delete(@Payload() request: DeleteFxRateRequest): Promise<RpcReply<typeof Rpc.marketing.deleteFxRate>> {
    return this.rates.delete(request);
  }

  @MessagePattern(Rpc.marketing.importFxRates)
  import(@Payload() request: ImportFxRatesRequest): Promise<RpcReply<typeof Rpc.marketing.importFxRates>> {
    return this.rates.import(request);
  }
}
