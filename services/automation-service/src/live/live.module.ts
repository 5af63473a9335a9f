import { Module, type DynamicModule } from '@nestjs/common';
import { LIVE_SETTINGS, SendEventListener, type LiveSettings } from './send-event-listener';

/** Publishes each committed send transition on core NATS for the live log (see SendEventListener). */
@Module({})
export class LiveModule {
  static forRoot(settings: LiveSettings): DynamicModule {
    return {
      module: LiveModule,
      providers: [{ provide: LIVE_SETTINGS, useValue: settings }, SendEventListener],
    };
  }
}
