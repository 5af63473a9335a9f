import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { DeadLetterStore } from './durable/dead-letters';
import { JetStreamService, type DeliveryPolicy } from './jetstream';
import { NATS_CLIENT, RpcClient } from './rpc';
import { HealthController } from './health';
import { natsConnectOptions } from './nats-connection';
import { MetricsController } from './metrics';

export type MessagingOptions = {
  natsUrl: string;
  serviceName: string;
  /** Delivery limit and backoff of this service's consumers (`deliveryPolicyOf(config)`). */
  delivery?: Partial<DeliveryPolicy>;
  /**
   * The service's schema: consumers park what they give up on in `<schema>.dead_letters` (needs TypeOrmModule and
   * `durableTablesMigrationSql` in a migration). Without it, a message given up on is logged and terminated.
   */
  deadLetterSchema?: string;
};

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
              options: { ...natsConnectOptions(options.natsUrl), name: `${options.serviceName}-client` },
            }),
        },
        RpcClient,
        {
          provide: JetStreamService,
          useFactory: async (dataSource?: DataSource) => {
            const service = new JetStreamService();
            service.configureDelivery({
              policy: options.delivery,
              deadLetters:
                dataSource && options.deadLetterSchema
                  ? new DeadLetterStore(dataSource, options.deadLetterSchema).registerMetrics()
                  : undefined,
            });
            await service.connect(options.natsUrl, `${options.serviceName}-jetstream`);
            return service;
          },
          inject: options.deadLetterSchema ? [DataSource] : [],
        },
      ],
      exports: [RpcClient, JetStreamService, NATS_CLIENT],
    };
  }
}
