import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { SendPacer } from './send-pacer';
import { SendsService } from './sends.service';
import { TemplatesService } from './templates.service';
import { WhatsappController } from './whatsapp.controller';

@Module({
  imports: [GraphModule],
  controllers: [WhatsappController],
  providers: [TemplatesService, SendsService, SendPacer],
  exports: [TemplatesService, SendsService],
})
export class WhatsappModule {}
