import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { JetStreamService } from './jetstream';
import { NATS_CLIENT, RpcClient } from './rpc';
import { HealthController } from './health';
import { MetricsController } from './metrics';

export type MessagingOptions = { natsUrl: string; serviceName: string };

/**
 * NATS for a service: an RPC client (request/reply with timeouts and typed errors), JetStream for durable
 * events, and the `/health` and `/metrics` endpoints every service exposes.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: NATS_CLIENT,
          useFactory: () =>
            ClientProxyFactory.create({
              transport: Transport.NATS,
              options: { servers: [options.natsUrl], name: `${options.serviceName}-client` },
            }),
        },
        RpcClient,
        {
          provide: JetStreamService,
          useFactory: async () => {
            const service = new JetStreamService();
            await service.connect(options.natsUrl, `${options.serviceName}-jetstream`);
            return service;
          },
        },
      ],
      exports: [RpcClient, JetStreamService, NATS_CLIENT],
    };
  }
}
