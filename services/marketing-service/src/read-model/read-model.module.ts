import { Module, type DynamicModule } from '@nestjs/common';
import { ReadModelBuilder } from './read-model.builder';
import { ReadModelConsumers } from './read-model.consumers';
import { ReadModelService } from './read-model.service';
import { READ_MODEL_SETTINGS, type ReadModelSettings } from './read-model.settings';
import { ReadModelStore } from './read-model.store';

@Module({})
export class ReadModelModule {
  /**
   * `consume: false` for the rebuild command: it must not take events from the running service, nor build
   * never-built tenants in the background (`ReadModelBuilder`).
   */
  static forRoot(
    settings: ReadModelSettings,
    options: { consume: boolean } = { consume: true },
  ): DynamicModule {
    return {
      module: ReadModelModule,
      providers: [
        { provide: READ_MODEL_SETTINGS, useValue: settings },
        ReadModelStore,
        ReadModelService,
        ...(options.consume ? [ReadModelConsumers, ReadModelBuilder] : []),
      ],
      exports: [ReadModelStore, ReadModelService, ...(options.consume ? [ReadModelBuilder] : [])],
    };
  }
}
