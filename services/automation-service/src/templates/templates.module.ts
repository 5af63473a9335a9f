import { Module } from '@nestjs/common';
import { TemplatePausesService } from './template-pauses.service';
import { TemplateStatusConsumer } from './template-status.consumer';

/** Rules paused and resumed by their template's status at Meta. `TemplatePausesService.pauseOf` is for SendPreparer. */
@Module({
  providers: [TemplatePausesService, TemplateStatusConsumer],
  exports: [TemplatePausesService],
})
export class TemplatesModule {}
