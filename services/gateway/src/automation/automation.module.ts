import { Module } from '@nestjs/common';
import { AutomationController } from './automation.controller';
import { ProtectionController } from './protection.controller';

@Module({ controllers: [AutomationController, ProtectionController] })
export class AutomationModule {}
