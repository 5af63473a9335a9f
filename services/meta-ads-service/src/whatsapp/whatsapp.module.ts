import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { SendsService } from './sends.service';
import { TemplatesService } from './templates.service';
import { WhatsappController } from './whatsapp.controller';

@Module({
  imports: [GraphModule],
  controllers: [WhatsappController],
  providers: [TemplatesService, SendsService],
  exports: [TemplatesService],
})
export class WhatsappModule {}
