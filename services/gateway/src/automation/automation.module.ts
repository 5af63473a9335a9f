import { Module } from '@nestjs/common';
import { AutomationController } from './automation.controller';
import { TemplatesController } from './templates.controller';

@Module({ controllers: [AutomationController, TemplatesController] })
export class AutomationModule {}
