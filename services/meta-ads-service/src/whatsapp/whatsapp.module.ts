import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GraphModule } from '../graph/graph.module';
import { SendEntity } from './send.entity';
import { SendsService } from './sends.service';
import { TemplateEntity } from './template.entity';
import { TemplatesService } from './templates.service';
import { WhatsappController } from './whatsapp.controller';

@Module({
  imports: [GraphModule, TypeOrmModule.forFeature([TemplateEntity, SendEntity])],
  controllers: [WhatsappController],
  providers: [TemplatesService, SendsService],
  exports: [TemplatesService],
})
export class WhatsappModule {}
