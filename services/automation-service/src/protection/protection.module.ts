import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { ProtectionStore } from './protection-store';
import { ProtectionController } from './protection.controller';
import { ProtectionConsumers } from './protection.consumers';
import { ProtectionService } from './protection.service';
import { PROTECTION_OPTIONS, type ProtectionOptions } from './recipient-guard';
import { RecipientLookups } from './template-categories';

/**
 * Recipient protection: opt-out consumers, customer-service windows, frequency cap and send-window settings.
 * Global, so the scheduler's `RecipientGuard` finds its store, lookups and options.
 */
@Global()
@Module({})
export class ProtectionModule {
  static forRoot(options: ProtectionOptions): DynamicModule {
    return {
      module: ProtectionModule,
      imports: [RulesModule],
      controllers: [ProtectionController],
      providers: [
        { provide: PROTECTION_OPTIONS, useValue: options },
        ProtectionStore,
        RecipientLookups,
        ProtectionService,
        ProtectionConsumers,
      ],
      exports: [PROTECTION_OPTIONS, ProtectionStore, RecipientLookups],
    };
  }
}
